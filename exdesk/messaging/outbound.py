"""E-mail out: every mail exdesk sends about a conversation is threaded and answerable.

Each carries its own Message-ID (kept, so a reply quoting it is recognised), In-Reply-To
and References naming the customer's last mail, a Reply-To address with the
conversation's token (``support+<token>@…``), the customer's anti-phishing code, a text
and an HTML part, and the agent's display name. The state of each send (queued, sent,
failed with the reason) is kept for the console.
"""

from __future__ import annotations

import email.utils
import functools
from html import escape
from pathlib import Path

import dkim
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from exdesk.conversations.models import Conversation, Event

from .models import DeliveryState, InboundMail, MailThread, OutboundMail

MAX_REFERENCES = 20


def reply_address(conversation: Conversation) -> str:
    thread, _created = MailThread.objects.get_or_create(conversation=conversation)
    local, _, domain = settings.DEFAULT_FROM_EMAIL.partition("@")
    return f"{local}+{thread.reply_token}@{domain}"


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.partition("@")[2] or "exdesk.invalid"


def _references(conversation: Conversation) -> list[str]:
    """The thread's earlier Message-IDs, oldest first, the customer's last mail last."""
    theirs = list(
        InboundMail.objects.filter(conversation=conversation)
        .exclude(message_id="")
        .order_by("received_at", "pk")
        .values_list("message_id", flat=True)
    )
    ours = list(
        OutboundMail.objects.filter(conversation=conversation)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
    )
    ordered = ours + theirs  # In-Reply-To names the last one: the customer's mail if any
    return ordered[-MAX_REFERENCES:]


def _html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!doctype html><html><body style="font-family:sans-serif">{body}</body></html>'


class DkimSignedMail(EmailMultiAlternatives):
    """A mail signed with the organisation's DKIM key as it is built for sending, so the
    signature covers exactly the bytes the SMTP backend writes."""

    SIGNED_HEADERS = [
        b"From",
        b"To",
        b"Subject",
        b"Date",
        b"Message-ID",
        b"In-Reply-To",
        b"References",
        b"Reply-To",
        b"Content-Type",
        b"MIME-Version",
    ]

    def message(self, *args, **kwargs):
        built = super().message(*args, **kwargs)
        domain = settings.DEFAULT_FROM_EMAIL.partition("@")[2]
        signature = dkim.sign(
            # What Django's SMTP backend sends: CRLF line ends (its MIME classes take
            # linesep, which the standard library's stubs do not know).
            built.as_bytes(linesep="\r\n"),  # type: ignore[call-arg]
            settings.MAIL_DKIM_SELECTOR.encode(),
            domain.encode(),
            _dkim_key(),
            include_headers=self.SIGNED_HEADERS,
        )
        name, _, value = signature.decode().partition(":")
        built[name] = " ".join(value.split())
        return built


@functools.cache
def _dkim_key() -> bytes:
    return Path(settings.MAIL_DKIM_KEY_FILE).read_bytes()


def send(
    conversation: Conversation,
    *,
    subject: str,
    text: str,
    event: Event | None = None,
    sender_name: str = "",
    automatic: bool = False,
) -> OutboundMail:
    """Send one mail to the conversation's customer now (called from a task, which retries
    on failure). A mail already sent for ``event`` is not sent again."""
    if event is not None:
        done = OutboundMail.objects.filter(event=event, state=DeliveryState.SENT).first()
        if done is not None:
            return done
    with transaction.atomic():
        outbound = OutboundMail.objects.filter(event=event).first() if event is not None else None
        if outbound is None:
            outbound = OutboundMail.objects.create(
                conversation=conversation,
                event=event,
                message_id=email.utils.make_msgid(domain=_domain()).strip("<>"),
                to=conversation.customer.email,
            )
    references = [r for r in _references(conversation) if r != outbound.message_id]
    headers = {
        "Message-ID": f"<{outbound.message_id}>",
        "Reply-To": reply_address(conversation),
    }
    if references:
        headers["In-Reply-To"] = f"<{references[-1]}>"
        headers["References"] = " ".join(f"<{r}>" for r in references)
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
    local_from = settings.DEFAULT_FROM_EMAIL
    from_header = email.utils.formataddr((sender_name, local_from)) if sender_name else local_from
    # A fixed Date: the signed headers must not change between building and sending.
    headers["Date"] = email.utils.formatdate(localtime=False)
    signing = bool(settings.MAIL_DKIM_SELECTOR and settings.MAIL_DKIM_KEY_FILE)
    message = (DkimSignedMail if signing else EmailMultiAlternatives)(
        subject=subject, body=text, from_email=from_header, to=[outbound.to], headers=headers
    )
    message.attach_alternative(_html(text), "text/html")
    outbound.attempts += 1
    try:
        message.send()
    except Exception as error:
        outbound.state = DeliveryState.FAILED
        outbound.error = f"{type(error).__name__}: {error}"[:300]
        outbound.save(update_fields=["state", "error", "attempts"])
        raise
    outbound.state = DeliveryState.SENT
    outbound.error = ""
    outbound.sent_at = timezone.now()
    outbound.save(update_fields=["state", "error", "attempts", "sent_at"])
    return outbound


def delivery_of(conversation: Conversation) -> dict[int, OutboundMail]:
    """Each event's mail, for the console's delivery state."""
    sent = OutboundMail.objects.filter(conversation=conversation, event__isnull=False)
    return {mail.event_id: mail for mail in sent if mail.event_id is not None}
