"""Request and response signatures of the exchange connector (docs/exchange-connector.md).

Both sides share one secret. exdesk signs every request; the exchange checks the signature,
the timestamp's age and that the nonce is new, and signs its answer bound to the request's
nonce, so neither a replayed request nor a forged answer is accepted. Plain functions on
plain values: the client, the sandbox exchange and an exchange's own implementation (in any
language) compute the same strings.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

VERSION = "v1"
# A request older or newer than this is refused, and nonces are remembered this long.
MAX_AGE_SECONDS = 300

KEY_HEADER = "X-Exdesk-Key"
TIMESTAMP_HEADER = "X-Exdesk-Timestamp"
NONCE_HEADER = "X-Exdesk-Nonce"
SIGNATURE_HEADER = "X-Exdesk-Signature"
RESPONSE_TIMESTAMP_HEADER = "X-Exchange-Timestamp"
RESPONSE_SIGNATURE_HEADER = "X-Exchange-Signature"


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _mac(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def request_signature(
    secret: str, *, timestamp: str, nonce: str, method: str, path: str, body: bytes
) -> str:
    """``path`` is the URL path with its query string, exactly as sent."""
    text = "\n".join([timestamp, nonce, method.upper(), path, body_digest(body)])
    return _mac(secret, text)


def response_signature(
    secret: str, *, timestamp: str, request_nonce: str, status: int, body: bytes
) -> str:
    text = "\n".join([timestamp, request_nonce, str(status), body_digest(body)])
    return _mac(secret, text)


def sign_request(
    key_id: str, secret: str, method: str, path: str, body: bytes, *, now: float | None = None
) -> dict[str, str]:
    """The headers that sign one request."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    signature = request_signature(
        secret, timestamp=timestamp, nonce=nonce, method=method, path=path, body=body
    )
    return {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature,
    }


def sign_response(
    secret: str, request_nonce: str, status: int, body: bytes, *, now: float | None = None
) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    signature = response_signature(
        secret, timestamp=timestamp, request_nonce=request_nonce, status=status, body=body
    )
    return {RESPONSE_TIMESTAMP_HEADER: timestamp, RESPONSE_SIGNATURE_HEADER: signature}


@dataclass(frozen=True)
class Refusal:
    """Why a signed request was refused: the ``error`` code the exchange answers with."""

    code: str  # "missing_signature" | "unknown_key" | "stale_timestamp" | "bad_signature"


def check_request(
    secrets_by_key: Mapping[str, str],
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    *,
    now: float | None = None,
) -> Refusal | None:
    """None when the signature is good and fresh. The nonce's novelty is the caller's to
    check: it needs storage (the sandbox keeps nonces in its database). Header names are
    matched without regard to case."""
    get = {k.lower(): v for k, v in headers.items()}.get
    key_id, timestamp, nonce, signature = (
        get(KEY_HEADER.lower()),
        get(TIMESTAMP_HEADER.lower()),
        get(NONCE_HEADER.lower()),
        get(SIGNATURE_HEADER.lower()),
    )
    if not (key_id and timestamp and nonce and signature):
        return Refusal("missing_signature")
    secret = secrets_by_key.get(key_id)
    if not secret:
        return Refusal("unknown_key")
    if not timestamp.isdigit() or len(nonce) > 64:
        return Refusal("bad_signature")
    current = now if now is not None else time.time()
    if abs(current - int(timestamp)) > MAX_AGE_SECONDS:
        return Refusal("stale_timestamp")
    expected = request_signature(
        secret, timestamp=timestamp, nonce=nonce, method=method, path=path, body=body
    )
    if not hmac.compare_digest(expected, signature):
        return Refusal("bad_signature")
    return None


def check_response(
    secret: str,
    request_nonce: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
) -> bool:
    get = {k.lower(): v for k, v in headers.items()}.get
    timestamp = get(RESPONSE_TIMESTAMP_HEADER.lower())
    signature = get(RESPONSE_SIGNATURE_HEADER.lower())
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    current = now if now is not None else time.time()
    if abs(current - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = response_signature(
        secret, timestamp=timestamp, request_nonce=request_nonce, status=status, body=body
    )
    return hmac.compare_digest(expected, signature)
