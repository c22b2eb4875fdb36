"""A Python client of the chat protocol (docs/chat-protocol.md), used by the integration
tests and benchmarks/chat_load.py. It keeps the protocol's client-side promises: a
message stays pending until acknowledged and is sent again after a reconnect, in order;
a reconnect resumes after the last ``seq`` seen."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from urllib.parse import urlsplit

import websockets
from websockets.exceptions import ConnectionClosed


def socket_url(base_url: str, path: str) -> str:
    parts = urlsplit(base_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}{path}"


class Socket:
    """One WebSocket with a reader task; frames land in ``frames`` for whoever waits."""

    path = ""

    def __init__(self, base_url: str, *, origin: str | None = None, cookie: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.origin = origin or self.base_url
        self.cookie = cookie
        self.ws = None
        self.frames: asyncio.Queue = asyncio.Queue()
        self.reader: asyncio.Task | None = None
        self.closed = asyncio.Event()
        self.close_code: int | None = None

    async def open(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.ws = await websockets.connect(
            socket_url(self.base_url, self.path),
            origin=self.origin,
            additional_headers=headers,
            open_timeout=10,
            max_size=2**22,
            ping_interval=None,
        )
        self.closed.clear()
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        ws = self.ws
        try:
            async for text in ws:
                frame = json.loads(text)
                self.on_frame(frame)
                self.frames.put_nowait(frame)
        except ConnectionClosed:
            pass
        finally:
            self.close_code = ws.close_code
            self.closed.set()

    def on_frame(self, frame: dict) -> None:
        """Bookkeeping before anyone sees the frame."""

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def next(self, kind: str | None = None, timeout: float = 10, where=None) -> dict:
        """The next frame of ``kind`` (others are skipped) that satisfies ``where``."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.frames.get()
                if (kind is None or frame["type"] == kind) and (where is None or where(frame)):
                    return frame

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader


class Visitor(Socket):
    """The widget's side: the customer."""

    path = "/ws/chat/"

    def __init__(self, base_url: str, *, language="en", uid="", user_hash="", **kwargs):
        super().__init__(base_url, **kwargs)
        self.language, self.uid, self.user_hash = language, uid, user_hash
        self.token: str | None = None
        self.conversation: int | None = None
        self.last_seq = 0
        self.events: dict[int, dict] = {}  # seq -> event frame, as delivered
        self.delivery_order: list[int] = []
        self.repeats = 0
        self.welcomes = 0
        self.pending: dict[str, dict] = {}  # client_id -> message frame, in send order
        self.acked: dict[str, int] = {}  # client_id -> seq

    def on_frame(self, frame: dict) -> None:
        if frame["type"] == "welcome":
            self.welcomes += 1
            self.token = frame["token"] or self.token
            self.conversation = frame["conversation"] or self.conversation
        elif frame["type"] == "ack":
            self.pending.pop(frame["client_id"], None)
            self.acked[frame["client_id"]] = frame["seq"]
            self.token = frame.get("token") or self.token
            self.conversation = frame.get("conversation") or self.conversation
        elif frame["type"] == "event":
            if frame["seq"] <= self.last_seq:
                # Seen already: a sync asked again for frames that were on their way.
                self.repeats += 1
                return
            self.events[frame["seq"]] = frame
            self.delivery_order.append(frame["seq"])
            self.last_seq = frame["seq"]

    async def hello(self, **extra) -> dict:
        await self.send(
            {
                "type": "hello",
                "token": self.token,
                "after": self.last_seq,
                "language": self.language,
                "uid": self.uid,
                "user_hash": self.user_hash,
                **extra,
            }
        )
        frame = await self.next(where=lambda f: f["type"] in ("welcome", "error"))
        return frame

    async def connect(self, **extra) -> dict:
        await self.open()
        welcome = await self.hello(**extra)
        if welcome["type"] == "welcome":
            for message in list(self.pending.values()):  # re-send, in the original order
                await self.send(message)
        return welcome

    async def say(self, body: str, client_id: str | None = None, **extra) -> str:
        client_id = client_id or uuid.uuid4().hex
        message = {"type": "message", "client_id": client_id, "body": body, **extra}
        self.pending[client_id] = message
        await self.send(message)
        return client_id


class Console(Socket):
    """An agent's console page."""

    path = "/ws/console/"

    def __init__(self, base_url: str, **kwargs):
        super().__init__(base_url, **kwargs)
        self.events: dict[int, dict[int, dict]] = {}  # conversation -> seq -> frame

    def on_frame(self, frame: dict) -> None:
        if frame["type"] == "event":
            self.events.setdefault(frame["conversation"], {})[frame["seq"]] = frame

    async def connect(self, presence: str | None = "online") -> dict:
        await self.open()
        hello = await self.next("hello")
        if presence:
            await self.send({"type": "presence", "status": presence})
            await self.next("presence")
        return hello

    async def watch(self, *conversations: int, after: dict | None = None) -> None:
        await self.send(
            {"type": "watch", "conversations": list(conversations), "after": after or {}}
        )

    async def reply(self, conversation: int, body: str, client_id: str | None = None) -> str:
        client_id = client_id or uuid.uuid4().hex
        await self.send(
            {"type": "reply", "conversation": conversation, "client_id": client_id, "body": body}
        )
        return client_id
