"""Telegram: the Bot API in (webhook or long polling) and out (``send``).

Each private chat with the exchange's bot is one ChannelIdentity (the chat id) and talks
to one conversation at a time (services.receive_platform_message). Replies go out as
plain text (no parse_mode: nothing an agent or a customer typed is read as markup).

The bot token is part of every Bot API URL, so it is scrubbed from every error and log
line this module (or httpx, which logs request URLs) produces.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _

from exdesk.conversations.attachments import clean_filename
from exdesk.conversations.models import Attachment, Event

from .. import services
from ..models import ChannelIdentity, Platform

logger = logging.getLogger(__name__)

TIMEOUT = 10.0
POLL_SECONDS = 25
# Telegram's limit for one message, counted in UTF-16 code units.
MAX_TEXT = 4096
# Sent as photos (Telegram recompresses them); anything else, a GIF included, as a file.
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
# Message kinds the desk cannot show: the customer's message is stored with a note.
UNSUPPORTED_KINDS = (
    "animation",
    "audio",
    "contact",
    "dice",
    "location",
    "poll",
    "sticker",
    "venue",
    "video",
    "video_note",
    "voice",
)
START = re.compile(r"^/start(?:@\w+)?(?:\s+(\S+))?\s*$")
# Waits of the long-polling loop after a failed round: it grows to a minute.
BACKOFF_SECONDS = (1, 2, 5, 15, 30, 60)


class ApiError(Exception):
    """The Bot API refused or could not be reached. ``permanent``: the same request can
    never succeed (400 Bad Request such as "chat not found", 403 "bot was blocked by the
    user"). ``reason`` never contains the bot token."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.permanent = status in (400, 403)
        self.retry_after = retry_after

    @property
    def temporary(self) -> bool:
        """Waiting may help: the network, a rate limit, Telegram's own trouble. (A wrong
        token is neither: an operator fixes it, and queued replies then go out.)"""
        return self.status is None or self.status == 429 or self.status >= 500


def scrub(text: str) -> str:
    token = settings.TELEGRAM_BOT_TOKEN
    return text.replace(token, "<bot token>") if token else text


class _HideToken(logging.Filter):
    """httpx logs each request's URL (which holds the token) at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


logging.getLogger("httpx").addFilter(_HideToken())


# ---------------------------------------------------------------- the Bot API


def configured() -> bool:
    """The bot can send and poll. (The webhook also needs TELEGRAM_WEBHOOK_SECRET.)"""
    return bool(settings.TELEGRAM_BOT_TOKEN)


def _base() -> str:
    return settings.TELEGRAM_API_URL.rstrip("/")


def call(
    method: str,
    params: dict[str, Any] | None = None,
    *,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    timeout: float = TIMEOUT,
) -> Any:
    """One Bot API method; its ``result``. Files go as multipart form, the rest as JSON."""
    url = f"{_base()}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"
    try:
        if files:
            form = {key: str(value) for key, value in (params or {}).items()}
            response = httpx.post(url, data=form, files=files, timeout=timeout)
        else:
            response = httpx.post(url, json=params or {}, timeout=timeout)
    except httpx.HTTPError as error:
        # from None: httpx's own message may quote the URL, and a traceback shows it.
        raise ApiError(scrub(f"{method}: {type(error).__name__}: {error}")) from None
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    if response.status_code == 200 and isinstance(payload, dict) and payload.get("ok"):
        return payload.get("result")
    payload = payload if isinstance(payload, dict) else {}
    description = str(payload.get("description") or response.reason_phrase)
    retry_after = (payload.get("parameters") or {}).get("retry_after") or 0
    raise ApiError(
        scrub(f"{method}: {response.status_code} {description}"[:300]),
        status=response.status_code,
        retry_after=int(retry_after),
    )


def download(file_path: str, limit: int) -> bytes | None:
    """A file getFile named, or None when it is larger than ``limit`` bytes (the size
    Telegram declared is checked before, but only the bytes counted here are trusted)."""
    url = f"{_base()}/file/bot{settings.TELEGRAM_BOT_TOKEN}/{file_path}"
    data = bytearray()
    try:
        with httpx.stream("GET", url, timeout=TIMEOUT) as response:
            if response.status_code != 200:
                raise ApiError(f"download: {response.status_code}", status=response.status_code)
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > limit:
                    return None
    except httpx.HTTPError as error:
        raise ApiError(scrub(f"download: {type(error).__name__}: {error}")) from None
    return bytes(data)


def say(chat_id: str, text: str) -> None:
    """A message of the bot itself (welcome, link result), not part of a conversation.
    Best effort: losing one is not worth redelivering the whole update."""
    try:
        call("sendMessage", {"chat_id": chat_id, "text": text})
    except ApiError as error:
        logger.warning("Telegram: bot message to a chat not sent: %s", error.reason)


# ---------------------------------------------------------------- in


def language_of(code: str) -> str:
    return "zh-hans" if (code or "").lower().startswith("zh") else "en"


def handle_update(update: dict) -> services.Received | None:
    """Turn one Update into a stored message. None: nothing for the desk (an edit, a
    group, another bot, /start). Raises ValidationError for an update that cannot be
    stored, and ApiError when a file could not be fetched for now (try again later)."""
    message = update.get("message")
    # Only new messages: an edit would rewrite what the agent already read, and
    # channel posts, reactions and membership changes are not customers writing.
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    # In a group the chat id is many people: one conversation would mix customers and
    # every reply would reach the whole group. Support happens in private chats only.
    if chat.get("type") != "private":
        return None
    # Another bot (or a loop through our own) must not open cases.
    if sender.get("is_bot"):
        return None
    chat_id = str(chat.get("id") or "")
    text = message.get("text") or ""
    start = START.match(text)
    if start and chat_id:
        _start(chat_id, sender, start.group(1) or "")
        return None
    uploads, refused = _files_of(message)
    body = text or message.get("caption") or ""
    if refused:
        listed = "\n".join(f"- {line}" for line in refused)
        body = f"{body}\n\n{_('Attachments not taken:')}\n{listed}".strip()
    if not body and not uploads:
        return None  # a service message (pinned, shared, …): nothing anyone wrote
    names = (sender.get("first_name") or "", sender.get("last_name") or "")
    return services.receive_platform_message(
        platform=Platform.TELEGRAM,
        external_id=chat_id,
        update_key=str(update.get("update_id", "")),
        text=body,
        handle=sender.get("username") or "",
        display_name=" ".join(name for name in names if name),
        language_hint=sender.get("language_code") or "",
        uploads=tuple(uploads),
    )


def _files_of(message: dict) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(name, bytes) of the message's photo or document, and a line for each not taken."""
    if message.get("photo"):
        # Telegram offers each photo in several sizes: the largest is the one sent.
        largest = max(
            message["photo"],
            key=lambda size: (size.get("width", 0) * size.get("height", 0), size.get("file_size")),
        )
        name = f"photo-{message.get('message_id', '')}.jpg"
        return _fetched(largest, name)
    document = message.get("document")
    if isinstance(document, dict):
        return _fetched(document, document.get("file_name") or "document")
    for kind in UNSUPPORTED_KINDS:
        if kind in message:
            return [], [_("%(kind)s: this kind of message is not supported") % {"kind": kind}]
    return [], []


def _fetched(item: dict, name: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    name = clean_filename(name)
    limit = settings.ATTACHMENT_MAX_BYTES
    too_big = _("%(name)s is larger than %(limit)s.") % {
        "name": name,
        "limit": filesizeformat(limit),
    }
    # Skip the download when Telegram already says the file is over the desk's limit.
    if (item.get("file_size") or 0) > limit:
        return [], [too_big]
    try:
        found = call("getFile", {"file_id": item.get("file_id", "")})
        data = download(found["file_path"], limit)
    except ApiError as error:
        if error.temporary:
            raise  # nothing is stored yet: the redelivered update tries again
        logger.warning("Telegram: a file was not fetched: %s", error.reason)
        return [], [_("%(name)s could not be fetched from Telegram.") % {"name": name}]
    if data is None:
        return [], [too_big]
    return [(name, data)], []


def _start(chat_id: str, sender: dict, token: str) -> None:
    """/start: the welcome, in the user's language; with a link token from the exchange,
    the chat is linked to the trader's account first."""
    language = language_of(sender.get("language_code") or "")
    with translation.override(language):
        lines = []
        if token:
            lines.append(_link(chat_id, sender, token, language))
        lines += [
            _("How can we help?"),
            _("Write your question here and our support team will answer in this chat."),
            _("Support never asks for your password, 2FA codes or seed phrase."),
        ]
        say(chat_id, "\n\n".join(lines))


def _link(chat_id: str, sender: dict, token: str, language: str) -> str:
    # A forged or expired token creates nothing, not even the chat's identity.
    if services.uid_from_link_token(token) is None:
        return _("This link is invalid or has expired. Open it again from the exchange.")
    identity = _identity(chat_id, sender, language)
    try:
        customer = services.link_identity_by_token(identity, token)
    except ValidationError as error:
        return " ".join(error.messages)
    if customer is None:  # expired in the moment between the two checks
        return _("This link is invalid or has expired. Open it again from the exchange.")
    return _("This chat is now linked to your exchange account.")


def _identity(chat_id: str, sender: dict, language: str) -> ChannelIdentity:
    """The chat's identity, created here when /start comes before any message."""
    return services.find_or_create_identity(
        Platform.TELEGRAM,
        chat_id,
        handle=sender.get("username") or "",
        display_name=sender.get("first_name") or "",
        language=language,
    )


# ---------------------------------------------------------------- long polling


def long_poll(stop_after: int | None = None) -> int:
    """Fetch updates with getUpdates and handle them; ``stop_after`` rounds, or forever.
    Returns how many updates were handled.

    At least once: an update is handled, then the offset moves past it (Telegram forgets
    an update when a later getUpdates names a higher offset); after a crash the unconfirmed
    ones come again and their update_id makes the second storing a no-op.

    Telegram refuses getUpdates (409) while a webhook is set: this raises ApiError then,
    and ``exdesk telegram_webhook delete`` removes the webhook. Nothing deletes it here,
    so a stray poller cannot silently take a production bot off its webhook."""
    offset: int | None = None
    handled = rounds = failures = 0
    while stop_after is None or rounds < stop_after:
        rounds += 1
        try:
            updates = call(
                "getUpdates",
                {"offset": offset, "timeout": POLL_SECONDS, "allowed_updates": ["message"]},
                timeout=POLL_SECONDS + TIMEOUT,
            )
            for update in updates:
                _handle_polled(update)
                offset = int(update["update_id"]) + 1
                handled += 1
        except ApiError as error:
            if not error.temporary:
                raise  # a webhook is set, a wrong token: waiting does not help
            wait = error.retry_after or BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)]
            failures += 1
            logger.warning("Telegram polling: %s; again in %s s", error.reason, wait)
            time.sleep(wait)
            continue
        failures = 0
    return handled


