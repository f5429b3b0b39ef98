"""Fill msgstr entries of a .po file from a JSON dictionary {msgid: msgstr or [singular, plural]}.

Used by engineers to apply reviewed translations in one step:
    python scripts/fill_translations.py locale/zh_Hans/LC_MESSAGES/django.po zh.json
An entry with a context (``pgettext``) is keyed "context|msgid", e.g. "person|name".
Entries already translated are left alone unless --force; fuzzy flags are removed from the
entries filled.
"""

import argparse
import json

import polib


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("po")
    parser.add_argument("translations")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    po = polib.pofile(args.po)
    with open(args.translations, encoding="utf-8") as fh:
        table = json.load(fh)
    filled = 0
    for entry in po:
        key = f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.obsolete or key not in table:
            continue
        value = table[key]
        if entry.msgid_plural:
            if entry.msgstr_plural.get(0) and not args.force and "fuzzy" not in entry.flags:
                continue
            entry.msgstr_plural = {0: value if isinstance(value, str) else value[0]}
        else:
            if entry.msgstr and not args.force and "fuzzy" not in entry.flags:
                continue
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    print(f"filled {filled}; untranslated left: {len(missing)}")
    for msgid in missing:
        print("  -", msgid)


if __name__ == "__main__":
    main()
