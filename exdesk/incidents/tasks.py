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


@db_task(retries=10, retry_delay=120)
def send_status_confirmation(subscriber_id: int) -> None:
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from .models import StatusSubscriber

    subscriber = StatusSubscriber.objects.get(pk=subscriber_id)
    with translation.override(subscriber.language):
        link = settings.SITE_URL + reverse(
            "status:confirm", args=[subscriber.language, subscriber.token]
        )
        subject = translation.gettext("Confirm your status updates")
        body = render_to_string("incidents/email/confirm.txt", {"link": link})
    EmailMessage(
        subject=subject,
        body=body,
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()


@db_task(retries=5, retry_delay=120)
def mail_status_subscribers(incident_id: int, update_id: int | None = None) -> int:
    from .status import mail_subscribers

    return mail_subscribers(incident_id, update_id)
