"""The phone channel's timer: callbacks that fell due without a call, flagged once."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def flag_overdue_callbacks() -> None:
    # Each request is flagged under its row lock, once, whichever run gets there first.
    services.flag_overdue_callbacks()
