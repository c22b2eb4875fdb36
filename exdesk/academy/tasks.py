"""The academy's background work. Thin wrappers: the task queue retries them."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from exdesk.core.queue import LIVE_PRIORITY


# The trainee is waiting for the simulated customer's answer, as for a real one.
@db_task(retries=2, retry_delay=5, priority=LIVE_PRIORITY)
def drill_turn(event_id: int) -> None:
    from .drills import customer_turn

    customer_turn(event_id)


@db_periodic_task(crontab(minute="7"))
def training_reminders() -> None:
    from . import services

    services.notify_overdue_assignments()
    services.remind_expiring_certificates()
