"""Background work for conversations. Thin wrappers: the task queue retries them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .choices import Channel
from .models import Conversation, Event


def tracking_url(conversation: Conversation) -> str:
    return settings.SITE_URL + reverse("portal:track", args=[conversation.tracking_token])


def _send(
    conversation: Conversation,
    template: str,
    subject: str,
    context: dict,
    *,
    event: Event | None = None,
    sender_name: str = "",
    automatic: bool = True,
) -> None:
    """Threaded and answerable (messaging.outbound): a reply to it joins the conversation."""
    from exdesk.exchange.services import email_security_header
    from exdesk.messaging import outbound

    to = conversation.customer.email
    with translation.override(conversation.language):
        context = {"conversation": conversation, "url": tracking_url(conversation), **context}
        header = email_security_header(conversation.customer, to)
        body = render_to_string(template, context)
        outbound.send(
            conversation,
            subject=f"[{conversation.reference}] {subject}",
            text=f"{header}\n\n{body}" if header else body,
            event=event,
            sender_name=sender_name,
            automatic=automatic,
        )


# Up to an hour of retries: a mail waits for the exchange's anti-phishing code rather than
# going out without it.
@db_task(retries=30, retry_delay=120)
def notify_customer_received(conversation_id: int) -> None:
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    with translation.override(conversation.language):
        subject = translation.gettext("We received your request: %(subject)s") % {
            "subject": conversation.subject
        }
    _send(conversation, "conversations/email/received.txt", subject, {})


@db_task(retries=30, retry_delay=120)
def notify_customer_of_reply(event_id: int) -> None:
    event = Event.objects.select_related("conversation__customer", "author_user").get(pk=event_id)
    conversation = event.conversation
    with translation.override(conversation.language):
        subject = translation.gettext("New reply: %(subject)s") % {"subject": conversation.subject}
    _send(
        conversation,
        "conversations/email/reply.txt",
        subject,
        {"event": event},
        event=event,
        sender_name=event.author_user.display_name if event.author_user else "",
        automatic=False,
    )


# Chats changed in this window are indexed each minute; the overlap covers a late run.
CHAT_INDEX_WINDOW = dt.timedelta(minutes=3)
# Conversations per write transaction: short, so live chat writes are not held up.
CHAT_INDEX_BATCH = 20


@db_periodic_task(crontab(minute="*"))
def index_recent_chats() -> None:
    """Search terms of chat messages, a minute at most after they were sent."""
    from .services import index_new_messages

    since = timezone.now() - CHAT_INDEX_WINDOW
    changed = list(
        Conversation.objects.filter(channel=Channel.CHAT, updated_at__gte=since)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(changed), CHAT_INDEX_BATCH):
        index_new_messages(changed[start : start + CHAT_INDEX_BATCH])
