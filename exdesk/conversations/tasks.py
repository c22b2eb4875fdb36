"""Background work for conversations. Thin wrappers: the task queue retries them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import Conversation, Notification

MAX_ATTEMPTS = 10
SWEEP_AFTER = timedelta(minutes=1)


def tracking_url(conversation: Conversation) -> str:
    return settings.SITE_URL + reverse("portal:track", args=[conversation.tracking_token])


def build_email(notification: Notification) -> EmailMessage:
    conversation = notification.conversation
    with translation.override(conversation.language):
        if notification.kind == Notification.Kind.REPLY:
            subject = translation.gettext("New reply: %(subject)s")
            template = "conversations/email/reply.txt"
        else:
            subject = translation.gettext("We received your request: %(subject)s")
            template = "conversations/email/received.txt"
        context = {
            "conversation": conversation,
            "event": notification.event,
            "url": tracking_url(conversation),
        }
        return EmailMessage(
            subject=f"[{conversation.reference}] " + subject % {"subject": conversation.subject},
            body=render_to_string(template, context),
            to=[conversation.customer.email],
            headers={"Auto-Submitted": "auto-generated"},
        )


@db_task(retries=5, retry_delay=60)
def deliver_notification(notification_id: int) -> None:
    """Send one owed e-mail, at least once. The row is marked only after the send, and
    no lock is held meanwhile (a slow mail server must not stall the database)."""
    notification = (
        Notification.objects.select_related("conversation__customer", "event")
        .filter(pk=notification_id, sent_at__isnull=True)
        .first()
    )
    if notification is None:
        return  # already sent
    try:
        build_email(notification).send()
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            attempts=notification.attempts + 1, last_error=repr(exc)[:500]
        )
        raise
    Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=notification.attempts + 1, last_error=""
    )


def sweep_unsent_notifications() -> int:
    """Queue again what is still unsent after a while (lost enqueue, crash, outage)."""
    due = Notification.objects.filter(
        sent_at__isnull=True,
        created_at__lt=timezone.now() - SWEEP_AFTER,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)[:500]
    ids = list(due)
    for notification_id in ids:
        deliver_notification(notification_id)
    return len(ids)


@db_periodic_task(crontab(minute="*"))
def sweep_notifications() -> None:
    sweep_unsent_notifications()
