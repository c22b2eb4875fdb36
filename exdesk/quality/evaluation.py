"""Agreement of the automatic flags with reviewers, on the team's labelled set
(``exdesk/quality/labelled/``: ``dev.jsonl`` to write rules against, ``test.jsonl`` to
report on). A flag agrees when the reviewer put the same flag on the same message."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from . import rules

LABELLED = Path(__file__).resolve().parent / "labelled"


def load(name: str) -> list[dict]:
    path = LABELLED / f"{name}.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def flags_of(conversation: dict) -> set[tuple[str, int]]:
    messages = [rules.Message(m["who"], m["text"]) for m in conversation["messages"]]
    found = rules.review(messages, compliance=bool(conversation.get("compliance")))
    return {(flag.kind, flag.message) for flag in found}


def score(conversations: list[dict]) -> dict:
    """Per flag: precision, recall and the counts behind them; and the misses, to read."""
    counts: dict[str, Counter] = {kind: Counter() for kind in rules.TEXT_FLAGS}
    misses = []
    for conversation in conversations:
        expected = {(f["flag"], f["message"]) for f in conversation["flags"]}
        found = flags_of(conversation)
        for kind, _n in found & expected:
            counts[kind]["tp"] += 1
        for kind, n in found - expected:
            counts[kind]["fp"] += 1
            misses.append({"id": conversation["id"], "flag": kind, "message": n, "wrong": "extra"})
        for kind, n in expected - found:
            counts[kind]["fn"] += 1
            misses.append({"id": conversation["id"], "flag": kind, "message": n, "wrong": "missed"})
    by_flag = {}
    for kind, c in counts.items():
        found, expected = c["tp"] + c["fp"], c["tp"] + c["fn"]
        by_flag[kind] = {
            "precision": round(c["tp"] / found, 3) if found else None,
            "recall": round(c["tp"] / expected, 3) if expected else None,
            "labelled": expected,
            "flagged": found,
        }
    return {"conversations": len(conversations), "by_flag": by_flag, "misses": misses}