def _handle_polled(update: dict) -> None:
    try:
        handle_update(update)
    except ValidationError as error:
        # As the webhook answers 200: an update that cannot be stored never will be.
        logger.warning("Telegram update %s ignored: %s", update.get("update_id"), error)


# ---------------------------------------------------------------- out


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in pieces Telegram accepts: cut at a line break in the second half of a
    piece, else at a space there, else where the limit falls."""
    pieces = []
    rest = text.strip()
    while rest:
        cut = _fitting(rest, limit)
        if cut < len(rest):
            for separator in ("\n", " "):
                gap = rest.rfind(separator, 0, cut + 1)
                if gap > cut // 2:
                    cut = gap
                    break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return pieces


def _fitting(text: str, limit: int) -> int:
    """How many characters of ``text`` fit in ``limit`` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def send(identity: ChannelIdentity, event: Event) -> str:
    """Send one reply (text, then its files) to the chat; the first message's id.

    A temporary failure after a first part went out sends that part again on the retry:
    Telegram has no idempotency key for sendMessage."""
    chat_id = identity.external_id
    sent: list[Any] = []
    try:
        for piece in split_text(services.reply_text(event)):
            sent.append(call("sendMessage", {"chat_id": chat_id, "text": piece}))
        for attachment in event.attachments.all():
            sent.append(_send_file(chat_id, attachment))
    except ApiError as error:
        raise services.DeliveryFailed(error.reason, permanent=error.permanent) from error
    if not sent:
        raise services.DeliveryFailed("nothing to send", permanent=True)
    return str(sent[0]["message_id"])


def _send_file(chat_id: str, attachment: Attachment) -> Any:
    with attachment.file.open("rb") as handle:
        upload = (attachment.original_name, handle.read(), attachment.content_type)
    if attachment.content_type in PHOTO_TYPES:
        try:
            return call("sendPhoto", {"chat_id": chat_id}, files={"photo": upload})
        except ApiError as error:
            # Telegram refuses some images as photos (too large, odd proportions): they
            # go as a file. A chat that is gone refuses that too.
            if error.status != 400:
                raise
    return call("sendDocument", {"chat_id": chat_id}, files={"document": upload})


def set_webhook(url: str) -> None:
    """Telegram posts updates to ``url`` with the secret header the view checks."""
    call(
        "setWebhook",
        {
            "url": url,
            "secret_token": settings.TELEGRAM_WEBHOOK_SECRET,
            "allowed_updates": ["message"],
        },
    )


def delete_webhook() -> None:
    call("deleteWebhook", {"drop_pending_updates": False})
