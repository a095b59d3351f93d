#!/usr/bin/env bash
# `make setup`: what this machine needs, installed once (the Makefile runs it
# again only when requirements.txt or this script change): the Debian
# packages (PostgreSQL 15, libpq for psycopg2, Chromium for the browser tours,
# gettext for `make i18n`) and the Python virtualenv of requirements.txt.
# Nothing else installs anything: `make test`, `make run`... only check.
source "$(dirname "$0")/common.sh"

PACKAGES=(postgresql-15 libpq-dev chromium gettext)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get could not install ${missing[*]}"
fi

if ! venv_current; then
    say "Preparing the Python virtualenv in $PA_VENV (about a minute)"
    mkdir -p "$PA_CACHE"
    [ -x "$PA_PY" ] || python3 -m venv "$PA_VENV"
    "$PA_PY" -m pip install -q --disable-pip-version-check "setuptools<70" wheel 2>/dev/null
    "$PA_PY" -m pip install -q --disable-pip-version-check --no-build-isolation \
        -r "$PA_ROOT/requirements.txt" 2> >(grep -v "is ignored: it is neither" >&2) \
        || die "pip could not install requirements.txt"
    sha256sum "$PA_ROOT/requirements.txt" | cut -d' ' -f1 > "$PA_VENV/.requirements.sha256"
fi
ensure_pg
say "Setup done"
