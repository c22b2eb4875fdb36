"""Facebook Messenger: the page's webhook in, the Send API out.

Meta signs each webhook POST with the app secret (``X-Hub-Signature-256``) and proves a
subscription with the verify token; the sender's page-scoped id (PSID) is the identity.
Attachment URLs in a message expire, so they are downloaded while the webhook is read.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from exdesk.conversations.attachments import clean_filename
from exdesk.conversations.models import Event

from ..models import ChannelIdentity
from ..services import DeliveryFailed, reply_text
from .common import as_dict as _dict
from .common import as_list as _list
from .common import json_of as _json
from .common import split_text

SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_TEXT = 2000  # the Send API refuses longer texts
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Graph error codes that clear by themselves (throttling, outages) or once an operator
# renews the page token (190): worth the retries rather than dropping the reply.
TEMPORARY_CODES = {1, 2, 4, 17, 32, 190, 341, 613}
DOWNLOADED_TYPES = {"image", "file"}


class _HideSecrets(logging.Filter):
    """httpx logs each request's URL at INFO, and the Send API's URL holds the page token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _without_secrets(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


logging.getLogger("httpx").addFilter(_HideSecrets())


def configured() -> bool:
    return bool(settings.FACEBOOK_APP_SECRET and settings.FACEBOOK_VERIFY_TOKEN)


def challenge(params: Mapping[str, str]) -> str | None:
    """The ``hub.challenge`` to echo when Meta subscribes with our verify token, else None."""
    token = params.get("hub.verify_token", "")
    if params.get("hub.mode") != "subscribe" or not hmac.compare_digest(
        token.encode(), settings.FACEBOOK_VERIFY_TOKEN.encode()
    ):
        return None
    return params.get("hub.challenge", "")


def signature(body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256(app secret, raw body): what Meta sends."""
    key = settings.FACEBOOK_APP_SECRET.encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_ok(body: bytes, given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(body).encode(), given.encode())


# ---------------------------------------------------------------- in


def messages(payload: dict) -> Iterator[dict[str, Any]]:
    """Keyword arguments for ``services.receive_platform_message``, one set per message a
    person sent the page. Echoes of the page's own messages, reads, deliveries and
    reactions are not messages from a customer."""
    if payload.get("object") != "page":
        return
    for entry in _list(payload.get("entry")):
        for raw in _list(_dict(entry).get("messaging")):
            item = _dict(raw)
            message = _dict(item.get("message"))
            if not message or message.get("is_echo"):
                continue
            uploads, refused = _attachments(_list(message.get("attachments")))
            yield {
                "external_id": str(_dict(item.get("sender")).get("id") or ""),
                "update_key": str(message.get("mid") or ""),
                "text": str(message.get("text") or ""),
                "uploads": tuple(uploads),
                "not_taken": tuple(refused),
            }


class _NotTaken(Exception):
    pass


def _attachments(items: list) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(name, bytes) of each image and file sent, and a line for each one not taken."""
    uploads, refused = [], []
    for number, raw in enumerate(items, 1):
        item = _dict(raw)
        kind = str(item.get("type") or "attachment")
        url = str(_dict(item.get("payload")).get("url") or "")
        name = _file_name(url, f"{kind}-{number}")
        if kind not in DOWNLOADED_TYPES:
            # Video, audio, shared links and locations are not files the desk keeps.
            refused.append(_("%(name)s: this kind of attachment is not kept") % {"name": name})
            continue
        try:
            uploads.append((name, _download(url, name)))
        except _NotTaken as problem:
            refused.append(str(problem))
    return uploads, refused


def _file_name(url: str, fallback: str) -> str:
    last = clean_filename(unquote(urlsplit(url).path.rsplit("/", 1)[-1]))
    return last if "." in last else fallback


def _download(url: str, name: str) -> bytes:
    limit = settings.ATTACHMENT_MAX_BYTES
    too_big = _NotTaken(
        _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}
    )
    failed = _NotTaken(_("%(name)s could not be downloaded.") % {"name": name})
    if urlsplit(url).scheme not in ("http", "https"):
        raise failed
    data = bytearray()
    try:
        # Identity encoding: the size limit then counts the bytes as they arrive, and a
        # small compressed body cannot unpack into a huge one.
        with httpx.stream(
            "GET",
            url,
            headers={"Accept-Encoding": "identity"},
            timeout=TIMEOUT,
            follow_redirects=True,
        ) as response:
            if response.status_code != 200:
                raise failed
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise too_big
            for chunk in response.iter_raw():
                data += chunk
                if len(data) > limit:
                    raise too_big
    except httpx.HTTPError:
        raise failed from None
    return bytes(data)


# ---------------------------------------------------------------- out


def send(identity: ChannelIdentity, event: Event) -> str:
    """Send a reply to the person's PSID; the id of its first message."""
    if not settings.FACEBOOK_PAGE_TOKEN:
        raise DeliveryFailed("Facebook is not configured to send (no page token)")
    ids = [
        _send_part(identity.external_id, part) for part in split_text(reply_text(event), MAX_TEXT)
    ]
    return ids[0]


def _send_part(recipient: str, text: str) -> str:
    token = settings.FACEBOOK_PAGE_TOKEN
    params = {"access_token": token}
    if settings.FACEBOOK_APP_SECRET:
        # Meta's proof that the caller also holds the app secret ("Require App Secret").
        key = settings.FACEBOOK_APP_SECRET.encode()
        params["appsecret_proof"] = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
    body = {"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": {"text": text}}
    try:
        response = httpx.post(
            settings.FACEBOOK_API_URL.rstrip("/") + "/me/messages",
            params=params,
            json=body,
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as error:
        # The error's type only: its text may carry the URL, and the URL the token.
        raise DeliveryFailed(f"Graph API unreachable ({type(error).__name__})") from None
    if not response.is_success:
        raise _failure(response)
    # Taken: even without an id in the answer, sending again would repeat the message.
    return str(_json(response).get("message_id") or "")


def _failure(response: httpx.Response) -> DeliveryFailed:
    error = _dict(_json(response).get("error"))
    code = error.get("code")
    status = response.status_code
    temporary = (
        not 400 <= status < 500
        or status == 429
        or error.get("is_transient") is True
        or code in TEMPORARY_CODES
    )
    detail = _without_secrets(str(error.get("message") or response.reason_phrase))[:200]
    where = f"Graph API {status}" + (f" (code {code})" if code is not None else "")
    return DeliveryFailed(f"{where}: {detail}", permanent=not temporary)


def _without_secrets(text: str) -> str:
    for secret in (
        settings.FACEBOOK_PAGE_TOKEN,
        settings.FACEBOOK_APP_SECRET,
        settings.FACEBOOK_VERIFY_TOKEN,
    ):
        if secret:
            text = text.replace(secret, "[secret]")
    return text
