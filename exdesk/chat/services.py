"""The customer side of live chat: who the visitor is, which conversation they may join,
and what they can do in it. The WebSocket consumer and the upload view call these;
every change to the conversation itself goes through conversations.services.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from exdesk.conversations import attachments as files
from exdesk.conversations import live
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import ACTIVE_STATUSES, Channel
from exdesk.conversations.models import Conversation, Event
from exdesk.conversations.selectors import conversation_by_token
from exdesk.core import ratelimit
from exdesk.education.live import campaign_payload
from exdesk.incidents.live import notice_payload
from exdesk.routing import services as routing

from .models import ChatUpload

security_log = logging.getLogger("exdesk.security")

SUBJECT_LENGTH = 80
TRANSCRIPTS_PER_HOUR = 3
MAX_UPLOADS_PER_MESSAGE = 5


class Refused(Exception):
    """The visitor may not do this; ``code`` goes into the error frame."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Visitor:
    """Who is on the other end of a widget socket."""

    language: str = "en"
    uid: str = ""  # set only from a verified user_hash
    name: str = ""
    email: str = ""
    conversation_id: int | None = None
    token: str | None = None

    @property
    def identified(self) -> bool:
        return bool(self.uid)


# ---------------------------------------------------------------- identity


def user_hash(uid: str, secret: str | None = None) -> str:
    """What the exchange's server computes for a signed-in trader."""
    key = (secret if secret is not None else settings.CHAT_IDENTITY_SECRET).encode()
    return hmac.new(key, uid.encode(), hashlib.sha256).hexdigest()


def verify_identity(uid: str, given_hash: str) -> bool:
    if not settings.CHAT_IDENTITY_SECRET or not uid or not given_hash or len(uid) > 64:
        return False
    return hmac.compare_digest(user_hash(uid), given_hash.strip().lower())


def issue_token() -> str:
    """A token for a chat that has no conversation yet. The first message opens the
    conversation under it, so a re-sent first message (its acknowledgement lost) finds
    the same conversation, and no visitor can guess another's."""
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_token_signature(nonce)}"


