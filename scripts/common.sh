# shellcheck shell=bash
# Shared settings and helpers of the project's scripts (sourced, not run).
# Everything the project creates lives outside the clone, in $PA_CACHE.
set -euo pipefail

PA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PA_ADDON=pet_aftersales
# Odoo 18.0 Community source trees (the platform, never part of the project):
# the newest 18.0 (the default: `make run`, the whole suite) and the first 18.0
# (the floor the addon's suite must still pass on). Each at its default place,
# else where ODOO_PATH / ODOO_FLOOR_PATH say. See README "Prerequisites".
PA_ODOO_DEFAULT=/opt/odoo-18.0
PA_ODOO_FLOOR_DEFAULT=/opt/odoo-18.0-floor
ODOO_PATH=${ODOO_PATH:-$PA_ODOO_DEFAULT}
ODOO_FLOOR_PATH=${ODOO_FLOOR_PATH:-$PA_ODOO_FLOOR_DEFAULT}
if [ -z "${PA_CACHE:-}" ]; then
    if [ "$(id -u)" = 0 ]; then PA_CACHE=/var/cache/pet_aftersales
    else PA_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/pet_aftersales; fi
fi
PA_VENV=$PA_CACHE/venv
PA_PY=$PA_VENV/bin/python
PA_PGDIR=$PA_CACHE/pg
PA_PGDATA=$PA_PGDIR/data
PA_PGSOCK=$PA_PGDIR/run
PA_PGPORT=${PA_PGPORT:-55432}
PA_PGUSER=odoo
PA_DATADIR=$PA_CACHE/odoo-data
PA_PGBIN=/usr/lib/postgresql/15/bin
export PGHOST=$PA_PGSOCK PGPORT=$PA_PGPORT PGUSER=$PA_PGUSER

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

as_pg() {  # run a PostgreSQL server binary as a non-root user
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

tree_help() {  # tree_help <newest|floor>: how to put that tree in place
    case $1 in
    newest) cat <<'TXT'
  The newest 18.0 (default place /opt/odoo-18.0, or export ODOO_PATH=...):
    git --git-dir=<snapshot of github:noelalbertodg86/odoo_18> archive \
        13d94b323ca8005af47895d61201699f92a5985d | tar -x -C /opt/odoo-18.0
TXT
    ;;
    floor) cat <<'TXT'
  The first 18.0 (default place /opt/odoo-18.0-floor, or export ODOO_FLOOR_PATH=...):
    git --git-dir=<snapshot of github:Disassembling-Odoo/core> archive 504b0670 \
        | tar -x -C /opt/odoo-18.0-floor
  (any Odoo 18.0 Community checkout or source package works the same way)
TXT
    ;;
    esac
}

check_odoo() {  # check_odoo [path] [newest|floor]: stop unless path holds an Odoo 18.0 tree
    local path=${1:-$ODOO_PATH} which=${2:-newest} ver
    # both layouts have odoo/release.py and odoo/addons/base: a git checkout
    # (odoo-bin, addons/) and a source package (everything under odoo/addons/)
    if [ ! -f "$path/odoo/release.py" ] || [ ! -f "$path/odoo/addons/base/__manifest__.py" ]; then
        printf '\033[31mERROR: No Odoo 18.0 source tree at %s (odoo/release.py and odoo/addons/base expected).\033[0m\n' \
            "'$path'" >&2
        tree_help "$which" >&2
        exit 1
    fi
    ver=$(sed -n "s/^version_info = (\([0-9]*\),.*/\1/p" "$path/odoo/release.py")
    if [ "$ver" != 18 ]; then
        printf '\033[31mERROR: The Odoo tree at %s is version %s, not 18.0.\033[0m\n' "'$path'" "${ver:-unknown}" >&2
        tree_help "$which" >&2
        exit 1
    fi
}

odoo_addons_path() {  # the addons path of the tree in ODOO_PATH, from what it has
    local ap=$ODOO_PATH/odoo/addons
    # a git checkout also has addons/ (never add an empty one: Odoo refuses it)
    if compgen -G "$ODOO_PATH/addons/*/__manifest__.py" >/dev/null; then ap=$ap,$ODOO_PATH/addons; fi
    echo "$ap,$PA_ROOT"
}

tree_id() {  # a short id of the tree in ODOO_PATH: keys its templates and config
    (echo "$ODOO_PATH"; sha1sum "$ODOO_PATH/odoo/release.py" | cut -d' ' -f1
     stat -c %Y "$ODOO_PATH/odoo/release.py" "$ODOO_PATH/odoo/addons/base/__manifest__.py") \
        | sha1sum | cut -c1-8
}

need_packages() {  # need_packages <package>...: stop unless these Debian packages are installed
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] || die "Debian packages missing: ${missing[*]}; run \`make setup\` (installs them once)"
}

venv_current() {  # true when the virtualenv matches requirements.txt
    [ -x "$PA_PY" ] && [ "$(cat "$PA_VENV/.requirements.sha256" 2>/dev/null)" = \
        "$(sha256sum "$PA_ROOT/requirements.txt" | cut -d' ' -f1)" ]
}

ensure_venv() {
    venv_current || die "The virtualenv $PA_VENV is missing or older than requirements.txt; run \`make setup\`"
}

