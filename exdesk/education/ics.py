"""iCalendar (RFC 5545) for webinars, written by hand: one VEVENT with a 15-minute alarm.

Content lines end with CRLF and are folded at 75 octets (never inside a UTF-8
character); TEXT values escape backslash, semicolon, comma and newline; times are UTC
with a trailing Z. The UID is the same for every copy of a webinar's event, so a
calendar replaces the event (by SEQUENCE) instead of adding another.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from urllib.parse import urlparse

from django.conf import settings

PRODID = "-//exdesk//Customer education//EN"
LINE_OCTETS = 75
ALARM_BEFORE = "-PT15M"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash first, then ; , and newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def utc(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form: 20260503T120000Z."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, each continuation starting
    with one space (which counts toward its 75), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= LINE_OCTETS:
        return line
    pieces: list[str] = []
    start, limit = 0, LINE_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        # Back off to the start of a character: continuation bytes are 0b10xxxxxx.
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, LINE_OCTETS - 1
    return "\r\n ".join(pieces)


def unfold(text: str) -> list[str]:
    """The content lines of an iCalendar text, continuation lines joined (for reading
    our own output back, e.g. in tests)."""
    lines: list[str] = []
    for raw in text.split("\r\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def unescape_text(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            following = value[i + 1]
            out.append("\n" if following in "nN" else following)
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "exdesk.invalid"


def uid_of(webinar) -> str:
    return f"webinar-{webinar.pk}@{_host()}"


def webinar_calendar(
    webinar,
    *,
    page_url: str,
    description: str,
    method: str = "REQUEST",
    attendee: tuple[str, str] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The webinar as an iCalendar object. ``method``: REQUEST (an invitation to the
    attendee), CANCEL (the webinar is off) or PUBLISH (the public copy, no attendee);
    ``attendee``: (name, e-mail) of the registrant it is mailed to; ``description``: the
    event's text (the join link is in it only for registrants)."""
    now = now or dt.datetime.now(dt.UTC)
    cancelled = method == "CANCEL" or bool(webinar.cancelled)
    # DEFAULT_FROM_EMAIL may be "Name <address>": the URI takes the address alone.
    organizer = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or f"no-reply@{_host()}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid_of(webinar)}",
        f"DTSTAMP:{utc(now)}",
        f"DTSTART:{utc(webinar.starts_at)}",
        f"DTEND:{utc(webinar.ends_at)}",
        f"SEQUENCE:{webinar.sequence}",
        f"SUMMARY:{escape_text(webinar.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{page_url}",
        f"ORGANIZER;CN={_param(webinar.host_name)}:mailto:{organizer}",
    ]
    if attendee is not None:
        name, email = attendee
        lines.append(f"ATTENDEE;CN={_param(name)};ROLE=REQ-PARTICIPANT:mailto:{email}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    if not cancelled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(webinar.title)}",
            f"TRIGGER:{ALARM_BEFORE}",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


def _param(value: str) -> str:
    """A parameter value (RFC 5545 3.2): quoted, with no quotes or control characters."""
    cleaned = "".join(c for c in value if c >= " " and c not in '"\x7f')
    return f'"{cleaned}"'
