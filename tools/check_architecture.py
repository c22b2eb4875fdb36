"""Rules of the code's shape that a linter does not know (docs/architecture.md).

Views and API routes reach domain data only through selectors and change it only
through services: no model managers, no get_object_or_404, no .save() in them.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "exdesk"
ENTRY_POINTS = ["*/views.py", "*/views_*.py", "*/portal_views.py", "*/api.py", "api.py"]
DOMAIN_MODELS = "Conversation|Customer|Event|Attachment|AuditEntry|Category|Tag|SearchDocument"
RULES = [
    (re.compile(rf"\b({DOMAIN_MODELS})\.objects\b"), "reads domain data without a selector"),
    (re.compile(r"\bget_object_or_404\("), "fetches an object without the access layer"),
    (re.compile(r"\.save\("), "writes without a service"),
]


def main() -> int:
    problems = []
    for pattern in ENTRY_POINTS:
        for path in sorted(ROOT.glob(pattern)):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for rule, message in RULES:
                    if rule.search(line):
                        problems.append(f"{path.relative_to(ROOT.parent)}:{number}: {message}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