def _token_signature(nonce: str) -> str:
    digest = salted_hmac("exdesk.chat.token", nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def _issued_here(token: str) -> bool:
    nonce, _, signature = token.partition(".")
    return bool(nonce) and hmac.compare_digest(_token_signature(nonce), signature)


def _refuse(code: str, message: str, **context) -> Refused:
    security_log.warning("chat refused: %s %s", code, context)
    return Refused(code, message)


def open_visitor(
    *,
    token: str | None,
    uid: str = "",
    given_hash: str = "",
    name: str = "",
    email: str = "",
    language: str = "en",
    client_ip: str | None = None,
) -> tuple[Visitor, Conversation | None]:
    """Check a ``hello``: a trader's identity, then the conversation they resume."""
    visitor = Visitor(language=language, name=(name or "")[:120], email=(email or "")[:254])
    if uid or given_hash:
        if not verify_identity(str(uid), str(given_hash)):
            raise _refuse(
                "identity_refused",
                _("We could not verify your account. Please sign in again."),
                uid=str(uid)[:64],
                ip=client_ip,
            )
        visitor.uid = str(uid)
    conversation = None
    if token and _issued_here(str(token)):
        conversation = Conversation.objects.filter(tracking_token=token).first()
        if conversation is None:  # issued, no message sent yet
            visitor.token = str(token)
            return visitor, None
    elif token:
        try:
            conversation = conversation_by_token(str(token))
        except Http404:
            raise _refuse(
                "conversation_refused",
                _("This chat could not be found. Please start a new one."),
                ip=client_ip,
            ) from None
    if conversation is not None:
        owner_uid = conversation.customer.uid or ""
        if visitor.identified and owner_uid != visitor.uid:
            raise _refuse(
                "conversation_refused",
                _("This chat could not be found. Please start a new one."),
                conversation=conversation.pk,
                uid=visitor.uid,
                ip=client_ip,
            )
    elif visitor.identified and not token:
        # A signed-in trader finds their open chat on any device.
        conversation = (
            Conversation.objects.filter(
                customer__uid=visitor.uid, channel=Channel.CHAT, status__in=ACTIVE_STATUSES
            )
            .select_related("customer")
            .order_by("-created_at")
            .first()
        )
    if conversation is not None:
        visitor.conversation_id, visitor.token = conversation.pk, conversation.tracking_token
    else:
        visitor.token = issue_token()
    return visitor, conversation


def welcome(visitor: Visitor, conversation: Conversation | None) -> dict:
    is_open, reason = routing.availability()
    return {
        "type": "welcome",
        "conversation": conversation.pk if conversation else None,
        "token": visitor.token,
        "identified": visitor.identified,
        "status": conversation.status if conversation else None,
        "open": is_open,
        "reason": reason,
        "queue": routing.queue_status(conversation) if conversation else None,
        "rating": conversation.rating if conversation else None,
        "last_seq": live.last_seq(conversation.pk) if conversation else 0,
        "notice": notice_payload(),  # a declared incident's banner
        "campaign": campaign_payload(),  # a security-awareness campaign, while it runs
    }


def conversation_of(visitor: Visitor) -> Conversation:
    if visitor.conversation_id is None:
        raise Refused("invalid", _("Start the chat with a message first."))
    return Conversation.objects.select_related("customer").get(pk=visitor.conversation_id)


# ---------------------------------------------------------------- messages


def _subject(body: str) -> str:
    first_line = body.strip().splitlines()[0] if body.strip() else ""
    return first_line[:SUBJECT_LENGTH] or _("Chat")


def _checked_message(client_id, body) -> tuple[str, str]:
    """A chat message must carry its sender's id and fit the chat's size limit."""
    client_id = conversations.check_client_id(str(client_id or "")) or ""
    if not client_id:
        raise ValidationError({"client_id": _("A message id has 1 to 100 characters.")})
    body = str(body or "")
    if len(body) > settings.CHAT_MAX_MESSAGE_CHARS:
        raise ValidationError(
            {"body": _("Use at most %(n)d characters.") % {"n": settings.CHAT_MAX_MESSAGE_CHARS}}
        )
    return client_id, body


def send_message(
    visitor: Visitor, *, body: str, client_id: str, upload_keys=(), context=None
) -> tuple[Event, bool]:
    """Store a customer message; the first one opens the conversation. Returns the stored
    event and whether this call opened the conversation. Idempotent by ``client_id``.
    ``context``: the page the first message came from ({"title", "url"}), kept for the
    agent as an internal note."""
    client_id, body = _checked_message(client_id, body)
    if visitor.conversation_id is None:
        return _start(visitor, body, client_id, context_note(context)), True
    # No query for the conversation here: the service reads it under its lock.
    conversation_id = visitor.conversation_id
    keys = [str(k) for k in (upload_keys or [])][:MAX_UPLOADS_PER_MESSAGE]
    # Files and message commit together; a plain message needs no outer transaction
    # (the service has its own), which saves a savepoint on every message.
    with transaction.atomic() if keys else contextlib.nullcontext():
        uploads = []
        if keys:
            uploads = list(ChatUpload.objects.filter(conversation_id=conversation_id, key__in=keys))
        if len(uploads) != len(set(keys)):
            stored = Event.objects.filter(
                conversation_id=conversation_id, client_id=client_id
            ).first()
            if stored is not None:  # a re-send: its files were used by the first delivery
                return stored, False
            raise ValidationError({"attachments": _("This file was not uploaded to this chat.")})
        if not body.strip() and uploads:
            body = ", ".join(u.original_name for u in uploads)
        event = conversations.do_add_customer_message(
            conversation_id,
            body,
            client_id=client_id,
            stored_files=uploads,
            max_length=settings.CHAT_MAX_MESSAGE_CHARS,
        )
        if uploads:
            ChatUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()
    return event, False


def send_messages(batch: list[dict]) -> list:
    """Messages from many sockets in one transaction (a group commit). Each message's
    writes run in a savepoint of their own (the services' atomic blocks), so a refused
    message fails alone; the result is its stored event and whether it opened the chat,
    or the exception. Conversations are locked in id order, so two processes' batches
    cannot deadlock. A database failure fails the whole batch: nothing of it was
    acknowledged, so the clients send it again."""
    order = sorted(range(len(batch)), key=lambda i: batch[i]["visitor"].conversation_id or 0)
    results: list = [None] * len(batch)
    with transaction.atomic():
        for index in order:
            try:
                results[index] = send_message(**batch[index])
            # The service's own savepoint has rolled its writes back: the batch goes on.
            except (ValidationError, Refused, IntegrityError) as exc:
                results[index] = exc
    return results


def context_note(context) -> str:
    """The agent's note about where a chat started; anything malformed is left out (it
    is a courtesy from the page, not something the customer must get right)."""
    if not isinstance(context, dict):
        return ""
    title, url = context.get("title"), context.get("url")
    title = title.strip()[:200] if isinstance(title, str) else ""
    url = url.strip()[:500] if isinstance(url, str) else ""
    if url and not (url.startswith("/") or url.startswith(("https://", "http://"))):
        url = ""
    if not (title or url):
        return ""
    return _("The customer started the chat from “%(title)s” (%(url)s).") % {
        "title": title or "—",
        "url": url or "—",
    }


def _start(visitor: Visitor, body: str, client_id: str, note: str = "") -> Event:
    if not visitor.token:
        visitor.token = issue_token()
    conversation = conversations.do_receive_request(
        uid=visitor.uid,
        email=visitor.email if visitor.identified else "",
        name=visitor.name,
        customer_language=visitor.language,
        # A first message re-sent after a lost acknowledgement finds its conversation.
        external_key=f"chat:{visitor.token}",
        tracking_token=visitor.token,
        subject=_subject(body),
        body=body,
        client_id=client_id,
        channel=Channel.CHAT,
        language=visitor.language,
        notify_customer=False,
        context_note=note,
    )
    visitor.conversation_id = conversation.pk
    event = conversation.events.filter(client_id=client_id).first()
    if event is None:  # another tab of this visitor opened the conversation a moment ago
        event = conversations.do_add_customer_message(
            conversation, body, client_id=client_id, max_length=settings.CHAT_MAX_MESSAGE_CHARS
        )
    return event


def store_upload(token: str, upload) -> ChatUpload:
    """A file sent over HTTP before the message that names it."""
    try:
        conversation = conversation_by_token(token)
    except Http404:
        raise _refuse(
            "conversation_refused", _("This chat could not be found. Please start a new one.")
        ) from None
    (checked,) = files.check_files([upload]) if upload is not None else (None,)
    if checked is None:
        raise ValidationError({"file": _("Choose a file.")})
    path = files.store(checked)
    try:
        return ChatUpload.objects.create(
            conversation=conversation,
            path=path,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
    except BaseException:
        files.discard([path])
        raise


# ---------------------------------------------------------------- offline, end, rating


def leave_message(visitor: Visitor, *, name: str, email: str, body: str, client_id: str):
    """Nobody can answer now: the message becomes a case answered by e-mail."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    client_id, body = _checked_message(client_id, body)
    return conversations.do_receive_request(
        uid=visitor.uid,
        email=email,
        name=(name or "")[:120],
        customer_language=visitor.language,
        external_key=f"chat-offline:{visitor.uid}:{client_id}",
        subject=_subject(body),
        body=body,
        channel=Channel.WEB,
        language=visitor.language,
        notify_customer=True,
    )


def send_transcript(visitor: Visitor, email: str) -> None:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    conversation = conversation_of(visitor)
    # Keyed by the token: unique across databases that share one Redis (ids are not).
    if not ratelimit.allow(f"transcript:{conversation.tracking_token}", TRANSCRIPTS_PER_HOUR, 3600):
        raise Refused("rate_limited", _("Too many transcripts for this chat. Try again later."))
    from .tasks import send_chat_transcript

    send_chat_transcript(conversation.pk, email)
