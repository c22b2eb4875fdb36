"""Analytics' background work: the rollup sweep and the scheduled reports."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException


@db_periodic_task(crontab(minute="*"))
def refresh_facts() -> int:
    """Bring the dashboards' facts up to date with what changed since the last run.
    Runs never overlap: a slow one makes the next minute's skip."""
    from .rollup import sweep

    try:
        with HUEY.lock_task("analytics-rollup"):
            return sweep()
    except TaskLockedException:
        return 0


@db_periodic_task(crontab(minute="5"))
def send_reports() -> int:
    from .services import send_due_reports

    return send_due_reports()


@db_task(retries=3, retry_delay=30)
def refresh_conversation(conversation_id: int) -> None:
    """One conversation's facts at once (a solve, a rating), ahead of the next sweep."""
    from .rollup import refresh

    refresh([conversation_id])
