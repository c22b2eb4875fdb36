"""Incident broadcasts in the task queue. Resumable: a worker killed midway leaves the
rest pending, and the sweep below (or a retry) sends only those."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=5, retry_delay=30)
def broadcast_update(update_id: int) -> int:
    from .services import broadcast

    return broadcast(update_id)


@db_periodic_task(crontab(minute="*"))
def resume_broadcasts() -> int:
    """Finish any broadcast a dead worker left with pending deliveries."""
    from .services import resume_unfinished

    return resume_unfinished()
