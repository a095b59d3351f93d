#!/usr/bin/env bash
# `make run`: Odoo (the newest 18.0 tree) serving pet_aftersales with demo data
# on 127.0.0.1:8069.
# `PA_WORKERS=N make run`: Odoo's multi-process mode instead: N HTTP workers,
# 2 cron workers and the gevent process for live updates (/websocket) on
# PA_GEVENT_PORT (default PA_HTTP_PORT+3).
source "$(dirname "$0")/common.sh"
DB=${PA_DB:-pet_aftersales}
PORT=${PA_HTTP_PORT:-8069}
WORKERS=${PA_WORKERS:-0}
[[ $WORKERS =~ ^[0-9]+$ ]] || die "PA_WORKERS must be a number of HTTP workers (e.g. PA_WORKERS=4), not '$WORKERS'."
GEVENT_PORT=${PA_GEVENT_PORT:-$((PORT + 3))}
setup_all
port_busy() {  # port_busy <port>: true when something listens on 127.0.0.1:<port>
    "$PA_PY" - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}
if port_busy "$PORT"; then
    die "Port $PORT on 127.0.0.1 is already in use: stop what serves it, or run 'PA_HTTP_PORT=8070 make run'."
fi
if [ "$WORKERS" -gt 0 ] && port_busy "$GEVENT_PORT"; then
    die "Port $GEVENT_PORT on 127.0.0.1 (live updates) is already in use: stop what serves it, or set PA_GEVENT_PORT."
fi
if db_exists "$DB"; then
    say "Updating $PA_ADDON in database '$DB'"
    odoo -d "$DB" -u "$PA_ADDON" --stop-after-init --log-level=warn
else
    # a copy of the cached demo template (the one the tests use), then the addon
    TDEMO=$(template demo)
    say "Creating database '$DB' from $TDEMO with $PA_ADDON and its demo data"
    copy_db "$TDEMO" "$DB"
    odoo -d "$DB" -i "$PA_ADDON" --stop-after-init --log-level=warn \
        || { drop_db "$DB"; die "Installing $PA_ADDON failed (log above)"; }
fi
LAUNCH=(-m odoo)
if [ "$WORKERS" -gt 0 ]; then
    MODE="$WORKERS HTTP workers, 2 cron workers, live updates on port $GEVENT_PORT"
    SERVE=(--workers="$WORKERS" --max-cron-threads=2 --gevent-port="$GEVENT_PORT")
    # The master starts the gevent process as `python <sys.argv[0]> gevent`:
    # that must be a launcher script (odoo-bin, or setup/odoo in a source
    # package), not odoo/__main__.py, which fails when run as a file.
    for launcher in "$ODOO_PATH/odoo-bin" "$ODOO_PATH/setup/odoo"; do
        if [ -f "$launcher" ]; then LAUNCH=("$launcher"); break; fi
    done
    [ "${LAUNCH[0]}" != -m ] || die "No odoo-bin or setup/odoo launcher in $ODOO_PATH: multi-process mode needs one."
else
    MODE="one process (PA_WORKERS=N make run for multi-process mode)"
    SERVE=(--max-cron-threads=1)
fi
cat >&2 <<MSG

  Odoo is serving pet_aftersales at  http://127.0.0.1:$PORT/odoo   (database '$DB')
  Mode:         $MODE
  Demo logins:  admin / admin            (administrator, after-sales manager)
                asmanager / asmanager    (after-sales manager)
                agent / agent            (after-sales agent)
                liwei / liwei            (second agent of the round-robin team)
                portal / portal          (customer, portal at /my)
  Stop with Ctrl-C; 'make stop' stops PostgreSQL.

MSG
PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" exec "$PA_PY" "${LAUNCH[@]}" -c "$PA_CONF" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT" "${SERVE[@]}"
