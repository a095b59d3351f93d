#!/usr/bin/env bash
# `make i18n`: regenerate pet_aftersales/i18n/pet_aftersales.pot from the code,
# views and data of the addon, merge it into zh_CN.po and zh_TW.po and report
# what is left to translate. Installs the addon (with demo data) on a scratch
# copy of the cached template database, which is dropped afterwards.
source "$(dirname "$0")/common.sh"
setup_all
need_packages gettext

LANGS=(zh_CN zh_TW)
I18N=$PA_ROOT/$PA_ADDON/i18n
POT=$I18N/$PA_ADDON.pot
DB=pa_i18n_$$
trap 'drop_db $DB' EXIT
mkdir -p "$I18N"

TDEMO=$(template demo)
say "Installing $PA_ADDON in a scratch copy of $TDEMO"
copy_db "$TDEMO" "$DB"
log=$PA_CACHE/i18n_$$.log
odoo -d "$DB" -i "$PA_ADDON" --stop-after-init --log-level=warn --logfile="$log" \
    || { tail -40 "$log" >&2; die "Installing $PA_ADDON failed"; }
rm -f "$log"

say "Exporting $POT"
new_pot=$PA_CACHE/i18n_$$.pot
export_log=$PA_CACHE/i18n_export_$$.log
odoo -d "$DB" --modules="$PA_ADDON" --i18n-export="$new_pot" --log-level=warn --stop-after-init \
    --logfile="$export_log"
# a file the extractor cannot parse loses all its terms: never let that pass
if grep -E -A12 "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$export_log" >&2; then
    rm -f "$new_pot" "$export_log"; die "The export logged errors (above): fix the code, then rerun"
fi
rm -f "$export_log"
# keep the shipped file (and its dates) when no term changed: clean diffs
same_terms() { diff -q <(grep -v -e '^"POT-Creation-Date' -e '^"PO-Revision-Date' "$1") \
                       <(grep -v -e '^"POT-Creation-Date' -e '^"PO-Revision-Date' "$2") >/dev/null; }
if [ -f "$POT" ] && same_terms "$POT" "$new_pot"; then
    rm -f "$new_pot"; say "The .pot is up to date"
else
    mv "$new_pot" "$POT"
fi

for lang in "${LANGS[@]}"; do
    po=$I18N/$lang.po
    if [ ! -f "$po" ]; then
        say "Creating $po"
        "$PA_PY" - "$POT" "$po" "$lang" <<'PY'
import sys

import polib

pot, po_path, lang = sys.argv[1:]
po = polib.pofile(pot)
po.metadata["Language"] = lang
po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
po.save(po_path)
PY
    fi
    msgmerge --quiet --update --no-fuzzy-matching --backup=none --no-wrap "$po" "$POT"
    # strings gone from the addon are dropped, not kept as obsolete `#~` entries
    msgattrib --no-obsolete --no-wrap --output-file="$po" "$po"
    # terms translated ahead of their code (scripts/i18n_memory/): fill the gaps
    memory=$PA_ROOT/scripts/i18n_memory/$lang.json
    if [ -f "$memory" ]; then "$PA_PY" "$PA_ROOT/scripts/po_fill.py" --memory "$po" "$memory" >/dev/null; fi
done

say "Left to translate (scripts/po_todo.py <po> lists them as JSON; scripts/po_fill.py applies translations)"
for lang in "${LANGS[@]}"; do
    "$PA_PY" - "$I18N/$lang.po" "$lang" <<'PY'
import sys

import polib

po = polib.pofile(sys.argv[1])
todo = len(po.untranslated_entries()) + len(po.fuzzy_entries())
print(f"{sys.argv[2]}: {todo} untranslated of {len([e for e in po if not e.obsolete])}")
PY
done
