"""SLA timers in the task queue: a wake-up scheduled for each warning and deadline, and
a sweep every minute. Both run the same idempotent ``services.fire_due``; the sweep
also catches what fell due while no worker ran (scheduled tasks are kept by the queue's
storage across a restart, and the sweep does not depend on them)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from . import services


@db_task()
def fire_due() -> None:
    # No lock: each clock fires under its row lock, once, whoever gets there first.
    if services.fire_due()["more"] and not HUEY.immediate:
        fire_due.schedule(delay=1)  # the rest of a burst of breaches, a second later


def wake_at(moment: dt.datetime) -> None:
    """Fire what is due at ``moment``, then. (Tests travel in time and call
    ``services.fire_due`` themselves.)"""
    if not HUEY.immediate:
        fire_due.schedule(eta=moment + dt.timedelta(seconds=1))


# A little over a minute: the next sweep may start a moment late.
LOOK_AHEAD = dt.timedelta(seconds=75)


@db_periodic_task(crontab(minute="*"))
def sweep_every_minute() -> None:
    """Fire what is due, and schedule a wake-up for each moment of the minute ahead."""
    fire_due.call_local()
    for moment in services.upcoming_moments(timezone.now(), LOOK_AHEAD):
        wake_at(moment)


@db_task()
def policies_changed() -> None:
    """An operator changed a policy or calendar: open clocks follow, off the request."""
    services.policies_changed()
