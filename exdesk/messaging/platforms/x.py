"""X direct messages: the Account Activity API's webhook in, the v2 DM API out.

X proves the webhook is ours with a CRC challenge and signs each event POST, both with
HMAC-SHA256 under the app's consumer secret; the sender's user id is the identity.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from exdesk.conversations.models import Event

from ..models import ChannelIdentity
from ..services import DeliveryFailed, reply_text
from .common import as_dict as _dict
from .common import as_list as _list
from .common import json_of as _json
from .common import split_text

SIGNATURE_HEADER = "X-Twitter-Webhooks-Signature"
MAX_TEXT = 10_000  # the DM API refuses longer texts
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# 401: the bearer token is the desk's configuration, which an operator can renew while
# the reply is still retrying; the others clear by themselves.
TEMPORARY_STATUSES = {401, 408, 409, 425, 429}


def configured() -> bool:
    return bool(settings.X_CONSUMER_SECRET)


def _digest(data: bytes) -> str:
    key = settings.X_CONSUMER_SECRET.encode()
    return "sha256=" + base64.b64encode(hmac.new(key, data, hashlib.sha256).digest()).decode()


def crc_response(crc_token: str) -> dict[str, str]:
    """The answer to X's challenge-response check of the webhook."""
    return {"response_token": _digest(crc_token.encode())}


def signature(body: bytes) -> str:
    """``sha256=`` + base64 HMAC-SHA256(consumer secret, raw body): what X sends."""
    return _digest(body)


def signature_ok(body: bytes, given: str) -> bool:
    return bool(given) and hmac.compare_digest(signature(body).encode(), given.encode())


# ---------------------------------------------------------------- in


def messages(payload: dict) -> Iterator[dict[str, Any]]:
    """Keyword arguments for ``services.receive_platform_message``, one set per DM a
    person sent the account. X delivers the account's own DMs too (our replies): they
    are skipped, or every reply would come back as a customer message."""
    account = str(payload.get("for_user_id") or "")
    users = _dict(payload.get("users"))
    for raw in _list(payload.get("direct_message_events")):
        event = _dict(raw)
        created = _dict(event.get("message_create"))
        sender = str(created.get("sender_id") or "")
        if event.get("type") != "message_create" or not sender or sender == account:
            continue
        user = _dict(users.get(sender))
        yield {
            "external_id": sender,
            "update_key": str(event.get("id") or ""),
            "text": str(_dict(created.get("message_data")).get("text") or ""),
            "handle": str(user.get("screen_name") or ""),
            "display_name": str(user.get("name") or ""),
        }


# ---------------------------------------------------------------- out


def send(identity: ChannelIdentity, event: Event) -> str:
    """Send a reply as DMs to the person; the id of the first."""
    if not settings.X_BEARER_TOKEN:
        raise DeliveryFailed("X is not configured to send (no bearer token)")
    url = (
        f"{settings.X_API_URL.rstrip('/')}/2/dm_conversations/with/"
        f"{quote(identity.external_id, safe='')}/messages"
    )
    ids = [_send_part(url, part) for part in split_text(reply_text(event), MAX_TEXT)]
    return ids[0]


def _send_part(url: str, text: str) -> str:
    headers = {"Authorization": f"Bearer {settings.X_BEARER_TOKEN}"}
    try:
        response = httpx.post(url, json={"text": text}, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        # The error's type only, and no chained exception: nothing of the request leaks.
        raise DeliveryFailed(f"X API unreachable ({type(error).__name__})") from None
    if not response.is_success:
        raise _failure(response)
    # Taken: even without an id in the answer, sending again would repeat the message.
    return str(_dict(_json(response).get("data")).get("dm_event_id") or "")


def _failure(response: httpx.Response) -> DeliveryFailed:
    status = response.status_code
    answer = _json(response)
    first_error = _dict((_list(answer.get("errors")) or [{}])[0])
    detail = answer.get("detail") or first_error.get("message") or response.reason_phrase
    permanent = 400 <= status < 500 and status not in TEMPORARY_STATUSES
    return DeliveryFailed(
        f"X API {status}: {_without_secrets(str(detail))[:200]}", permanent=permanent
    )


def _without_secrets(text: str) -> str:
    for secret in (settings.X_BEARER_TOKEN, settings.X_CONSUMER_SECRET):
        if secret:
            text = text.replace(secret, "[secret]")
    return text
