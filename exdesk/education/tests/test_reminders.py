"""Webinar mail after registration, with time travel: the 24-hour and the 1-hour
reminder each go once per registration however often the periodic task runs (claimed by
a conditional UPDATE), none to cancelled registrations or for cancelled webinars; a new
time resets them; the cancellation and the recording link go once to each registrant."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from exdesk.education import services, tasks
from exdesk.education.models import Webinar, WebinarRegistration

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def start():
    """The webinar's start: three days from now, on the minute."""
    return (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)


def sent_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def run_task_at(moment: dt.datetime) -> int:
    """The periodic task, as the worker runs it, at another time."""
    with time_machine.travel(moment, tick=False):
        return tasks.send_webinar_reminders.call_local()


def test_each_reminder_goes_once_even_when_the_task_runs_twice(webinar_factory, start):
    webinar = webinar_factory(starts_at=start, title="First deposit live")
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    assert run_task_at(start - 25 * HOUR) == 0  # too early for anything
    assert run_task_at(start - 23 * HOUR) == 1
    assert run_task_at(start - 23 * HOUR) == 0  # again: nothing more
    assert run_task_at(start - 2 * HOUR) == 0
    assert sent_to("ann@example.com") == ["Tomorrow: First deposit live"]
    assert run_task_at(start - 59 * MINUTE) == 1
    assert run_task_at(start - 30 * MINUTE) == 0
    assert run_task_at(start + HOUR) == 0
    assert sent_to("ann@example.com") == [
        "Tomorrow: First deposit live",
        "Starting in one hour: First deposit live",
    ]
    reminder = mail.outbox[-1]
    assert webinar.join_url in reminder.body
    assert any(p.get_content_type() == "text/calendar" for p in reminder.message().walk())
    registration = WebinarRegistration.objects.get()
    assert registration.reminder_day_sent_at == start - 23 * HOUR
    assert registration.reminder_hour_sent_at == start - 59 * MINUTE


def test_a_second_worker_with_a_stale_list_sends_nothing_twice(webinar_factory, start, monkeypatch):
    webinar = webinar_factory(starts_at=start)
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    moment = start - 20 * HOUR
    stale = services.due_reminders("day", moment)  # read by worker B before A sent
    assert services.send_due_reminders(moment) == 1  # worker A
    monkeypatch.setattr(services, "due_reminders", lambda kind, now: stale if kind == "day" else [])
    assert services.send_due_reminders(moment) == 0  # worker B: its claim finds nothing
    assert len(mail.outbox) == 1


def test_a_failed_send_is_not_claimed_and_goes_on_the_next_run(webinar_factory, start, monkeypatch):
    webinar = webinar_factory(starts_at=start)
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    real_send = services.send_mail_to

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail relay down")

    monkeypatch.setattr(services, "send_mail_to", broken)
    assert services.send_due_reminders(start - 20 * HOUR) == 0
    assert WebinarRegistration.objects.get().reminder_day_sent_at is None
    monkeypatch.setattr(services, "send_mail_to", real_send)
    assert services.send_due_reminders(start - 19 * HOUR) == 1
    assert len(mail.outbox) == 1


def test_no_reminders_for_cancelled_registrations_or_webinars(
    trainer, webinar_factory, start, django_capture_on_commit_callbacks
):
    kept = webinar_factory(starts_at=start, title="Kept")
    off = webinar_factory(starts_at=start, title="Called off")
    early = start - 3 * 24 * HOUR
    gone, _created = services.register(kept, name="Gone", email="gone@example.com", now=early)
    services.register(kept, name="Ann", email="ann@example.com", now=early)
    services.register(off, name="Bo", email="bo@example.com", now=early)
    services.cancel_registration(gone.token)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_webinar(trainer, off, now=early)
    assert sent_to("bo@example.com") == ["Cancelled: Called off"]
    mail.outbox.clear()
    for moment in (start - 23 * HOUR, start - 30 * MINUTE):
        run_task_at(moment)
    assert sent_to("gone@example.com") == []
    assert sent_to("bo@example.com") == []
    assert len(sent_to("ann@example.com")) == 2


