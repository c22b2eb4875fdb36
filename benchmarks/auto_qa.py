"""Agreement of the automatic quality flags with the team's reviewers.

Runs the rules (exdesk/quality/rules.py) on a labelled set written by the team
(exdesk/quality/labelled/: ``dev`` and ``dev2`` are what the rules were written against,
``test`` is held out for this report) and prints one JSON object:

    {"set": "test", "conversations": 200, "by_flag": {"secret_request": {"precision": …,
     "recall": …, "labelled": …, "flagged": …}, …}, "seconds": …}

A flag agrees when the reviewer put the same flag on the same message.

    python benchmarks/auto_qa.py --set test [--misses]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exdesk.settings")
os.environ.setdefault("EXDESK_DEMO", "1")

import django

django.setup()

from exdesk.quality import evaluation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="test", choices=["dev", "dev2", "test"])
    parser.add_argument("--misses", action="store_true", help="list what disagreed")
    args = parser.parse_args()
    started = time.perf_counter()
    result = evaluation.score(evaluation.load(args.set))
    result = {"set": args.set, **result, "seconds": round(time.perf_counter() - started, 3)}
    if not args.misses:
        result.pop("misses")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
