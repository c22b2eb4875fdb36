"""Full-text search terms shared by every backend.

Text is reduced to space-separated terms: lower-cased Latin words and digits as they
are, and Chinese (CJK) runs as overlapping character bigrams, so a query for "提现"
finds "提现失败" without a dictionary. The same function builds index and query
terms, which is what makes the two meet. See docs/decisions/0001-search-terms.md.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_TERM_LENGTH = 64


def terms(text: str) -> list[str]:
    out: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        token = match.group(0)
        if _CJK.match(token):
            if len(token) == 1:
                out.append(token)
            else:
                out.extend(token[i : i + 2] for i in range(len(token) - 1))
        else:
            out.append(token[:MAX_TERM_LENGTH])
    return out


def index_text(*parts: str) -> str:
    return " ".join(t for part in parts if part for t in terms(part))
