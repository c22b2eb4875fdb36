"""Each webinar mail is claimed by a conditional UPDATE of the registration alone,
committed before the mail goes out: no transaction is held through SMTP, and on
PostgreSQL two workers racing for the same row send it once (with real connections)."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from exdesk.education import services
from exdesk.education.models import WebinarRegistration

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = dt.timedelta(hours=1)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks as PostgreSQL takes them"
)


@pytest.fixture
def due(webinar_factory):
    """A registration whose 24-hour reminder is due at ``moment``, as a worker lists it."""
    start = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    webinar = webinar_factory(starts_at=start)
    services.register(webinar, name="Ann", email="ann@example.com", now=start - 3 * 24 * HOUR)
    mail.outbox.clear()
    moment = start - 20 * HOUR
    return moment, lambda: services.due_reminders("day", moment)


def test_the_claim_is_committed_before_the_mail_goes_out(due, monkeypatch):
    moment, listed = due
    seen = []

    def send(registration, kind, now=None):
        seen.append(
            (
                connection.in_atomic_block,
                WebinarRegistration.objects.get(pk=registration.pk).reminder_day_sent_at,
            )
        )

    monkeypatch.setattr(services, "send_mail_to", send)
    assert services._send_each(listed(), "reminder_day_sent_at", "day", moment) == 1
    assert seen == [(False, moment)]  # claimed and committed; no transaction while sending


def _blocked_on_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _in_thread(target, name: str = "worker") -> threading.Thread:
    def run():
        try:
            target()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


@postgresql_only
def test_a_worker_that_waited_for_the_row_does_not_claim_it_again(due):
    moment, listed = due
    [first_copy], [second_copy] = listed(), listed()
    claimed, release, results = threading.Event(), threading.Event(), []

    def first_worker():  # has claimed the row, not committed yet
        with transaction.atomic():
            WebinarRegistration.objects.filter(pk=first_copy.pk).update(reminder_day_sent_at=moment)
            claimed.set()
            release.wait(10)

    def second_worker():
        results.append(services._claim_and_send(second_copy, "reminder_day_sent_at", "day", moment))

    first = _in_thread(first_worker)
    assert claimed.wait(10)
    second = _in_thread(second_worker)
    _wait_for(lambda: results or _blocked_on_a_row_lock())
    release.set()
    first.join(10)
    second.join(10)
    assert results == [False]  # it re-checked the committed row: already claimed
    assert mail.outbox == []


@postgresql_only
def test_two_workers_send_a_reminder_once(due, monkeypatch):
    moment, listed = due
    [first_copy], [second_copy] = listed(), listed()
    sending, release, results = threading.Event(), threading.Event(), {}
    real_send = services.send_mail_to

    def slow_send(registration, kind, now=None):
        if threading.current_thread().name == "first":
            sending.set()
            release.wait(10)  # a slow mail relay
        real_send(registration, kind, now)

    monkeypatch.setattr(services, "send_mail_to", slow_send)

    def worker(copy, key):
        results[key] = services._claim_and_send(copy, "reminder_day_sent_at", "day", moment)

    first = _in_thread(lambda: worker(first_copy, "first"), "first")
    assert sending.wait(10)
    second = _in_thread(lambda: worker(second_copy, "second"), "second")
    _wait_for(lambda: "second" in results or _blocked_on_a_row_lock())
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": True, "second": False}
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
