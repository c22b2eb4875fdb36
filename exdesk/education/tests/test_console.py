"""Customer education in the console: trainers, supervisors and administrators manage
series, campaigns and webinars; every other role gets 403 on every page and action, and
no navigation link."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.accounts.permissions import educates_customers
from exdesk.education import services
from exdesk.education.models import (
    AwarenessCampaign,
    TutorialSeries,
    Webinar,
    WebinarRegistration,
)

pytestmark = pytest.mark.django_db


def when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_who_educates_customers():
    allowed = {role for role in Role.values if educates_customers(testing.staff(role, role=role))}
    assert allowed == {Role.TRAINER, Role.SUPERVISOR, Role.ADMIN}


@pytest.mark.parametrize("role", [Role.AGENT, Role.SENIOR_AGENT, Role.QA_REVIEWER, Role.COMPLIANCE])
def test_other_staff_get_403_everywhere_and_no_link(role, series_of, webinar_factory):
    series = series_of("en", ["a", "b"])
    step = series.steps.first()
    webinar = webinar_factory()
    now = timezone.now()
    campaign = services.create_campaign(
        testing.staff("sam", role=Role.SUPERVISOR),
        title_en="T",
        title_zh="标题",
        body_en="B",
        body_zh="正文",
        starts_at=now,
        ends_at=now + dt.timedelta(days=1),
    )
    client = testing.signed_in(testing.staff("someone", role=role))
    pages = [
        reverse("education_console:overview"),
        reverse("education_console:series_new"),
        reverse("education_console:series", args=[series.pk]),
        reverse("education_console:campaign_new"),
        reverse("education_console:webinar_new"),
        reverse("education_console:webinar", args=[webinar.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    actions = [
        reverse("education_console:step_add", args=[series.pk]),
        reverse("education_console:step_remove", args=[series.pk, step.pk]),
        reverse("education_console:step_move", args=[series.pk, step.pk]),
        reverse("education_console:campaign_end", args=[campaign.pk]),
        reverse("education_console:webinar_cancel", args=[webinar.pk]),
        reverse("education_console:webinar_recording", args=[webinar.pk]),
    ]
    for url in actions:
        assert client.post(url, {"direction": "down"}).status_code == 403, url
    assert series.steps.count() == 2
    webinar.refresh_from_db()
    assert not webinar.cancelled
    assert services.current_campaign() == campaign
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert reverse("education_console:overview") not in inbox


def test_signed_out_visitors_are_sent_to_sign_in():
    page = Client().get(reverse("education_console:overview"))
    assert page.status_code == 302 and "/accounts/" in page.url


def test_a_trainer_builds_a_series_and_orders_its_steps(trainer, article):
    client = testing.signed_in(trainer)
    inbox = client.get(reverse("conversations:inbox")).content.decode()
    assert f'href="{reverse("education_console:overview")}"' in inbox
    assert client.get(reverse("education_console:overview")).status_code == 200
    bad = client.post(
        reverse("education_console:series_new"),
        {"language": "en", "slug": "Bad Slug", "title": "X", "position": 0},
    )
    assert bad.status_code == 200 and not TutorialSeries.objects.exists()
    made = client.post(
        reverse("education_console:series_new"),
        {"language": "en", "slug": "first-deposit", "title": "Your first deposit", "position": 0},
    )
    series = TutorialSeries.objects.get()
    assert made.url == reverse("education_console:series", args=[series.pk])
    first, second = article("en", "a", "Alpha"), article("en", "b", "Beta")
    chinese = article("zh-hans", "c", "中文文章")
    page = client.get(made.url).content.decode()
    assert "Alpha (a)" in page and "中文文章" not in page  # only this language is offered
    for chosen in (first, second):
        client.post(reverse("education_console:step_add", args=[series.pk]), {"article": chosen.pk})
    refused = client.post(
        reverse("education_console:step_add", args=[series.pk]),
        {"article": chinese.pk},
        follow=True,
    )
    assert "Choose an article in the series&#x27; language." in refused.content.decode()
    nothing = client.post(
        reverse("education_console:step_add", args=[series.pk]), {"article": ""}, follow=True
    )
    assert "Choose an article." in nothing.content.decode()
    assert (
        client.post(
            reverse("education_console:step_add", args=[series.pk]), {"article": 999999}
        ).status_code
        == 404
    )
    steps = list(series.steps.order_by("position"))
    client.post(
        reverse("education_console:step_move", args=[series.pk, steps[1].pk]),
        {"direction": "up"},
    )
    assert [s.article.slug for s in series.steps.order_by("position")] == ["b", "a"]
    client.post(reverse("education_console:step_remove", args=[series.pk, steps[1].pk]))
    assert [s.article.slug for s in series.steps.all()] == ["a"]
    client.post(
        made.url,
        {"title": "Your first deposit", "summary": "Start here", "position": 0, "published": "on"},
    )
    series.refresh_from_db()
    assert series.published and series.summary == "Start here"
    other = services.create_series(trainer, language="en", slug="other", title="Other")
    stray = services.add_step(trainer, other, article("en", "d", "Delta"))
    assert (
        client.post(
            reverse("education_console:step_remove", args=[series.pk, stray.pk])
        ).status_code
        == 404
    )


def test_a_supervisor_runs_and_ends_a_campaign(article):
    client = testing.signed_in(testing.staff("sam", role=Role.SUPERVISOR))
    now = timezone.now()
    form = {
        "title_en": "Support never asks for your seed phrase",
        "title_zh": "客服绝不会索要助记词",
        "body_en": "Never share it.",
        "body_zh": "不要告诉任何人。",
        "starts_at": when(now - dt.timedelta(hours=1)),
        "ends_at": when(now - dt.timedelta(hours=2)),
    }
    refused = client.post(reverse("education_console:campaign_new"), form)
    assert refused.status_code == 200
    assert "The campaign must end after it starts." in refused.content.decode()
    assert not AwarenessCampaign.objects.exists()
    form["ends_at"] = when(now + dt.timedelta(days=2))
    saved = client.post(reverse("education_console:campaign_new"), form)
    assert saved.url == reverse("education_console:overview")
    campaign = AwarenessCampaign.objects.get()
    assert services.current_campaign() == campaign
    overview = client.get(saved.url).content.decode()
    assert "Shown now" in overview and "End now" in overview
    client.post(reverse("education_console:campaign_end", args=[campaign.pk]))
    assert services.current_campaign() is None
    again = client.post(reverse("education_console:campaign_end", args=[campaign.pk]), follow=True)
    assert "This campaign has already ended." in again.content.decode()


def test_a_trainer_schedules_edits_and_cancels_a_webinar(
    trainer, django_capture_on_commit_callbacks
):
    client = testing.signed_in(trainer)
    start = timezone.now() + dt.timedelta(days=5)
    form = {
        "language": "en",
        "title": "Futures, safely",
        "description": "Leverage and liquidation, live.",
        "starts_at": when(start),
        "duration_minutes": 60,
        "host_name": "Tom",
        "join_url": "http://meet.example.com/futures",
        "capacity": "",
    }
    refused = client.post(reverse("education_console:webinar_new"), form)
    assert refused.status_code == 200
    assert "Give a full link that starts with https://." in refused.content.decode()
    form["join_url"] = "https://meet.example.com/futures"
    made = client.post(reverse("education_console:webinar_new"), form)
    webinar = Webinar.objects.get()
    assert made.url == reverse("education_console:webinar", args=[webinar.pk])
    assert webinar.capacity is None
    services.register(webinar, name="Ann", email="ann@example.com")
    page = client.get(made.url).content.decode()
    assert "ann@example.com" in page and "1 registration" in page
    form.pop("language")
    form["capacity"] = 50
    form["title"] = "Futures, safely (live)"
    client.post(made.url, form)
    webinar.refresh_from_db()
    assert (webinar.title, webinar.capacity, webinar.sequence) == ("Futures, safely (live)", 50, 0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("education_console:webinar_cancel", args=[webinar.pk]))
    webinar.refresh_from_db()
    assert webinar.cancelled
    assert [m.subject for m in mail.outbox][-1] == "Cancelled: Futures, safely (live)"
    again = client.post(reverse("education_console:webinar_cancel", args=[webinar.pk]), follow=True)
    assert "This webinar is already cancelled." in again.content.decode()


def test_saving_the_edit_form_unchanged_keeps_the_time(
    trainer, webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory()  # a start with seconds; the form shows minutes
    services.register(webinar, name="Ann", email="ann@example.com")
    client = testing.signed_in(trainer)
    url = reverse("education_console:webinar", args=[webinar.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["starts_at"] = when(webinar.starts_at)
    data["title"] = "A better title"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    webinar.refresh_from_db()
    assert webinar.title == "A better title" and webinar.sequence == 0
    assert not [m for m in mail.outbox if m.subject.startswith("New time")]


def test_the_recording_link_is_set_from_the_console(trainer, webinar_factory):
    webinar = webinar_factory()
    services.register(webinar, name="Ann", email="ann@example.com")
    client = testing.signed_in(trainer)
    url = reverse("education_console:webinar_recording", args=[webinar.pk])
    early = client.post(url, {"recording_url": "https://video.example.com/x"}, follow=True)
    assert "Add the recording once the webinar is over." in early.content.decode()
    Webinar.objects.filter(pk=webinar.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    bad = client.post(url, {"recording_url": "not a link"}, follow=True)
    assert "Give a full link that starts with https://." in bad.content.decode()
    client.post(url, {"recording_url": "https://video.example.com/x"})
    webinar.refresh_from_db()
    assert webinar.recording_url == "https://video.example.com/x"
    assert WebinarRegistration.objects.get().email == "ann@example.com"
