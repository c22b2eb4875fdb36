"""Small helpers the platform adapters share: reading untrusted JSON, splitting text."""

from __future__ import annotations

from typing import Any

import httpx


def json_of(response: httpx.Response) -> dict:
    try:
        return as_dict(response.json())
    except ValueError:
        return {}


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at a line break or a space
    in the second half of a part where there is one."""
    text = text.strip()
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", limit // 2, limit + 1)
        if cut < 0:
            cut = text.rfind(" ", limit // 2, limit + 1)
        if cut < 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    parts.append(text)
    return parts
