"""Background work for chat."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from exdesk.conversations import attachments as files
from exdesk.conversations import live
from exdesk.conversations.models import Conversation
from exdesk.exchange.services import mail_customer

from .models import ChatUpload

UNSENT_UPLOAD_LIFETIME = dt.timedelta(days=1)


@db_task(retries=30, retry_delay=120)  # waits for the anti-phishing code, as replies do
def send_chat_transcript(conversation_id: int, email: str) -> None:
    conversation = Conversation.objects.select_related("customer").get(pk=conversation_id)
    lines = live.frames(live.events_after(conversation_id, 0, limit=10_000), for_staff=False)
    with translation.override(conversation.language):
        subject = translation.gettext("Transcript of your chat %(reference)s") % {
            "reference": conversation.reference
        }
        body = render_to_string(
            "chat/email/transcript.txt", {"conversation": conversation, "lines": lines}
        )
        mail_customer(conversation.customer, email, subject, body)


@db_periodic_task(crontab(minute="17"))
def discard_unsent_uploads() -> None:
    """Files uploaded for a message that was never sent."""
    old = ChatUpload.objects.filter(created_at__lt=timezone.now() - UNSENT_UPLOAD_LIFETIME)
    for upload in old:
        files.discard([upload.path])
        upload.delete()
