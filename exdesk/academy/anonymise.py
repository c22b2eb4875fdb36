"""Anonymising a conversation for the case library: names, e-mails, phone numbers, UIDs,
wallet addresses, TxIDs and order ids become placeholders, the same value the same
placeholder throughout the case ("[EMAIL-1]" wherever that address was written), so the
case still reads as a story. What the guard masked stays masked.

Names cannot be told from other words by a pattern: the names exdesk knows (the customer's,
the staff's) are replaced wherever they occur. Postal addresses are not recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exdesk.exchange import addresses

KINDS = ("email", "phone", "uid", "address", "txid", "order", "name")

# Lookarounds are ASCII: Chinese text runs straight into an address ("邮箱abc@qq.com").
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_TXID = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])(0x[0-9a-fA-F]{40}|[A-Za-z0-9]{25,90})(?![A-Za-z0-9])")
_UID = re.compile(
    r"(?:\buid|\buser\s*id|\baccount\s*(?:id|number|no\.?)|用户\s*id|用户编号|账户\s*id|账号|uid号)"
    r"\s*(?:is|=|:|：|#|是|为|号)?\s*[:：]?\s*(\d{5,12})(?!\d)",
    re.IGNORECASE,
)
_ORDER = re.compile(
    r"(?:\border\s*(?:id|number|no\.?|#)?|订单\s*(?:号|编号|id)?)"
    r"\s*(?:is|=|:|：|#|是|为)?\s*[:：#]?\s*([A-Za-z0-9][A-Za-z0-9-]{5,31})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
# Phone numbers: international (+country code), Chinese mobiles, and any long number
# written after a phone word.
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![A-Za-z0-9+])\+\d{1,3}(?:[\s-]?\(?\d{1,4}\)?){2,5}(?![A-Za-z0-9])"
)
_PHONE_CN_MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_PHONE_CONTEXT = re.compile(
    r"(?:\bphone|\btel\b|\bmobile|\bcall\s+me\s+(?:on|at)|电话|手机|联系方式|号码)"
    r"\s*(?:is|number|:|：|是|为)?\s*[:：]?\s*(\(?\+?\d[\d\s()-]{6,18}\d)",
    re.IGNORECASE,
)


@dataclass
class Replacement:
    kind: str
    original: str
    placeholder: str
    start: int  # in the original text
    end: int


@dataclass
class Anonymiser:
    """Keeps the placeholders of one case: call ``text`` for each message in order."""

    names: list[str] = field(default_factory=list)
    known_uids: list[str] = field(default_factory=list)
    placeholders: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, _normal(kind, value))
        if key not in self.placeholders:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.placeholders[key] = f"[{kind.upper()}-{self.counts[kind]}]"
        return self.placeholders[key]

    def text(self, text: str) -> tuple[str, list[Replacement]]:
        """``text`` with what identifies someone replaced, and each replacement made."""
        spans = _find(text, self.names, self.known_uids)
        out = []
        made = []
        position = 0
        for start, end, kind in spans:
            value = text[start:end]
            placeholder = self._placeholder(kind, value)
            out.append(text[position:start])
            out.append(placeholder)
            made.append(Replacement(kind, value, placeholder, start, end))
            position = end
        out.append(text[position:])
        return "".join(out), made


def _normal(kind: str, value: str) -> str:
    if kind == "phone":
        return re.sub(r"\D", "", value)
    if kind == "txid":
        return value.lower().removeprefix("0x")
    return value.lower() if kind in ("email", "name") else value


def _find(text: str, names: list[str], known_uids: list[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans, earlier and longer first."""
    found: list[tuple[int, int, str]] = []
    for m in _EMAIL.finditer(text):
        found.append((m.start(), m.end(), "email"))
    for m in _TXID.finditer(text):
        found.append((m.start(), m.end(), "txid"))
    for m in _CANDIDATE.finditer(text):
        value = m.group(1)
        if value.isdigit() or len(value) == 64:
            continue
        # A long word of letters only is an address only if it checks out as one.
        if addresses.identify(value) is not None or (
            not value.isalpha() and _address_shaped(value)
        ):
            found.append((m.start(1), m.end(1), "address"))
    for pattern, kind in ((_UID, "uid"), (_ORDER, "order"), (_PHONE_CONTEXT, "phone")):
        for m in pattern.finditer(text):
            if kind == "order" and not any(c.isdigit() for c in m.group(1)):
                continue
            found.append((m.start(1), m.end(1), kind))
    for pattern in (_PHONE_INTERNATIONAL, _PHONE_CN_MOBILE):
        for m in pattern.finditer(text):
            if sum(c.isdigit() for c in m.group()) >= 8:
                found.append((m.start(), m.end(), "phone"))
    for uid in known_uids:
        if uid:
            for m in re.finditer(rf"(?<!\d){re.escape(uid)}(?!\d)", text):
                found.append((m.start(), m.end(), "uid"))
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        flags = re.IGNORECASE if name.isascii() else 0
        pattern = (
            rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])" if name.isascii() else re.escape(name)
        )
        for m in re.finditer(pattern, text, flags):
            found.append((m.start(), m.end(), "name"))
    found.sort(key=lambda span: (span[0], -(span[1] - span[0])))
    chosen: list[tuple[int, int, str]] = []
    for span in found:
        if chosen and span[0] < chosen[-1][1]:
            continue  # overlaps one already taken (the longer, earlier one wins)
        chosen.append(span)
    return chosen


def _address_shaped(value: str) -> bool:
    """A wallet address with a typo is still someone's: shaped like one, not valid."""
    return (
        len(value) >= 26
        and any(c.isdigit() for c in value)
        and value.startswith(("0x", "bc1", "ltc1", "cosmos1", "T", "1", "3", "r", "G", "EQ", "UQ"))
    )


def names_of(full_name: str) -> list[str]:
    """A person's name and its parts (given and family names; a Chinese name's family
    name alone is too short to be safe, so it is kept whole)."""
    full_name = (full_name or "").strip()
    if not full_name:
        return []
    parts = [p for p in re.split(r"\s+", full_name) if len(p) >= 3]
    return [full_name, *parts]
