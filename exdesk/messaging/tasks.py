"""Background work for channels. Thin wrappers: the task queue retries them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from exdesk.core.queue import LIVE_PRIORITY

from .models import InboundMail, MailState

# A message still unread this long after it was stored lost its task (a crash between the
# commit and the queue): the sweep reads it.
STRANDED_AFTER = dt.timedelta(minutes=2)


# Reading a stored mail into its conversation is what makes it visible to agents. In a
# burst, one task reads the mail stored after its own too; their tasks then find them read.
@db_task(retries=5, retry_delay=30, priority=LIVE_PRIORITY)
def ingest_mail(inbound_id: int) -> None:
    from .services import ingest_batch

    ingest_batch(inbound_id)


# Has this worker process swept once? Its first sweep takes everything unread: a worker
# starting after a crash reads mail whose task was lost within a minute, not three.
_swept = False


@db_periodic_task(crontab(minute="*"))
def ingest_stranded_mail() -> None:
    global _swept
    stored_before = timezone.now() - (STRANDED_AFTER if _swept else dt.timedelta(0))
    _ingest_unread(stored_before=stored_before)
    _swept = True


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
