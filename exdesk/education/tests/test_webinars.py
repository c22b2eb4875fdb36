"""Webinars: creating them (https links only), registration (one per address, closed
when full, past or cancelled, bad input refused, rate-limited per network), the
confirmation mail with its calendar file in the webinar's language, the cancel link,
and the public pages without JavaScript."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from exdesk import testing
from exdesk.education import forms, ics, public_views, services
from exdesk.education.models import Webinar, WebinarRegistration

pytestmark = pytest.mark.django_db


def calendar_of(message) -> tuple[str, str]:
    """(Content-Type, text) of the calendar file attached to a sent message."""
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part["Content-Type"], part.get_payload(decode=True).decode("utf-8")


# ---------------------------------------------------------------- creating


@pytest.mark.parametrize(
    "bad",
    [
        "http://meet.example.com/x",
        "javascript:alert(1)",
        "ftp://meet.example.com/x",
        "meet.example.com/x",
        "https://",
        "",
    ],
)
def test_a_join_link_must_be_https(webinar_factory, bad):
    with pytest.raises(ValidationError) as refused:
        webinar_factory(join_url=bad)
    assert "join_url" in refused.value.message_dict
    assert not Webinar.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days": -1}, "starts_at"),
        ({"duration_minutes": 2}, "duration_minutes"),
        ({"duration_minutes": 600}, "duration_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_webinars_are_refused(webinar_factory, change, field):
    with pytest.raises(ValidationError) as refused:
        webinar_factory(**change)
    assert field in refused.value.message_dict
    assert not Webinar.objects.exists()


def test_only_educators_schedule_webinars():
    with pytest.raises(PermissionDenied):
        services.create_webinar(
            testing.staff("alice"),
            language="en",
            title="T",
            description="D",
            starts_at=timezone.now() + dt.timedelta(days=1),
            duration_minutes=30,
            host_name="H",
            join_url="https://meet.example.com/x",
        )


# ---------------------------------------------------------------- registering


def test_registering_mails_a_confirmation_with_the_calendar_in_the_webinar_language(
    webinar_factory, django_capture_on_commit_callbacks, monkeypatch
):
    webinar = webinar_factory(language="zh-hans", title="手把手完成第一次充值")
    languages = []
    real_render = services.render_to_string

    def render(*args, **kwargs):
        languages.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(services, "render_to_string", render)
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = services.register(webinar, name="Li Na", email=" Li@Example.COM ")
    assert created and registration.email == "li@example.com"
    [message] = mail.outbox
    assert message.to == ["li@example.com"]
    assert message.subject.endswith("手把手完成第一次充值")
    assert languages == ["zh-hans"]  # written in the webinar's language, whoever asked
    assert webinar.join_url in message.body
    cancel = reverse("education:cancel_registration", args=["zh-hans", registration.token])
    assert cancel in message.body
    content_type, text = calendar_of(message)
    assert content_type.startswith("text/calendar") and "method=REQUEST" in content_type
    assert "METHOD:REQUEST" in text and f"UID:webinar-{webinar.pk}@" in text
    assert "ATTENDEE" in text and "mailto:li@example.com" in "".join(ics.unfold(text))


def test_registering_again_keeps_one_registration(webinar_factory):
    webinar = webinar_factory()
    first, created = services.register(webinar, name="Ann", email="ann@example.com")
    again, created_again = services.register(webinar, name="Ann B.", email="ANN@example.com")
    assert created and not created_again and again.pk == first.pk
    assert WebinarRegistration.objects.count() == 1


def test_a_full_webinar_answers_the_same_whether_or_not_the_address_is_registered(
    webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(capacity=2)
    ann, _created = services.register(webinar, name="Ann", email="ann@example.com")
    services.register(webinar, name="Bo", email="bo@example.com")
    refusals = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for email in ("cy@example.com", "ann@example.com"):  # unknown, then registered
            with pytest.raises(ValidationError) as refused:
                services.register(webinar, name="Probe", email=email)
            refusals.append((refused.value.code, refused.value.messages))
    assert refusals == [("full", ["This webinar is full; registration is closed."])] * 2
    assert callbacks == [] and mail.outbox == []  # no confirmation sent again
    # A place given back is free again.
    services.cancel_registration(ann.token)
    services.register(webinar, name="Cy", email="cy@example.com")
    assert services.active_registrations(webinar).count() == 2


def test_registering_again_resends_the_confirmation_at_most_once_an_hour(
    webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory()
    now = timezone.now()

    def register_at(moment):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.register(webinar, name="Ann", email="ann@example.com")
        return len(mail.outbox)

    assert register_at(now) == 1
    assert register_at(now + dt.timedelta(minutes=1)) == 1  # not again within the hour
    assert register_at(now + dt.timedelta(minutes=59)) == 1
    assert register_at(now + dt.timedelta(minutes=61)) == 2  # an hour later: once more
    assert register_at(now + dt.timedelta(minutes=62)) == 2
    assert WebinarRegistration.objects.get().confirmation_sent_at == now + dt.timedelta(minutes=61)


def test_line_breaks_in_single_line_fields_are_collapsed_and_the_mail_goes(
    trainer, webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(title="First deposit\r\nBcc: victim@example.com")
    services.update_webinar(
        trainer,
        webinar,
        title=webinar.title,
        description="Line one.\nLine two.",
        starts_at=webinar.starts_at,
        duration_minutes=webinar.duration_minutes,
        host_name="Mei\nLin",
        join_url=webinar.join_url,
    )
    webinar.refresh_from_db()
    assert webinar.title == "First deposit Bcc: victim@example.com"
    assert webinar.host_name == "Mei Lin"
    assert webinar.description == "Line one.\nLine two."  # several lines are fine here
    with django_capture_on_commit_callbacks(execute=True):
        registration, _created = services.register(
            webinar, name="Ann\r\nSmith", email="ann@example.com"
        )
    assert registration.name == "Ann Smith"
    [message] = mail.outbox
    assert message.subject == "You are registered: First deposit Bcc: victim@example.com"
    assert message.to == ["ann@example.com"] and not message.bcc
    with pytest.raises(ValidationError) as refused:
        webinar_factory(title="\r\n\u2028 ")
    assert "title" in refused.value.message_dict


def test_places_are_bounded(webinar_factory):
    with pytest.raises(ValidationError) as refused:
        webinar_factory(capacity=100_001)
    assert refused.value.message_dict["capacity"] == [
        "Give at most 100000 places, or leave it empty."
    ]
    assert webinar_factory(capacity=100_000).capacity == 100_000
    form = forms.WebinarForm({"capacity": 2**40})
    assert not form.is_valid() and "capacity" in form.errors


def test_a_started_or_cancelled_webinar_is_closed(trainer, webinar_factory):
    webinar = webinar_factory()
    with pytest.raises(ValidationError) as past:
        services.register(
            webinar, name="Ann", email="ann@example.com", now=webinar.starts_at + dt.timedelta(1)
        )
    assert "already started or taken place" in past.value.messages[0]
    services.cancel_webinar(trainer, webinar)
    with pytest.raises(ValidationError) as cancelled:
        services.register(webinar, name="Ann", email="ann@example.com")
    assert cancelled.value.messages == ["This webinar is cancelled, so registration is closed."]
    assert not WebinarRegistration.objects.exists()


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [
        ("Ann", "not-an-address", "email"),
        ("Ann", "", "email"),
        ("Ann", "ann@", "email"),
        ("  ", "ann@example.com", "name"),
        ("x" * 121, "ann@example.com", "name"),
    ],
)
def test_bad_registrations_are_refused(webinar_factory, name, email, field):
    webinar = webinar_factory()
    with pytest.raises(ValidationError) as refused:
        services.register(webinar, name=name, email=email)
    assert field in refused.value.message_dict
    assert not WebinarRegistration.objects.exists()


def test_the_cancel_link_gives_the_place_back(webinar_factory):
    webinar = webinar_factory()
    registration, _created = services.register(webinar, name="Ann", email="ann@example.com")
    client = Client()
    url = reverse("education:cancel_registration", args=["en", registration.token])
    assert client.get(url).status_code == 200
    page = client.post(url, follow=True)
    assert "Your registration is cancelled." in page.content.decode()
    registration.refresh_from_db()
    assert registration.cancelled_at is not None
    assert "already cancelled" in client.get(url).content.decode()
    forged = reverse("education:cancel_registration", args=["en", "forged-token"])
    assert client.get(forged).status_code == 404
    assert client.post(forged).status_code == 404
    # Registering again after cancelling is a new registration.
    _again, created = services.register(webinar, name="Ann", email="ann@example.com")
    assert created and WebinarRegistration.objects.count() == 2


# ---------------------------------------------------------------- public pages


def test_the_page_registers_without_javascript_and_confirms(
    webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(capacity=30)
    client = Client(enforce_csrf_checks=True)
    url = reverse("education:webinar", args=["en", webinar.pk])
    page = client.get(url)
    html = page.content.decode()
    assert '<label for="id_name">Your name</label>' in html
    assert '<label for="id_email">Your e-mail</label>' in html
    assert "Places left" in html and webinar.join_url not in html
    token = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"name": "Ann", "email": "ann@example.com", "csrfmiddlewaretoken": token}
        )
    assert done.status_code == 302 and done.url == url
    shown = client.get(url).content.decode()
    assert "You are registered." in shown and "<dd>29</dd>" in shown
    assert len(mail.outbox) == 1
    bad = client.post(url, {"name": "Bo", "email": "bo@", "csrfmiddlewaretoken": token})
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()


def test_the_page_says_why_registration_is_closed(trainer, webinar_factory):
    client = Client()
    full = webinar_factory(capacity=1)
    services.register(full, name="Ann", email="ann@example.com")
    page = client.get(reverse("education:webinar", args=["en", full.pk])).content.decode()
    assert "This webinar is full; registration is closed." in page
    assert 'name="email"' not in page
    refused = client.post(
        reverse("education:webinar", args=["en", full.pk]),
        {"name": "Bo", "email": "bo@example.com"},
    )
    assert refused.status_code == 400 and "This webinar is full" in refused.content.decode()
    # The same answer for an address that is registered: a probe learns nothing.
    registered = client.post(
        reverse("education:webinar", args=["en", full.pk]),
        {"name": "Bo", "email": "ann@example.com"},
    )
    assert registered.status_code == refused.status_code

    def without_tokens(page):
        return re.sub(r'value="[^"]{32,}"', "", page.content.decode())

    assert without_tokens(registered) == without_tokens(refused)
    cancelled = webinar_factory(title="Off")
    services.cancel_webinar(trainer, cancelled)
    page = client.get(reverse("education:webinar", args=["en", cancelled.pk])).content.decode()
    assert "This webinar is cancelled, so registration is closed." in page
    assert client.get(reverse("education:webinar", args=["zh-hans", full.pk])).status_code == 404
    assert client.get(reverse("education:webinar", args=["en", 999999])).status_code == 404


def test_registrations_are_rate_limited_per_network(webinar_factory, monkeypatch):
    monkeypatch.setattr(public_views, "REGISTRATIONS_PER_HOUR", 3)
    webinar = webinar_factory()
    client = Client()
    url = reverse("education:webinar", args=["en", webinar.pk])
    codes = [
        client.post(url, {"name": f"P{i}", "email": f"p{i}@example.com"}).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    limited = client.post(url, {"name": "P9", "email": "p9@example.com"})
    assert "Too many registrations from your network." in limited.content.decode()
    assert WebinarRegistration.objects.count() == 3
    # Another network is not held back.
    other = client.post(url, {"name": "Q", "email": "q@example.com"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302 and WebinarRegistration.objects.count() == 4


def test_the_listing_shows_upcoming_webinars_and_past_recordings(trainer, webinar_factory):
    now = timezone.now()
    upcoming = webinar_factory(title="Coming soon")
    past = webinar_factory(title="Last month")
    Webinar.objects.filter(pk=past.pk).update(starts_at=now - dt.timedelta(days=30))
    services.set_recording(trainer, past, "https://video.example.com/last-month")
    unrecorded = webinar_factory(title="No video")
    Webinar.objects.filter(pk=unrecorded.pk).update(starts_at=now - dt.timedelta(days=3))
    chinese = webinar_factory(title="中文直播", language="zh-hans")
    page = Client().get("/learn/en/").content.decode()
    assert upcoming.title in page and "Last month" in page
    assert 'href="https://video.example.com/last-month"' in page
    assert "No video" not in page and chinese.title not in page
    assert upcoming.join_url not in page
    assert chinese.title in Client().get("/learn/zh-hans/").content.decode()
    assert re.search(r"Upcoming webinars.*Coming soon.*Recordings", page, re.S)