ensure_pg() {  # create the private cluster once, start it when it is down
    need_packages postgresql-15
    mkdir -p "$PA_PGDIR" "$PA_PGSOCK"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$PA_PGDIR" "$PA_PGSOCK"; chmod 755 "$PA_CACHE"; fi
    if [ ! -f "$PA_PGDATA/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in $PA_PGDATA"
        as_pg "$PA_PGBIN/initdb" -D "$PA_PGDATA" -U "$PA_PGUSER" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >> "$PA_PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
port = $PA_PGPORT
unix_socket_directories = '$PA_PGSOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 512MB
CONF
    fi
    if ! as_pg "$PA_PGBIN/pg_ctl" -D "$PA_PGDATA" status >/dev/null 2>&1; then
        say "Starting PostgreSQL (socket $PA_PGSOCK, port $PA_PGPORT)"
        as_pg "$PA_PGBIN/pg_ctl" -D "$PA_PGDATA" -l "$PA_PGDIR/postgresql.log" -w -t 30 start >/dev/null \
            || die "PostgreSQL did not start; see $PA_PGDIR/postgresql.log"
    fi
    psql -d postgres -Atqc 'select 1' >/dev/null 2>&1 || die "PostgreSQL is not reachable at $PA_PGSOCK:$PA_PGPORT"
}

stop_pg() {
    if [ -f "$PA_PGDATA/PG_VERSION" ] && as_pg "$PA_PGBIN/pg_ctl" -D "$PA_PGDATA" status >/dev/null 2>&1; then
        as_pg "$PA_PGBIN/pg_ctl" -D "$PA_PGDATA" -m fast -w stop >/dev/null && say "PostgreSQL stopped"
    else
        say "PostgreSQL is not running"
    fi
}

odoo_conf() {  # write an Odoo config file for the private cluster and print its path
    mkdir -p "$PA_DATADIR"
    local conf
    conf=$PA_CACHE/odoo-$(echo "$PA_ROOT" | sha1sum | cut -c1-8)-$(tree_id).conf
    cat > "$conf" <<CONF
[options]
addons_path = $(odoo_addons_path)
data_dir = $PA_DATADIR
db_host = $PA_PGSOCK
db_port = $PA_PGPORT
db_user = $PA_PGUSER
db_password = False
list_db = False
http_interface = 127.0.0.1
max_cron_threads = 0
CONF
    echo "$conf"
}

# `python -m odoo` starts Odoo in both layouts (git checkout and source package)
odoo_bin() { PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" "$PA_PY" -m odoo "$@"; }
odoo() { odoo_bin -c "$PA_CONF" "$@"; }
odoo_shell() { odoo_bin shell -c "$PA_CONF" "$@"; }

db_exists() { [ "$(psql -d postgres -Atqc "select 1 from pg_database where datname='$1'")" = 1 ]; }

use_tree() {  # use_tree <newest|floor>: point ODOO_PATH (and the config) at that tree
    if [ "$1" = floor ]; then ODOO_PATH=$ODOO_FLOOR_PATH; else ODOO_PATH=$PA_ODOO_NEWEST; fi
    check_odoo "$ODOO_PATH" "$1"
    PA_TREE=$1
    PA_CONF=$(odoo_conf)
}
PA_ODOO_NEWEST=$ODOO_PATH

setup_all() {
    check_odoo "$ODOO_PATH" newest
    ensure_venv
    ensure_pg
    PA_CONF=$(odoo_conf)
}

# Template databases (the addon's Odoo dependencies, cached) and their copies.
# One per tree; rebuilt when that tree or the manifest's depends change.
addon_deps() {  # print the manifest's depends, comma-separated
    "$PA_PY" -c "import ast,sys;print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" \
        "$PA_ROOT/$PA_ADDON/__manifest__.py"
}

template() {  # template <demo|nodemo>: print the name of an up-to-date template db
    # one template per tree and kind: pa_tmpl_<kind>_<tree id>
    local kind=$1 odoo_id name lock deps tmpl_key
    odoo_id=$(tree_id)
    name="pa_tmpl_${kind}_$odoo_id" lock="$PA_CACHE/${kind}_$odoo_id.lock"
    deps=$(addon_deps)
    tmpl_key="$deps@$ODOO_PATH"
    exec 9>"$lock"; flock 9
    if db_exists "$name" && [ "$(psql -d postgres -Atqc "select shobj_description(oid,'pg_database') from pg_database where datname='$name'")" = "$tmpl_key" ]; then
        flock -u 9; echo "$name"; return
    fi
    say "Building template database $name on $ODOO_PATH ($deps; ~2 minutes, once)"
    drop_db "$name"
    local demo=(); [ "$kind" = nodemo ] && demo=(--without-demo=all)
    odoo -d "$name" -i "$deps" "${demo[@]}" --stop-after-init --log-level=warn >&2
    # build the asset bundles once, so every copy starts with warm assets
    echo "env['ir.qweb']._pregenerate_assets_bundles(); env.cr.commit()" \
        | odoo_shell -d "$name" --no-http --log-level=warn >/dev/null
    psql -d postgres -qc "comment on database $name is '$tmpl_key'"
    flock -u 9; echo "$name"
}

copy_db() {  # copy_db <template> <new>: Odoo's own `odoo db duplicate` (database,
    # filestore, and a database uuid of its own)
    odoo_bin db -c "$PA_CONF" duplicate -f "$1" "$2" >"$PA_CACHE/copy_$2.log" 2>&1 \
        || { tail -20 "$PA_CACHE/copy_$2.log" >&2; die "Could not copy $1 to $2"; }
    rm -f "$PA_CACHE/copy_$2.log"
}
drop_db() {  # drop_db <db>: Odoo's own `odoo db drop` (database and filestore)
    if db_exists "$1"; then odoo_bin db -c "$PA_CONF" drop "$1" >/dev/null 2>&1 || true; fi
    rm -rf "$PA_DATADIR/filestore/$1"
}
