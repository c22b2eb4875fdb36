"""Background work for channels. Thin wrappers: the task queue retries them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from exdesk.core.queue import LIVE_PRIORITY

from .models import InboundMail, MailState

# A message still unread this long after it was stored lost its task (a crash between the
# commit and the queue): the sweep reads it.
STRANDED_AFTER = dt.timedelta(minutes=2)


# Reading a stored mail into its conversation is what makes it visible to agents.
@db_task(retries=5, retry_delay=30, priority=LIVE_PRIORITY)
def ingest_mail(inbound_id: int) -> None:
    from .services import ingest

    ingest(inbound_id)


@db_periodic_task(crontab(minute="*"))
def ingest_stranded_mail() -> None:
    _ingest_unread(stored_before=timezone.now() - STRANDED_AFTER)


@db_task(priority=LIVE_PRIORITY)
def ingest_unread_mail() -> None:
    _ingest_unread(stored_before=timezone.now())


@on_startup()
def read_what_a_crash_left() -> None:
    """A worker starting after a crash: mail stored while its task was lost is read now,
    not at the next sweep. Reading twice is harmless."""
    ingest_unread_mail()


def _ingest_unread(stored_before: dt.datetime) -> None:
    from .services import ingest

    unread = InboundMail.objects.filter(state=MailState.RECEIVED, received_at__lt=stored_before)
    for pk in unread.order_by("pk").values_list("pk", flat=True)[:500]:
        ingest(pk)


# Platforms have short outages and rate limits: a reply keeps trying for about an hour.
@db_task(retries=12, retry_delay=300)
def relay_reply(event_id: int) -> None:
    from .services import relay_reply as relay

    relay(event_id)