def test_late_registrations_skip_the_reminder_whose_window_had_opened(webinar_factory, start):
    webinar = webinar_factory(starts_at=start, title="Soon")
    services.register(webinar, name="Late", email="late@example.com", now=start - 5 * HOUR)
    services.register(webinar, name="Last", email="last@example.com", now=start - 30 * MINUTE)
    for moment in (start - 4 * HOUR, start - 50 * MINUTE, start - 10 * MINUTE):
        run_task_at(moment)
    assert sent_to("late@example.com") == ["Starting in one hour: Soon"]
    assert sent_to("last@example.com") == []  # the confirmation just told them


def test_a_new_time_is_mailed_and_the_reminders_follow_it(
    trainer, webinar_factory, start, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(starts_at=start, title="Moved")
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    run_task_at(start - 23 * HOUR)
    later = start + 2 * 24 * HOUR
    with django_capture_on_commit_callbacks(execute=True):
        services.update_webinar(
            trainer,
            webinar,
            title="Moved",
            description=webinar.description,
            starts_at=later,
            duration_minutes=webinar.duration_minutes,
            host_name=webinar.host_name,
            join_url=webinar.join_url,
            now=start - 22 * HOUR,
        )
    webinar.refresh_from_db()
    assert webinar.sequence == 1
    changed = mail.outbox[-1]
    assert changed.subject == "New time: Moved"
    calendar = next(p for p in changed.message().walk() if p.get_content_type() == "text/calendar")
    assert "SEQUENCE:1" in calendar.get_payload(decode=True).decode()
    assert WebinarRegistration.objects.get().reminder_day_sent_at is None
    run_task_at(later - 23 * HOUR)
    assert sent_to("ann@example.com").count("Tomorrow: Moved") == 2
    with pytest.raises(ValidationError):
        services.update_webinar(
            trainer,
            webinar,
            title="Moved",
            description=webinar.description,
            starts_at=timezone.now() - HOUR,
            duration_minutes=webinar.duration_minutes,
            host_name=webinar.host_name,
            join_url=webinar.join_url,
        )


def test_cancelling_tells_each_registrant_once(
    trainer, webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(title="Called off")
    for name in ("ann", "bo"):
        services.register(webinar, name=name, email=f"{name}@example.com")
    gone, _created = services.register(webinar, name="Gone", email="gone@example.com")
    services.cancel_registration(gone.token)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_webinar(trainer, webinar)
    cancellations = [m for m in mail.outbox if m.subject == "Cancelled: Called off"]
    assert sorted(m.to[0] for m in cancellations) == ["ann@example.com", "bo@example.com"]
    calendar = next(
        p for p in cancellations[0].message().walk() if p.get_content_type() == "text/calendar"
    )
    assert calendar.get_param("method") == "CANCEL"
    assert "STATUS:CANCELLED" in calendar.get_payload(decode=True).decode()
    assert webinar.join_url not in cancellations[0].body
    assert services.sweep() == 0  # nothing left to send
    assert services.mail_cancelled(webinar.pk) == 0
    with pytest.raises(ValidationError):
        services.cancel_webinar(trainer, webinar)


def test_the_recording_link_is_mailed_once_and_listed(
    trainer, webinar_factory, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(title="Futures live")
    ann, _created = services.register(webinar, name="Ann", email="ann@example.com")
    gone, _created = services.register(webinar, name="Gone", email="gone@example.com")
    services.cancel_registration(gone.token)
    with pytest.raises(ValidationError):  # not over yet
        services.set_recording(trainer, webinar, "https://video.example.com/futures")
    Webinar.objects.filter(pk=webinar.pk).update(starts_at=timezone.now() - 2 * HOUR)
    webinar.refresh_from_db()
    for bad in ("http://video.example.com/futures", "javascript:alert(1)", ""):
        with pytest.raises(ValidationError):
            services.set_recording(trainer, webinar, bad)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_recording(trainer, webinar, "https://video.example.com/futures")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ann@example.com"], "Recording: Futures live")
    ]
    assert "https://video.example.com/futures" in mail.outbox[0].body
    assert not any(p.get_content_type() == "text/calendar" for p in mail.outbox[0].message().walk())
    with django_capture_on_commit_callbacks(execute=True):  # a corrected link: no new mail
        services.set_recording(trainer, webinar, "https://video.example.com/futures-v2")
    assert services.sweep() == 0
    assert len(mail.outbox) == 1
    ann.refresh_from_db()
    assert ann.recording_sent_at is not None
    listing = Client().get("/learn/en/").content.decode()
    assert "https://video.example.com/futures-v2" in listing


def test_the_sweep_sends_a_recording_mail_that_failed_before(
    trainer, webinar_factory, django_capture_on_commit_callbacks, monkeypatch
):
    webinar = webinar_factory(title="Retry")
    services.register(webinar, name="Ann", email="ann@example.com")
    Webinar.objects.filter(pk=webinar.pk).update(starts_at=timezone.now() - 2 * HOUR)
    real_send = services.send_mail_to

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail relay down")

    monkeypatch.setattr(services, "send_mail_to", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_recording(trainer, webinar, "https://video.example.com/retry")
    assert mail.outbox == []
    monkeypatch.setattr(services, "send_mail_to", real_send)
    assert services.sweep() == 1
    assert services.sweep() == 0
    assert [m.subject for m in mail.outbox] == ["Recording: Retry"]


def test_a_reminder_claimed_after_the_webinar_moved_sends_nothing(
    trainer, webinar_factory, start, monkeypatch
):
    webinar = webinar_factory(starts_at=start, title="Moving")
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    moment = start - 20 * HOUR
    stale = services.due_reminders("day", moment)  # listed with the old start
    services.update_webinar(  # moved (and mailed) before the claim
        trainer,
        webinar,
        title="Moving",
        description=webinar.description,
        starts_at=start + 2 * HOUR,
        duration_minutes=webinar.duration_minutes,
        host_name=webinar.host_name,
        join_url=webinar.join_url,
        now=moment,
    )
    monkeypatch.setattr(services, "due_reminders", lambda kind, now: stale if kind == "day" else [])
    assert services.send_due_reminders(moment) == 0  # the old time is not mailed
    assert WebinarRegistration.objects.get().reminder_day_sent_at is None
    monkeypatch.undo()
    assert services.send_due_reminders(moment) == 1  # the next run has the new time
    [reminder] = mail.outbox
    assert f"{(start + 2 * HOUR):%H:%M}" in reminder.body


def edit(trainer, webinar, now, **change):
    fields = {
        name: getattr(webinar, name)
        for name in (
            "title",
            "description",
            "starts_at",
            "duration_minutes",
            "host_name",
            "join_url",
            "capacity",
        )
    }
    return services.update_webinar(trainer, webinar, **{**fields, **change}, now=now)


def test_a_new_duration_or_join_link_is_mailed_as_new_details_not_a_new_time(
    trainer, webinar_factory, start, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(starts_at=start, title="Details")
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    run_task_at(start - 23 * HOUR)
    assert sent_to("ann@example.com") == ["Tomorrow: Details"]
    for sequence, change in enumerate(
        ({"duration_minutes": 90}, {"join_url": "https://meet.example.com/new-room"}), 1
    ):
        with django_capture_on_commit_callbacks(execute=True):
            edit(trainer, webinar, start - 22 * HOUR, **change)
        webinar.refresh_from_db()
        assert webinar.sequence == sequence
        message = mail.outbox[-1]
        assert message.subject == "Details changed: Details"
        assert "The details of this webinar have changed." in message.body
        calendar = next(
            p for p in message.message().walk() if p.get_content_type() == "text/calendar"
        )
        text = calendar.get_payload(decode=True).decode()
        assert f"SEQUENCE:{sequence}" in text and "METHOD:REQUEST" in text
    assert "https://meet.example.com/new-room" in mail.outbox[-1].body
    assert "DTEND" in text and f"{(start + 90 * MINUTE):%H%M}" in text
    assert not [s for s in sent_to("ann@example.com") if s.startswith("New time")]
    registration = WebinarRegistration.objects.get()
    assert registration.reminder_day_sent_at is not None  # reminders are not sent again
    run_task_at(start - 22 * HOUR)
    assert sent_to("ann@example.com").count("Tomorrow: Details") == 1
    # A title alone: saved, nothing mailed, the calendar event unchanged.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(trainer, webinar, start - 22 * HOUR, title="Details, renamed")
    webinar.refresh_from_db()
    assert webinar.sequence == 2 and mail.outbox == []


def test_running_the_change_task_again_mails_nothing_twice(
    trainer, webinar_factory, start, django_capture_on_commit_callbacks
):
    webinar = webinar_factory(starts_at=start, title="Once")
    services.register(webinar, name="Ann", email="ann@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(trainer, webinar, timezone.now(), starts_at=start + HOUR)
    assert sent_to("ann@example.com") == ["New time: Once"]
    tasks.mail_webinar_changed.call_local(webinar.pk)  # a retry, or the task run twice
    assert sent_to("ann@example.com") == ["New time: Once"]


def test_the_change_mail_goes_once_per_sequence_and_the_task_retries_a_failure(
    trainer, webinar_factory, start, django_capture_on_commit_callbacks, monkeypatch
):
    assert tasks.mail_webinar_changed.retries == 5
    webinar = webinar_factory(starts_at=start, title="Retried")
    for name in ("ann", "bo"):
        services.register(webinar, name=name, email=f"{name}@example.com")
    real_send = services.send_mail_to

    def bo_fails(registration, kind, now=None):
        if registration.email == "bo@example.com":
            raise ConnectionRefusedError("mail relay down")
        real_send(registration, kind, now)

    monkeypatch.setattr(services, "send_mail_to", bo_fails)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        edit(trainer, webinar, timezone.now(), starts_at=start + HOUR)
    webinar.refresh_from_db()
    with pytest.raises(services.MailNotSent):  # raised, so the worker retries the task
        tasks.mail_webinar_changed.call_local(webinar.pk, webinar.sequence, "changed")
    assert sent_to("ann@example.com") == ["New time: Retried"]
    monkeypatch.setattr(services, "send_mail_to", real_send)
    for callback in callbacks:  # the task as enqueued, then its retry: Bo only, once
        callback()
    assert tasks.mail_webinar_changed.call_local(webinar.pk, webinar.sequence, "changed") == 0
    assert sent_to("ann@example.com") == ["New time: Retried"]
    assert sent_to("bo@example.com") == ["New time: Retried"]
    # Someone who registers after the change has it in their confirmation: no change mail.
    services.register(webinar, name="Cy", email="cy@example.com")
    assert tasks.mail_webinar_changed.call_local(webinar.pk) == 0
    # A task for an older SEQUENCE leaves the mail to the later edit's task.
    with django_capture_on_commit_callbacks(execute=True):
        edit(trainer, webinar, timezone.now(), starts_at=start + 2 * HOUR)
    assert tasks.mail_webinar_changed.call_local(webinar.pk, 1, "changed") == 0
    assert len(sent_to("cy@example.com")) == 1 and len(sent_to("ann@example.com")) == 2


def test_the_sweep_retries_a_cancellation_until_the_webinar_ends(
    trainer, webinar_factory, start, django_capture_on_commit_callbacks, monkeypatch
):
    webinar = webinar_factory(starts_at=start, duration_minutes=45, title="Mid-session")
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 24 * HOUR)
    monkeypatch.setattr(services, "send_mail_to", lambda *a, **k: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_webinar(trainer, webinar, now=start + 10 * MINUTE)  # while it runs
    monkeypatch.undo()
    assert services.sweep(start + 15 * MINUTE) == 1  # started, not over: still sent
    assert sent_to("ann@example.com") == ["Cancelled: Mid-session"]
    other = webinar_factory(starts_at=start, duration_minutes=45, title="Over")
    services.register(other, name="Bo", email="bo@example.com", now=start - 24 * HOUR)
    monkeypatch.setattr(services, "send_mail_to", lambda *a, **k: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_webinar(trainer, other, now=start + 40 * MINUTE)
    monkeypatch.undo()
    assert services.sweep(start + 46 * MINUTE) == 0  # over: no longer news
    assert sent_to("bo@example.com") == []
