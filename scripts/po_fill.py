#!/usr/bin/env python3
"""Apply a JSON {msgid: msgstr} file to a .po file, in place.

    scripts/po_fill.py pet_aftersales/i18n/zh_TW.po done.json

Matching entries get the new msgstr and lose their `fuzzy` flag; empty values
are ignored (a JSON produced by po_todo.py can be applied half-filled). Values
may also be {"msgstr": "..."} objects (the `--ref` output of po_todo.py).
msgids that the .po does not have are listed on stderr and the exit code is 1,
so a typo in a key never goes unnoticed. Prints what is still untranslated.

`--memory` applies a translation memory instead (scripts/i18n_memory/*.json,
`make i18n` does it): only empty or fuzzy entries are filled, and msgids the
.po does not have (yet) are ignored.
"""

import argparse
import json
import shutil
import subprocess
import sys

import polib


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po", help="the .po file to update")
    parser.add_argument("json", help="JSON object {msgid: msgstr}")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="fill only untranslated entries, ignore msgids the .po lacks",
    )
    args = parser.parse_args()
    with open(args.json, encoding="utf-8") as f:
        translations = json.load(f)
    po = polib.pofile(args.po, wrapwidth=0)
    by_msgid = {e.msgid: e for e in po if not e.obsolete}
    applied, unknown = 0, []
    for msgid, msgstr in translations.items():
        if isinstance(msgstr, dict):
            msgstr = msgstr.get("msgstr", "")
        if not msgstr:
            continue
        entry = by_msgid.get(msgid)
        if entry is None:
            if not args.memory:
                unknown.append(msgid)
            continue
        if args.memory and entry.msgstr and "fuzzy" not in entry.flags:
            continue
        entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        applied += 1
    po.save(args.po)
    if shutil.which("msgcat"):
        # the layout msgmerge writes in `make i18n`, so that diffs show only changes
        subprocess.run(["msgcat", "--no-wrap", "-o", args.po, args.po], check=True)
    todo = sum(1 for e in by_msgid.values() if not e.msgstr or "fuzzy" in e.flags)
    print(f"{args.po}: {applied} applied, {todo} still untranslated")
    for msgid in unknown:
        print(f"not in {args.po}: {msgid!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
