"""The webinar's calendar file (RFC 5545), read back line by line: CRLF endings, folding
at 75 octets without splitting a character, TEXT escaping, UTC times, a stable UID, a
15-minute alarm, and the join link only in a registrant's copy."""

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from exdesk.education import ics, services
from exdesk.education.models import WebinarRegistration

pytestmark = pytest.mark.django_db

HOST = urlparse(settings.SITE_URL).hostname
START = dt.datetime(2031, 3, 9, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # 17:30Z


def properties(text: str) -> list[tuple[str, str]]:
    """(name with parameters, value) of each unfolded content line."""
    return [tuple(line.split(":", 1)) for line in ics.unfold(text)]


def value(text: str, name: str) -> str:
    """The property's value (the event's own, before any alarm's)."""
    return next(v for n, v in properties(text) if n.split(";")[0] == name)


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_characters():
    long_text = "合约" * 80 + " and some English words, to go past 75 octets" * 3
    assert ics.fold("SUMMARY:short") == "SUMMARY:short"
    folded = ics.fold(f"SUMMARY:{long_text}")
    pieces = folded.split("\r\n")
    assert len(pieces) > 3
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert ics.unfold(folded + "\r\n") == [f"SUMMARY:{long_text}"]
    # An exactly 75-octet line stays whole; one more octet folds.
    assert "\r\n" not in ics.fold("X:" + "a" * 73)
    assert ics.fold("X:" + "a" * 74).split("\r\n")[1] == " a"


@pytest.mark.parametrize(
    "raw",
    [
        "Back\\slash; semi, comma\nnew line",
        "a\r\nb\rc",
        "\\n is not a newline",
        "",
    ],
)
def test_text_values_escape_backslash_semicolon_comma_and_newlines(raw):
    escaped = ics.escape_text(raw)
    assert "\n" not in escaped and "\r" not in escaped
    assert ";" not in escaped.replace("\\;", "")
    assert "," not in escaped.replace("\\,", "")
    assert ics.unescape_text(escaped) == raw.replace("\r\n", "\n").replace("\r", "\n")
    assert ics.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"


def test_the_event_reads_back_with_utc_times_alarm_and_a_stable_uid(webinar_factory):
    webinar = webinar_factory(
        starts_at=START,
        duration_minutes=90,
        title="Futures; safely, with \\ care",
        language="zh-hans",
    )
    stamp = dt.datetime(2031, 3, 1, 8, 0, 5, tzinfo=dt.UTC)
    text = services.calendar_file(webinar, now=stamp)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = ics.unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-2:] == ["END:VEVENT", "END:VCALENDAR"]
    assert value(text, "METHOD") == "PUBLISH"  # the public copy: no attendee to invite
    assert value(text, "DTSTART") == "20310308T173000Z"
    assert value(text, "DTEND") == "20310308T190000Z"
    assert value(text, "DTSTAMP") == "20310301T080005Z"
    assert ics.unescape_text(value(text, "SUMMARY")) == "Futures; safely, with \\ care"
    assert value(text, "SUMMARY") == "Futures\\; safely\\, with \\\\ care"
    assert value(text, "UID") == f"webinar-{webinar.pk}@{HOST}"
    assert value(text, "URL") == services.page_url(webinar)
    assert value(text, "SEQUENCE") == "0"
    alarm = lines[lines.index("BEGIN:VALARM") : lines.index("END:VALARM") + 1]
    assert "TRIGGER:-PT15M" in alarm and "ACTION:DISPLAY" in alarm
    # The same UID in every copy: the download, a registrant's, and later ones.
    registration = WebinarRegistration.objects.create(
        webinar=webinar, name="Li, Na", email="li@example.com", created_at=stamp
    )
    mailed = services.calendar_file(webinar, registration)
    assert value(mailed, "METHOD") == "REQUEST"
    assert value(mailed, "UID") == value(text, "UID")
    attendee = [n for n, _v in properties(mailed) if n.startswith("ATTENDEE")]
    assert attendee == ['ATTENDEE;CN="Li, Na";ROLE=REQ-PARTICIPANT']


def test_only_a_registrant_copy_holds_the_join_link(webinar_factory):
    webinar = webinar_factory()
    public = ics.unescape_text(value(services.calendar_file(webinar), "DESCRIPTION"))
    assert webinar.join_url not in public and services.page_url(webinar) in public
    registration = WebinarRegistration.objects.create(
        webinar=webinar, name="Ann", email="ann@example.com", created_at=webinar.created_at
    )
    private = services.calendar_file(webinar, registration)
    assert webinar.join_url in ics.unescape_text(value(private, "DESCRIPTION"))


def test_a_cancelled_webinar_gives_a_cancellation_with_a_higher_sequence(trainer, webinar_factory):
    webinar = webinar_factory()
    registration = WebinarRegistration.objects.create(
        webinar=webinar, name="Ann", email="ann@example.com", created_at=webinar.created_at
    )
    services.cancel_webinar(trainer, webinar)
    mailed = services.calendar_file(webinar, registration)
    assert value(mailed, "METHOD") == "CANCEL"
    public = services.calendar_file(webinar)
    assert value(public, "METHOD") == "PUBLISH"  # published, as cancelled
    for text in (mailed, public):
        assert value(text, "STATUS") == "CANCELLED"
        assert value(text, "SEQUENCE") == "1"
        assert "BEGIN:VALARM" not in text


def test_the_download_is_the_public_copy(webinar_factory):
    webinar = webinar_factory(title="A title, with a comma")
    got = Client().get(reverse("education:webinar_calendar", args=["en", webinar.pk]))
    assert got.status_code == 200
    assert got["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert got["Content-Disposition"] == f'attachment; filename="webinar-{webinar.pk}.ics"'
    body = got.content.decode()
    assert value(body, "SUMMARY") == "A title\\, with a comma"
    assert value(body, "UID") == f"webinar-{webinar.pk}@{HOST}"
    assert value(body, "METHOD") == "PUBLISH"  # REQUEST would need an ATTENDEE (RFC 5546)
    assert not [n for n, _v in properties(body) if n.startswith("ATTENDEE")]
    assert webinar.join_url not in body
    other = Client().get(reverse("education:webinar_calendar", args=["zh-hans", webinar.pk]))
    assert other.status_code == 404  # a webinar lives in its own language


def test_the_organizer_is_the_bare_address_of_a_named_sender(webinar_factory, settings):
    settings.DEFAULT_FROM_EMAIL = "Exdesk Support <support@example.com>"
    webinar = webinar_factory()
    text = services.calendar_file(webinar)
    [(name, uri)] = [(n, v) for n, v in properties(text) if n.startswith("ORGANIZER")]
    assert name == 'ORGANIZER;CN="Mei Lin"' and uri == "mailto:support@example.com"
