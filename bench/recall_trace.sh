#!/usr/bin/env bash
# Time a recall of one lot delivered to 50,000 customers (bench/recall_trace.py)
# in a scratch copy of the no-demo template with pet_aftersales installed;
# the copy is dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
setup_all
DB=pa_bench_recall_$$
copy_db "$(template nodemo)" "$DB"
trap 'drop_db "$DB"' EXIT
odoo -d "$DB" -i pet_aftersales --stop-after-init --log-level=warn
say "Recall trace ($(nproc) cores)"
PYTHONPATH="$ODOO_PATH:bench" "$PA_PY" bench/recall_trace.py -c "$PA_CONF" -d "$DB"
