#!/usr/bin/env bash
# `make test`: lint, then the addon's whole suite (pytest + pytest-odoo, browser
# tours in headless Chromium) on a fresh copy of a cached template database,
# then install -> uninstall -> reinstall with and without demo data.
# Exits non-zero on any failure, a skipped test included.
source "$(dirname "$0")/common.sh"
setup_all
apt_install chromium

# 1. lint ----------------------------------------------------------------------
if [ "${PA_SKIP_LINT:-}" != 1 ]; then "$PA_ROOT/scripts/lint.sh"; fi

# 2. template databases (template, copy_db, drop_db: scripts/common.sh) ------
TDEMO=$(template demo)
run_id=$$
DB=pa_test_$run_id
SCRATCH=pa_scratch_$run_id
trap 'drop_db $DB; drop_db $SCRATCH; drop_db ${SCRATCH}_nodemo' EXIT

# 3. install/uninstall/reinstall, with and without demo (runs in the background)
cycle_log=$PA_CACHE/cycle_$run_id.log
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
cycles() {
    cycle "$TDEMO" "$SCRATCH" &&
    cycle "$(template nodemo)" "${SCRATCH}_nodemo" --without-demo=all
}
if [ "${PA_SKIP_CYCLE:-}" != 1 ]; then
    say "Install -> uninstall -> reinstall, with and without demo (in the background)"
    ( cycles > "$cycle_log" 2>&1 ) & cycle_pid=$!
fi

# 4. the suite -----------------------------------------------------------------
say "Installing $PA_ADDON in a fresh copy of $TDEMO"
copy_db "$TDEMO" "$DB"
install_log=$PA_CACHE/install_$run_id.log
: > "$install_log"
odoo -d "$DB" -i "$PA_ADDON" --stop-after-init --log-level=warn --logfile="$install_log" \
    || { tail -40 "$install_log" >&2; die "Installing $PA_ADDON failed"; }
check_clean "$install_log" "Installing $PA_ADDON"
rm -f "$install_log"

HTTP_PORT=$("$PA_PY" -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
TEST_CONF=$PA_CACHE/odoo_test_$run_id.conf
sed "s/^http_interface.*/http_interface = 127.0.0.1\nhttp_port = $HTTP_PORT/" "$PA_CONF" > "$TEST_CONF"
say "Running the test suite (pytest-odoo, browser tours in headless Chromium)"
set +e
(cd "$PA_ROOT" && PYTHONPATH="$ODOO_PATH:$PA_ROOT/scripts" "$PA_VENV/bin/pytest" \
    -p pytest_noskip --odoo-config="$TEST_CONF" --odoo-database="$DB" --odoo-http \
    -o cache_dir="$PA_CACHE/pytest_cache" -q -rfEs ${PA_PYTEST_ARGS:-} ${PA_TESTS:-"$PA_ADDON/tests"})
rc=$?
set -e
rm -f "$TEST_CONF"

if [ -n "${cycle_pid:-}" ]; then
    if ! wait "$cycle_pid"; then
        tail -40 "$cycle_log" >&2
        for f in "$PA_CACHE"/cycle_pa_scratch_"$run_id"*.log; do [ -f "$f" ] && tail -30 "$f" >&2; done
        die "install -> uninstall -> reinstall failed"
    fi
    say "Install -> uninstall -> reinstall: clean, with and without demo"
    rm -f "$cycle_log" "$PA_CACHE"/cycle_pa_scratch_"$run_id"*.log
fi
exit $rc
