#!/usr/bin/env bash
# make bench-peers: pet_aftersales side by side with the OCA peers (rma +
# rma_sale, helpdesk_mgmt 18.0) in ONE fresh database (pa_peers, from the
# no-demo template), same machine, same run, same non-superuser admin user.
# The OCA wheels come from PyPI into $PA_CACHE/oca (never the repository).
# PA_PEERS_RUNS=7 sets the repetitions, PA_PEERS_ROWS=100000 the read_group
# volume, PA_PEERS_KEEP=1 keeps pa_peers (else it is rebuilt every run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
setup_all
use_tree newest
DB=${PA_PEERS_DB:-pa_peers}
OCA=$PA_CACHE/oca
mkdir -p "$OCA/wheels"
if ! compgen -G "$OCA/wheels/odoo_addon_rma_sale-18.0.*.whl" >/dev/null \
    || ! compgen -G "$OCA/wheels/odoo_addon_helpdesk_mgmt-18.0.*.whl" >/dev/null \
    || ! compgen -G "$OCA/wheels/odoo_addon_rma-18.0.*.whl" >/dev/null; then
    say "Downloading the OCA peers from PyPI into $OCA/wheels"
    "$PA_PY" -m pip download -q --disable-pip-version-check --no-deps -d "$OCA/wheels" \
        "odoo-addon-rma==18.0.*" "odoo-addon-rma-sale==18.0.*" "odoo-addon-helpdesk-mgmt==18.0.*"
fi
# a wheel is a zip: its odoo/addons/<module> directories are the addons
for whl in "$OCA"/wheels/*.whl; do
    stamp=$OCA/x/.$(basename "$whl").unpacked
    [ -f "$stamp" ] && continue
    "$PA_PY" -m zipfile -e "$whl" "$OCA/x"
    touch "$stamp"
done
PEERS_PATH=$OCA/x/odoo/addons
# our own config: the project's one plus the peers' addons directory
CONF=$PA_CACHE/odoo-peers-$(tree_id).conf
sed "s|^addons_path = .*|addons_path = $(odoo_addons_path),$PEERS_PATH|" "$PA_CONF" > "$CONF"
PA_CONF=$CONF
if [ "${PA_PEERS_KEEP:-0}" = 1 ] && db_exists "$DB"; then
    say "Updating pet_aftersales in $DB"
    odoo -d "$DB" -u pet_aftersales --stop-after-init --log-level=warn
else
    TNODEMO=$(template nodemo)
    say "Creating $DB from $TNODEMO with pet_aftersales, rma, rma_sale, helpdesk_mgmt"
    copy_db "$TNODEMO" "$DB"
    odoo -d "$DB" -i pet_aftersales,rma,rma_sale,helpdesk_mgmt --stop-after-init --log-level=warn
fi
say "Measuring ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
PYTHONPATH="$ODOO_PATH:bench" "$PA_PY" bench/peers.py -c "$PA_CONF" -d "$DB"
