#!/usr/bin/env bash
# make bench: build pa_bench (once) with the addon and 1M cases, then time the
# hot paths. PA_BENCH_RELOAD=1 rebuilds the database; PA_BENCH_DB renames it;
# PA_BENCH_SCALE=0.01 loads 1% of the volume for a quick smoke test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
setup_all
DB=${PA_BENCH_DB:-pa_bench}
if [ "${PA_BENCH_RELOAD:-0}" = 1 ] && db_exists "$DB"; then
    drop_db "$DB"
fi
if ! db_exists "$DB"; then
    TNODEMO=$(template nodemo)
    say "Creating $DB from $TNODEMO with pet_aftersales installed"
    copy_db "$TNODEMO" "$DB"
    odoo -d "$DB" -i pet_aftersales --stop-after-init --log-level=warn
    say "Loading the volume (SQL INSERT ... SELECT generate_series)"
    PYTHONPATH="$ODOO_PATH:bench" "$PA_PY" bench/load.py -c "$PA_CONF" -d "$DB"
else
    say "Updating pet_aftersales in $DB"
    odoo -d "$DB" -u pet_aftersales --stop-after-init --log-level=warn
fi
say "Measuring ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM)"
PYTHONPATH="$ODOO_PATH:bench" "$PA_PY" bench/measure.py -c "$PA_CONF" -d "$DB"
