#!/usr/bin/env bash
# `make lint`: ruff (lint + format check) and pylint-odoo on the addon.
source "$(dirname "$0")/common.sh"
check_odoo
ensure_venv
cd "$PA_ROOT"
say "Lint: ruff"
"$PA_VENV/bin/ruff" check --quiet .
"$PA_VENV/bin/ruff" format --check --quiet .
say "Lint: pylint-odoo"
"$PA_VENV/bin/pylint" --rcfile=.pylintrc --score=n "$PA_ADDON"
