#!/usr/bin/env python3
"""Print the untranslated (empty or fuzzy) msgids of a .po file as JSON.

    scripts/po_todo.py pet_aftersales/i18n/zh_TW.po > todo.json

The output is a JSON object {msgid: ""}: fill in the values and apply them with
scripts/po_fill.py. `--all` lists every entry with its current translation, to
review or correct a whole file; `--ref other.po` puts the other file's
translation of each msgid next to it (under the key "ref"), e.g. the zh_CN
translation while writing zh_TW.
"""

import argparse
import json
import sys

import polib


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po", help="the .po file")
    parser.add_argument(
        "--all", action="store_true", help="every entry, translated or not"
    )
    parser.add_argument(
        "--ref", help="another .po whose translations are shown next to each msgid"
    )
    args = parser.parse_args()
    po = polib.pofile(args.po)
    entries = [
        e
        for e in po
        if not e.obsolete and (args.all or not e.msgstr or "fuzzy" in e.flags)
    ]
    if args.ref:
        ref = {e.msgid: e.msgstr for e in polib.pofile(args.ref) if not e.obsolete}
        out = {
            e.msgid: {
                "msgstr": e.msgstr if args.all else "",
                "ref": ref.get(e.msgid, ""),
            }
            for e in entries
        }
    else:
        out = {e.msgid: e.msgstr if args.all else "" for e in entries}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
