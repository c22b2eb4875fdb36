"""Background work for channels. Thin wrappers: the task queue retries them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import InboundMail, MailState

# A message still unread this long after it was stored lost its task (a crash between the
# commit and the queue): the sweep reads it.
STRANDED_AFTER = dt.timedelta(minutes=2)


@db_task(retries=5, retry_delay=30)
def ingest_mail(inbound_id: int) -> None:
    from .services import ingest

    ingest(inbound_id)


@db_periodic_task(crontab(minute="*"))
def ingest_stranded_mail() -> None:
    from .services import ingest

    cutoff = timezone.now() - STRANDED_AFTER
    stranded = InboundMail.objects.filter(state=MailState.RECEIVED, received_at__lt=cutoff)
    for pk in stranded.order_by("pk").values_list("pk", flat=True)[:500]:
        ingest(pk)


# Platforms have short outages and rate limits: a reply keeps trying for about an hour.
@db_task(retries=12, retry_delay=300)
def relay_reply(event_id: int) -> None:
    from .services import relay_reply as relay

    relay(event_id)
