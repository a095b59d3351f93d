#!/usr/bin/env bash
# `make test`: lint, then the addon's whole suite (pytest + pytest-odoo, browser
# tours in headless Chromium) on a fresh copy of a cached template database of
# the newest Odoo 18.0, with install -> uninstall -> reinstall with and without
# demo data; then the addon's suite again (install, tests, tours) on the first
# 18.0, the floor. Exits non-zero on any failure, a skipped test included.
# PA_TREES="newest" (or "floor") runs one tree only, for a quick local loop.
source "$(dirname "$0")/common.sh"
setup_all
trees=${PA_TREES:-newest floor}
for tree in $trees; do
    case $tree in
    newest) ;;
    floor) check_odoo "$ODOO_FLOOR_PATH" floor ;;
    *) die "PA_TREES: unknown tree '$tree' (newest, floor)" ;;
    esac
done
need_packages chromium
# a first headless start after boot can take longer than Odoo's 10 s wait for
# the devtools port (a tour then skips): start it once here
timeout 60 chromium --headless=new --no-sandbox --disable-gpu --dump-dom about:blank >/dev/null 2>&1 || true

# 1. lint ----------------------------------------------------------------------
if [ "${PA_SKIP_LINT:-}" != 1 ]; then "$PA_ROOT/scripts/lint.sh"; fi

run_id=$$
dbs=()
trap 'for db in "${dbs[@]}"; do drop_db "$db"; done' EXIT

check_clean() {  # check_clean <log> <what>: no ERROR/WARNING/CRITICAL line allowed
    if grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$1" >/dev/null; then
        grep -E -A5 "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$1" | head -40 >&2
        die "$2 logged warnings or errors (above)"
    fi
}
cycle() {  # cycle <template> <db> <demo flag...>: install -> uninstall -> reinstall
    local tmpl=$1 db=$2; shift 2
    copy_db "$tmpl" "$db"
    local log=$PA_CACHE/cycle_$db.log
    : > "$log"
    odoo -d "$db" -i "$PA_ADDON" "$@" --stop-after-init --log-level=warn --logfile="$log" || return 1
    echo "env['ir.module.module'].search([('name', '=', '$PA_ADDON')]).button_immediate_uninstall(); env.cr.commit()" \
        | odoo_shell -d "$db" --no-http --log-level=warn --logfile="$log" >/dev/null || return 1
    psql -d "$db" -Atqc "select state from ir_module_module where name='$PA_ADDON'" | grep -qx uninstalled \
        || { echo "uninstall did not uninstall" >> "$log"; return 1; }
    odoo -d "$db" -i "$PA_ADDON" "$@" --stop-after-init --log-level=warn --logfile="$log" || return 1
    check_clean "$log" "install/uninstall/reinstall on $db"
    drop_db "$db"
}

suite() {  # suite <newest|floor>: the addon's suite on that tree (+ the cycle on newest)
    local tree=$1 tdemo db scratch cycle_log cycle_pid= install_log http_port test_conf rc
    use_tree "$tree"
    say "Odoo 18.0 tree '$tree': $ODOO_PATH"
    tdemo=$(template demo)
    db=pa_test_${tree}_$run_id scratch=pa_scratch_${tree}_$run_id
    dbs+=("$db" "$scratch" "${scratch}_nodemo")

    # install/uninstall/reinstall, with and without demo (in the background)
    if [ "$tree" = newest ] && [ "${PA_SKIP_CYCLE:-}" != 1 ]; then
        local tnodemo
        tnodemo=$(template nodemo)
        cycle_log=$PA_CACHE/cycle_$run_id.log
        say "Install -> uninstall -> reinstall, with and without demo (in the background)"
        ( cycle "$tdemo" "$scratch" && cycle "$tnodemo" "${scratch}_nodemo" --without-demo=all ) \
            > "$cycle_log" 2>&1 &
        cycle_pid=$!
    fi

    # with Odoo's demo payment provider next to it (never a dependency): a
    # real provider that refunds, for the online refund tests
    say "Installing $PA_ADDON (and payment_demo) in a fresh copy of $tdemo"
    copy_db "$tdemo" "$db"
    install_log=$PA_CACHE/install_$run_id.log
    : > "$install_log"
    odoo -d "$db" -i "$PA_ADDON,payment_demo" --stop-after-init --log-level=warn --logfile="$install_log" \
        || { tail -40 "$install_log" >&2; die "Installing $PA_ADDON failed ($tree tree)"; }
    check_clean "$install_log" "Installing $PA_ADDON ($tree tree)"
    rm -f "$install_log"

    http_port=$("$PA_PY" -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
    test_conf=$PA_CACHE/odoo_test_$run_id.conf
    sed "s/^http_interface.*/http_interface = 127.0.0.1\nhttp_port = $http_port/" "$PA_CONF" > "$test_conf"
    say "Running the test suite on the $tree tree (pytest-odoo, browser tours in headless Chromium)"
    set +e
    (cd "$PA_ROOT" && PYTHONPATH="$ODOO_PATH:$PA_ROOT/scripts" "$PA_VENV/bin/pytest" \
        -p pytest_noskip --odoo-config="$test_conf" --odoo-database="$db" --odoo-http \
        -o cache_dir="$PA_CACHE/pytest_cache" -q -rfEs ${PA_PYTEST_ARGS:-} ${PA_TESTS:-"$PA_ADDON/tests"})
    rc=$?
    set -e
    rm -f "$test_conf"
    drop_db "$db"

    if [ -n "$cycle_pid" ]; then
        if ! wait "$cycle_pid"; then
            tail -40 "$cycle_log" >&2
            for f in "$PA_CACHE"/cycle_"$scratch"*.log; do [ -f "$f" ] && tail -30 "$f" >&2; done
            die "install -> uninstall -> reinstall failed ($tree tree)"
        fi
        say "Install -> uninstall -> reinstall: clean, with and without demo ($tree tree)"
        rm -f "$cycle_log" "$PA_CACHE"/cycle_"$scratch"*.log
    fi
    [ "$rc" = 0 ] || die "The test suite failed on the $tree tree ($ODOO_PATH)"
    say "The test suite passed on the $tree tree"
}

for tree in $trees; do suite "$tree"; done
say "make test: passed on ${trees// / and } 18.0"
