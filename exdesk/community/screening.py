"""What a post may say. Every post is screened before it is stored: secrets are masked by
the assistant's guard, links that imitate an official channel are hidden, and links
from members who are not yet trusted are refused (docs/community.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from exdesk.assistant import guard, safety
from exdesk.trust import lookalike
from exdesk.trust import selectors as trust

# Letters a look-alike host may borrow: Latin, Greek, Cyrillic, besides digits and hyphens.
_LABEL = r"[0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF-]+"
_TLD = r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]{2,24}|xn--[0-9a-z-]+"
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'）)】」，。]+", re.IGNORECASE)
_EMAIL = re.compile(rf"[\w.+-]+@(?:{_LABEL}\.)+(?:{_TLD})")
_DOMAIN = re.compile(
    rf"(?<![\w@.-])(?:{_LABEL}\.)+(?:{_TLD})(?:/[^\s<>\"'）)】」，。]*)?(?![\w@-])"
)
# "report.pdf" and "node.js" are file names, not hosts.
_FILE_ENDINGS = frozenset(
    (
        *("pdf", "png", "jpg", "jpeg", "gif", "webp", "svg", "txt", "csv", "xls", "xlsx"),
        *("doc", "docx", "ppt", "pptx", "zip", "rar", "gz", "json", "xml", "html", "htm"),
        *("js", "ts", "py", "md", "exe", "apk", "dmg", "mp3", "mp4", "mov", "log"),
    )
)


@dataclass
class Screened:
    text: str
    secrets: tuple[str, ...] = ()
    # The official channel each hidden look-alike imitated.
    imitated: list[str] = field(default_factory=list)
    # Links that are neither official nor look-alikes: allowed only to trusted members.
    outside_links: list[str] = field(default_factory=list)

    @property
    def record(self) -> list[dict]:
        """What the post keeps of its screening (no secret, no hidden link)."""
        return [{"kind": "secret", "what": kind} for kind in self.secrets] + [
            {"kind": "lookalike", "imitates": value} for value in self.imitated
        ]


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """Every link, address or host-looking word in ``text``, without overlaps."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_URL, _EMAIL, _DOMAIN):
        for match in pattern.finditer(text):
            start, end = match.span()
            value = match.group(0).rstrip(".,;:!?")
            end = start + len(value)
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if pattern is _DOMAIN:
                host = value.split("/", 1)[0]
                if host.rsplit(".", 1)[-1].lower() in _FILE_ENDINGS:
                    continue
            taken.append((start, end))
            found.append((start, end, value))
    return sorted(found)


def screen(text: str, language: str) -> Screened:
    """``text`` as it may be stored, in the post's language for the labels."""
    masked = guard.mask(text, safety.mask_labels(language))
    text = masked.text
    officials = trust.officials()
    result = Screened(text, masked.kinds)
    parts: list[str] = []
    last = 0
    for start, end, value in _candidates(text):
        verdict = lookalike.check(value, officials)
        if verdict.verdict == lookalike.LOOKALIKE:
            imitated = verdict.matched.value if verdict.matched else ""
            result.imitated.append(imitated)
            with translation.override(language):
                label = _("link hidden: it imitates %(official)s") % {"official": imitated}
            parts += [text[last:start], f"[{label}]"]
            last = end
        elif verdict.verdict != lookalike.OFFICIAL:
            result.outside_links.append(value)
    parts.append(text[last:])
    result.text = "".join(parts)
    return result
