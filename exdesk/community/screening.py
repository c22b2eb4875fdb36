"""What a post may say. Every post is screened before it is stored: secrets are masked by
the assistant's guard, links that imitate an official channel are hidden, and links
from members who are not yet trusted are refused (docs/community.md)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

from django.utils import translation
from django.utils.translation import gettext as _

from exdesk.assistant import guard, safety
from exdesk.trust import lookalike
from exdesk.trust import selectors as trust

# Letters a look-alike host may borrow: Latin, Greek, Cyrillic, besides digits, "-", "_".
_LETTERS = r"A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF"
_LABEL = rf"[0-9{_LETTERS}_-]+"
_TLD = rf"[{_LETTERS}]{{2,24}}|xn--[0-9a-z-]+"
# A link ends at a space, a quote, a bracket, Markdown or CJK punctuation.
_END = r"\s<>\"'`()\[\]{}|\\*\u3000-\u303F\uFF00-\uFF65“”‘’"
_URL = re.compile(rf"(?:https?://|www\.)[^{_END}]+", re.IGNORECASE)
_EMAIL = re.compile(rf"[\w.+-]+@(?:{_LABEL}\.)+(?:{_TLD})")
# Not after a letter of those alphabets (Chinese right before a host does not hide it).
_DOMAIN = re.compile(
    rf"(?<![0-9{_LETTERS}_@.-])(?:{_LABEL}\.)+(?:{_TLD})(?:/[^{_END}]*)?(?![0-9{_LETTERS}_@-])"
)
# "report.pdf" and "node.js" are file names, not hosts.
_FILE_ENDINGS = frozenset(
    (
        *("pdf", "png", "jpg", "jpeg", "gif", "webp", "svg", "txt", "csv", "xls", "xlsx"),
        *("doc", "docx", "ppt", "pptx", "zip", "rar", "gz", "json", "xml", "html", "htm"),
        *("js", "ts", "py", "md", "exe", "apk", "dmg", "mp3", "mp4", "mov", "log"),
    )
)
_DOTS = {"。": ".", "｡": ".", "．": "."}


@dataclass
class Screened:
    text: str
    secrets: tuple[str, ...] = ()
    # The official channel each hidden look-alike imitated.
    imitated: list[str] = field(default_factory=list)
    # Hidden links that no address parser reads (browsers may still follow them).
    unreadable: int = 0
    # Links that are neither official nor look-alikes: allowed only to trusted members.
    outside_links: list[str] = field(default_factory=list)

    @property
    def record(self) -> list[dict]:
        """What the post keeps of its screening (no secret, no hidden link)."""
        return (
            [{"kind": "secret", "what": kind} for kind in self.secrets]
            + [{"kind": "lookalike", "imitates": value} for value in self.imitated]
            + [{"kind": "unreadable_link"}] * self.unreadable
        )


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` as a reader's eye and a browser read it (NFKC: full-width letters as
    ASCII; Chinese full stops as dots; invisible characters gone), with the position in
    ``text`` of each character, so what is found can be hidden in the original."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cf":  # zero-width spaces and joiners
            continue
        for folded in _DOTS.get(char) or unicodedata.normalize("NFKC", char):
            chars.append(folded)
            origin.append(index)
    return "".join(chars), origin


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """Every link, address or host-looking word in ``text`` as (start, end) in ``text``
    and its folded value, without overlaps."""
    folded, origin = _folded(text)
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_URL, _EMAIL, _DOMAIN):
        for match in pattern.finditer(folded):
            value = match.group(0).rstrip(".,;:!?")
            start, end = match.start(), match.start() + len(value)
            if not value or any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if pattern is _DOMAIN:
                host = value.split("/", 1)[0]
                if host.rsplit(".", 1)[-1].lower() in _FILE_ENDINGS:
                    continue
            taken.append((start, end))
            found.append((origin[start], origin[end - 1] + 1, value))
    return sorted(found)


def _verdict(value: str, officials) -> lookalike.Result:
    """The registry's verdict on a link; its host read as a browser would (percent-decoded)."""
    return lookalike.check(unquote(value), officials)


def screen(text: str, language: str, officials=None) -> Screened:
    """``text`` as it may be stored, in the post's language for the labels. ``officials``:
    the registry, when the caller screens several texts at once."""
    masked = guard.mask(text, safety.mask_labels(language))
    text = masked.text
    officials = trust.officials() if officials is None else officials
    result = Screened(text, masked.kinds)
    parts: list[str] = []
    last = 0
    for start, end, value in _candidates(text):
        verdict = _verdict(value, officials)
        if verdict.verdict == lookalike.OFFICIAL:
            continue
        if verdict.verdict == lookalike.LOOKALIKE:
            imitated = verdict.matched.value if verdict.matched else ""
            result.imitated.append(imitated)
            with translation.override(language):
                label = _("link hidden: it imitates %(official)s") % {"official": imitated}
        elif verdict.verdict == lookalike.INVALID:
            # No address parser reads it, yet a browser may still follow it: hidden too.
            result.unreadable += 1
            with translation.override(language):
                label = _("link hidden: not a valid address")
        if verdict.verdict in (lookalike.LOOKALIKE, lookalike.INVALID):
            parts += [text[last:start], f"[{label}]"]
            last = end
        else:
            result.outside_links.append(value)
    parts.append(text[last:])
    result.text = "".join(parts)
    return result


def looks_like_a_link(text: str) -> bool:
    return bool(_candidates(text))
