#!/usr/bin/env bash
# make bench-load: Odoo in multi-process mode (PA_LOAD_WORKERS HTTP workers,
# default 4, and 1 cron worker) on 127.0.0.1 serving a fresh demo database
# (pa_load); PA_LOAD_CUSTOMERS portal customers (default 50) and
# PA_LOAD_AGENTS agents (default 5) use it at once for PA_LOAD_SECONDS
# (default 60), each waiting PA_LOAD_THINK seconds on average (default 1.0;
# 0 = back to back) between clicks; prints p50/p95/p99 per route and the error count, and fails on
# any error. The same load, on the same data, every run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
setup_all
use_tree newest
DB=${PA_LOAD_DB:-pa_load}
WORKERS=${PA_LOAD_WORKERS:-4}
free_port() { "$PA_PY" -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])"; }
PORT=$(free_port)
GEVENT_PORT=$(free_port)
TDEMO=$(template demo)
say "Creating $DB from $TDEMO with pet_aftersales and its demo data"
copy_db "$TDEMO" "$DB"
odoo -d "$DB" -i "$PA_ADDON" --stop-after-init --log-level=warn
say "Adding ${PA_LOAD_CUSTOMERS:-50} portal customers and ${PA_LOAD_AGENTS:-5} agents"
PA_LOAD_CUSTOMERS=${PA_LOAD_CUSTOMERS:-50} PA_LOAD_AGENTS=${PA_LOAD_AGENTS:-5} \
    odoo_shell -d "$DB" --no-http --log-level=warn < bench/portal_load_fixtures.py >/dev/null
LAUNCH=()
for launcher in "$ODOO_PATH/odoo-bin" "$ODOO_PATH/setup/odoo"; do
    if [ -f "$launcher" ]; then LAUNCH=("$launcher"); break; fi
done
[ ${#LAUNCH[@]} -gt 0 ] || die "No odoo-bin or setup/odoo launcher in $ODOO_PATH"
LOG=$PA_CACHE/bench_load.log
say "Starting Odoo: $WORKERS HTTP workers, 1 cron worker, port $PORT (log: $LOG)"
PYTHONPATH="$ODOO_PATH" "$PA_PY" "${LAUNCH[@]}" -c "$PA_CONF" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port="$GEVENT_PORT" \
    --workers="$WORKERS" --max-cron-threads=1 --limit-time-real=600 --log-level=warn \
    --logfile="$LOG" &
ODOO_PID=$!
trap 'kill "$ODOO_PID" 2>/dev/null || true; wait "$ODOO_PID" 2>/dev/null || true; drop_db "$DB"' EXIT
say "Load: ${PA_LOAD_SECONDS:-60} s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
"$PA_PY" bench/portal_load.py --url "http://127.0.0.1:$PORT" \
    --customers "${PA_LOAD_CUSTOMERS:-50}" --agents "${PA_LOAD_AGENTS:-5}" \
    --seconds "${PA_LOAD_SECONDS:-60}" --think "${PA_LOAD_THINK:-1.0}"
