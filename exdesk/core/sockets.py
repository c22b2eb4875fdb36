"""What every exdesk WebSocket shares: JSON frames, clear error frames, origin checks and
flood limits (docs/chat-protocol.md)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from urllib.parse import urlsplit

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.http.request import validate_host
from django.utils import translation
from django.utils.translation import gettext as _

from exdesk.conversations import live

security_log = logging.getLogger("exdesk.security")

MAX_FRAME_CHARS = 64 * 1024
CLOSE_REFUSED = 4403
CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_MANY = 4429

db = database_sync_to_async


class FrameError(Exception):
    """A frame the server answers with an ``error`` frame; ``close`` ends the socket."""

    def __init__(self, code: str, message: str, *, close: int | None = None, **extra):
        super().__init__(message)
        self.code, self.message, self.close, self.extra = code, message, close, extra


def header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def same_origin(scope) -> bool:
    """The page was served by exdesk itself (the Host is one we answer to)."""
    origin, host = header(scope, b"origin"), header(scope, b"host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.netloc == host and validate_host(parts.hostname or "", settings.ALLOWED_HOSTS)


def origin_allowed(scope, extra_origins=()) -> bool:
    origin = header(scope, b"origin").rstrip("/")
    return same_origin(scope) or (bool(origin) and origin in extra_origins)


def client_address(scope) -> str:
    # uvicorn fills "client" from the trusted proxy header when FORWARDED_ALLOW_IPS is set.
    client = scope.get("client") or ("", 0)
    return client[0] or "unknown"


class AddressWindow:
    """Counts per client address in fixed one-minute windows, in this process."""

    def __init__(self):
        self.window = 0
        self.counts: dict[str, int] = {}

    def allow(self, address: str, limit: int) -> bool:
        window = int(time.monotonic() // 60)
        if window != self.window:
            self.window, self.counts = window, {}
        self.counts[address] = self.counts.get(address, 0) + 1
        return self.counts[address] <= limit


class JsonSocket(AsyncWebsocketConsumer):
    """Frames in and out are JSON objects with a ``type``; each type has a
    ``frame_<type>`` method. Failures become ``error`` frames, never a silent drop."""

    frame_types: frozenset[str] = frozenset()
    language = "en"

    async def dispatch(self, message):
        # Channels checks old database connections before every event, one hop to the
        # sync thread even when nothing touches the database; exdesk's database calls go
        # through ``db``, which does that check itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_connect(self, message):
        live.serve_from(asyncio.get_running_loop())
        self.sent_times: deque[float] = deque()
        await super().websocket_connect(message)

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, separators=(",", ":")))

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    def check_flood(self, per_10s: int) -> None:
        """At most ``per_10s`` frames that write, per socket, in any 10 seconds."""
        now = time.monotonic()
        while self.sent_times and now - self.sent_times[0] > 10:
            self.sent_times.popleft()
        if len(self.sent_times) >= per_10s:
            retry = max(1, int(10 - (now - self.sent_times[0])) + 1)
            raise FrameError(
                "rate_limited",
                _("You are sending messages too fast. Wait a moment."),
                retry_after=retry,
            )
        self.sent_times.append(now)

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            frame: dict = {}
            try:
                frame = self.parse(text_data)
                await getattr(self, f"frame_{frame['type']}")(frame)
            except FrameError as exc:
                await self._report(exc.code, exc.message, frame, **exc.extra)
                if exc.close:
                    await self.close(code=exc.close)
            except ValidationError as exc:
                field, message = _first_error(exc)
                await self._report("invalid", message, frame, field=field)
            except PermissionDenied as exc:
                await self._report("forbidden", str(exc) or _("Not allowed."), frame)
            except Http404:
                await self._report(
                    "conversation_refused", _("This conversation is not available."), frame
                )

    async def _report(self, code: str, message: str, frame: dict, **extra) -> None:
        if frame.get("client_id") is not None:
            extra["client_id"] = frame["client_id"]
        await self.send_error(code, message, **extra)

    def parse(self, text_data) -> dict:
        if text_data is None:
            raise FrameError("bad_frame", _("Send text frames with JSON objects."))
        if len(text_data) > MAX_FRAME_CHARS:
            raise FrameError("too_large", _("This message is too large."))
        try:
            frame = json.loads(text_data)
        except ValueError:
            raise FrameError("bad_frame", _("Send text frames with JSON objects.")) from None
        if not isinstance(frame, dict) or frame.get("type") not in self.frame_types:
            raise FrameError("bad_frame", _("Unknown kind of frame."))
        return frame


def _first_error(exc: ValidationError) -> tuple[str, str]:
    if hasattr(exc, "error_dict"):
        field, messages = next(iter(exc.message_dict.items()))
        return field, str(messages[0])
    return "", str(exc.messages[0])


def as_int(value, default: int = 0) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return default
