"""Fail when a catalogue misses a string of the source, has untranslated or fuzzy
entries, or its .mo is stale.

The .po is parsed here and compared with the compiled .mo (no gettext tools needed).
Whether the catalogue covers every string in the code and templates is checked by
running makemessages on the side, which needs gettext's xgettext (required under CI=true).
"""

import ast
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1] / "exdesk"
LOCALE_DIR = PROJECT / "locale"


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
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            translated = entry.get("msgstr[0]", "")
            compiled = (
                catalogue.npgettext(context, msgid, entry["msgid_plural"], 1)
                if context
                else catalogue.ngettext(msgid, entry["msgid_plural"], 1)
            )
        else:
            translated = entry.get("msgstr", "")
            compiled = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        if not translated:
            problems.append(f"untranslated: {msgid!r}")
        elif compiled != translated:
            problems.append(f"stale .mo (run `make messages`): {msgid!r}")
    return problems


def msgids(path: Path) -> set[str]:
    return {entry["msgid"] for entry in parse_po(path) if entry.get("msgid")}


def check_covers_source(po_path: Path, locale: str) -> list[str]:
    if not shutil.which("xgettext"):
        if os.environ.get("CI") == "true":
            return ["gettext's xgettext is missing (apt-get install gettext)"]
        print("xgettext not found: not checking that the catalogue covers the source")
        return []
    saved = po_path.read_bytes()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "EXDESK_DEMO": "1", "EXDESK_DATA_DIR": data_dir}
        command = ["makemessages", "-l", locale, "--no-obsolete", "--no-location"]
        try:
            subprocess.run(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "exdesk.cli", *command],
                cwd=PROJECT,
                env=env,
                check=True,
                capture_output=True,
            )
            current = msgids(po_path)
        finally:
            po_path.write_bytes(saved)
    committed = msgids(po_path)
    missing = [f"not in the catalogue (run `make messages`): {m!r}" for m in current - committed]
    unused = [f"no longer in the source (run `make messages`): {m!r}" for m in committed - current]
    return sorted(missing) + sorted(unused)


def main() -> int:
    problems = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        locale = po_path.parent.parent.name
        found = check(po_path) + check_covers_source(po_path, locale)
        problems += [f"{po_path.relative_to(LOCALE_DIR)}: {p}" for p in found]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
