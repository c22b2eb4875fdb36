"""Fail when a catalogue has untranslated or fuzzy entries, or its .mo is stale.

Runs without gettext tools: the .po is parsed here and compared with the compiled .mo.
"""

import ast
import gettext
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "exdesk" / "locale"


def parse_po(path: Path) -> list[dict]:
    entries, entry, key = [], {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line[2:].replace(" ", "").split(",")
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def check(po_path: Path) -> list[str]:
    problems = []
    catalogue = gettext.GNUTranslations(po_path.with_suffix(".mo").open("rb"))
    for entry in parse_po(po_path):
        msgid = entry.get("msgid", "")
        if not msgid:
            continue  # the header
        if "fuzzy" in entry.get("flags", []):
            problems.append(f"fuzzy: {msgid!r}")
        if "msgid_plural" in entry:
            translated = entry.get("msgstr[0]", "")
            compiled = catalogue.ngettext(msgid, entry["msgid_plural"], 1)
        else:
            translated = entry.get("msgstr", "")
            compiled = catalogue.gettext(msgid)
        if not translated:
            problems.append(f"untranslated: {msgid!r}")
        elif compiled != translated:
            problems.append(f"stale .mo (run `make messages`): {msgid!r}")
    return problems


def main() -> int:
    problems = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        problems += [f"{po_path.relative_to(LOCALE_DIR)}: {p}" for p in check(po_path)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
