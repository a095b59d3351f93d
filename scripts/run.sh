#!/usr/bin/env bash
# `make run`: Odoo (the newest 18.0 tree) serving pet_aftersales with demo data
# on 127.0.0.1:8069.
source "$(dirname "$0")/common.sh"
DB=${PA_DB:-pet_aftersales}
PORT=${PA_HTTP_PORT:-8069}
setup_all
if "$PA_PY" - "$PORT" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
then die "Port $PORT on 127.0.0.1 is already in use: stop what serves it, or run 'PA_HTTP_PORT=8070 make run'."
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
cat >&2 <<MSG

  Odoo is serving pet_aftersales at  http://127.0.0.1:$PORT/odoo   (database '$DB')
  Demo logins:  admin / admin            (administrator, after-sales manager)
                asmanager / asmanager    (after-sales manager)
                agent / agent            (after-sales agent)
                portal / portal          (customer, portal at /my)
  Stop with Ctrl-C; 'make stop' stops PostgreSQL.

MSG
PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" exec "$PA_PY" -m odoo -c "$PA_CONF" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT" --max-cron-threads=1
