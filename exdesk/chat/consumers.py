"""The customer's chat socket (``/ws/chat/``), and a bare relay for benchmarks."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from exdesk.conversations import live
from exdesk.conversations import services as conversations
from exdesk.core.sockets import (
    CLOSE_REFUSED,
    CLOSE_TOO_MANY,
    AddressWindow,
    FrameError,
    JsonSocket,
    as_int,
    client_address,
    db,
    origin_allowed,
    security_log,
)
from exdesk.incidents.live import NOTICE_GROUP
from exdesk.quality.feedback import record_bot_feedback, record_feedback
from exdesk.routing import services as routing

from . import services
from .services import Refused

LANGUAGES = {"en": "en", "zh-hans": "zh-hans", "zh-cn": "zh-hans", "zh": "zh-hans"}
connections_per_address = AddressWindow()
messages_per_address = AddressWindow()


def chat_language(value) -> str:
    return LANGUAGES.get(str(value or "").lower(), "en")


BATCH_MAX = 100


class MessageWriter:
    """Group commit for this process: messages that arrive while a batch is being written
    wait for the next batch, and each batch is one transaction and one trip to the sync
    thread. Under light load a batch holds one message, so nobody waits for a batch to
    fill."""

    def __init__(self):
        self.waiting: list = []
        self.busy = False

    async def write(self, **message):
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((message, future))
        if not self.busy:
            self.busy = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self):
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:BATCH_MAX], self.waiting[BATCH_MAX:]
                try:
                    results = await db(services.send_messages)([m for m, _ in batch])
                except Exception as exc:  # the database itself failed: the whole batch
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.busy = False


_writers: dict[asyncio.AbstractEventLoop, MessageWriter] = {}


def writer() -> MessageWriter:
    """This event loop's writer (one per process in production; tests run several loops)."""
    loop = asyncio.get_running_loop()
    if loop not in _writers:
        _writers.clear()  # a previous loop has ended
        _writers[loop] = MessageWriter()
    return _writers[loop]


class ChatConsumer(JsonSocket):
    frame_types = frozenset(
        {
            "hello",
            "message",
            "typing",
            "read",
            "sync",
            "leave_message",
            "end",
            "rate",
            "bot_feedback",
            "transcript",
        }
    )

    async def connect(self):
        self.address = client_address(self.scope)
        if not origin_allowed(self.scope, settings.CHAT_ALLOWED_ORIGINS):
            security_log.warning("chat socket from a foreign origin refused: %s", self.address)
            await self.close()  # before accepting: the browser sees a failed handshake
            return
        self.visitor: services.Visitor | None = None
        self.seq = 0  # the highest event seq this socket has passed on (or skipped)
        self.group: str | None = None
        await self.accept()
        # Incident banners reach every open widget, before it says hello too.
        await self.channel_layer.group_add(NOTICE_GROUP, self.channel_name)
        limit = settings.CHAT_IP_CONNECTIONS_PER_MINUTE
        if not connections_per_address.allow(self.address, limit):
            await self.send_error("rate_limited", _("Too many connections. Try again soon."))
            await self.close(code=CLOSE_TOO_MANY)

    async def disconnect(self, code):
        await self.channel_layer.group_discard(NOTICE_GROUP, self.channel_name)
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # ------------------------------------------------------------ helpers

    def _visitor(self) -> services.Visitor:
        if self.visitor is None:
            raise FrameError("hello_first", _("Connect to the chat first."))
        return self.visitor

    def _limit(self) -> None:
        self.check_flood(settings.CHAT_MESSAGES_PER_10S)
        if not messages_per_address.allow(self.address, settings.CHAT_IP_MESSAGES_PER_MINUTE):
            raise FrameError(
                "rate_limited",
                _("Too many messages from your network. Wait a minute."),
                retry_after=60,
            )

    async def _join(self) -> None:
        visitor = self._visitor()
        if visitor.conversation_id is not None and self.group is None:
            self.group = live.conversation_group(visitor.conversation_id)
            await self.channel_layer.group_add(self.group, self.channel_name)

    async def _catch_up(self) -> None:
        """Send every event after ``self.seq`` from the database, in order."""
        visitor = self._visitor()
        if visitor.conversation_id is None:
            return
        while True:
            frames, last = await db(live.frames_after)(
                visitor.conversation_id, self.seq, for_staff=False
            )
            for frame in frames:
                await self.send_json(frame)
            if last == self.seq:
                return
            self.seq = last

    # ------------------------------------------------------------ frames from the client

    async def frame_hello(self, frame):
        if self.visitor is not None:
            raise FrameError("bad_frame", _("This chat is already open."))
        self.language = chat_language(frame.get("language"))
        try:
            visitor, conversation = await db(services.open_visitor)(
                token=frame.get("token") or None,
                uid=str(frame.get("uid") or ""),
                given_hash=str(frame.get("user_hash") or ""),
                name=str(frame.get("name") or ""),
                email=str(frame.get("email") or ""),
                language=self.language,
                client_ip=self.address,
            )
        except Refused as exc:
            raise FrameError(exc.code, exc.message, close=CLOSE_REFUSED) from None
        self.visitor = visitor
        self.seq = as_int(frame.get("after"))
        await self._join()
        await self.send_json(await db(services.welcome)(visitor, conversation))
        await self._catch_up()

    async def frame_message(self, frame):
        visitor = self._visitor()
        self._limit()
        attachments = frame.get("attachments") or []
        if not isinstance(attachments, list):
            attachments = []
        event, opened = await writer().write(
            visitor=visitor,
            body=frame.get("body"),
            client_id=frame.get("client_id"),
            upload_keys=attachments,
            context=frame.get("context"),
        )
        ack = {
            "type": "ack",
            "client_id": event.client_id,
            "seq": event.seq,
            "conversation": visitor.conversation_id,
        }
        if opened:
            ack["token"] = visitor.token
        await self.send_json(ack)
        if opened:
            await self._join()
            await self._catch_up()
            queue = await db(_queue_of)(visitor)
            if queue:
                await self.send_json({"type": "queue", **queue})

    async def frame_typing(self, frame):
        visitor = self._visitor()
        if visitor.conversation_id is not None:
            await self.channel_layer.group_send(
                self.group,
                {
                    "type": "conversation.typing",
                    "from": "customer",
                    "name": "",
                    "conversation": visitor.conversation_id,
                    "active": bool(frame.get("active")),
                },
            )

    async def frame_read(self, frame):
        visitor = self._visitor()
        conversation = await db(services.conversation_of)(visitor)
        seq = await db(conversations.do_mark_read)(
            conversation, by_customer=True, seq=frame.get("seq")
        )
        await self.channel_layer.group_send(
            self.group,
            {
                "type": "conversation.read",
                "by": "customer",
                "seq": seq,
                "conversation": visitor.conversation_id,
            },
        )

    async def frame_sync(self, frame):
        self._visitor()
        self.seq = min(self.seq, as_int(frame.get("after"), self.seq))
        await self._catch_up()
        queue = await db(_queue_of)(self.visitor)
        if queue:
            await self.send_json({"type": "queue", **queue})

    async def frame_leave_message(self, frame):
        visitor = self._visitor()
        self._limit()
        conversation = await db(services.leave_message)(
            visitor,
            name=str(frame.get("name") or ""),
            email=str(frame.get("email") or ""),
            body=str(frame.get("body") or ""),
            client_id=frame.get("client_id"),
        )
        await self.send_json(
            {"type": "ack", "client_id": frame.get("client_id"), "seq": 1, "conversation": None}
        )
        await self.send_json({"type": "left_message", "reference": conversation.reference})

    async def frame_end(self, frame):
        visitor = self._visitor()
        conversation = await db(services.conversation_of)(visitor)
        await db(conversations.do_end_chat)(conversation)
        await self._catch_up()

    async def frame_rate(self, frame):
        visitor = self._visitor()
        self._limit()
        conversation = await db(services.conversation_of)(visitor)
        # The widget's rating is the chat's satisfaction survey (quality.feedback).
        await db(record_feedback)(
            conversation,
            score=frame.get("score"),
            comment=str(frame.get("comment") or ""),
            source="widget",
        )
        await self.send_json({"type": "rated"})

    async def frame_bot_feedback(self, frame):
        """ "Did this help?" on one of the bot's answers."""
        visitor = self._visitor()
        self._limit()
        conversation = await db(services.conversation_of)(visitor)
        await db(record_bot_feedback)(
            conversation, frame.get("seq"), frame.get("helpful"), str(frame.get("reason") or "")
        )
        await self.send_json({"type": "bot_feedback_saved", "seq": frame.get("seq")})

    async def frame_transcript(self, frame):
        visitor = self._visitor()
        self._limit()
        try:
            await db(services.send_transcript)(visitor, str(frame.get("email") or ""))
        except Refused as exc:
            raise FrameError(exc.code, exc.message) from None
        await self.send_json({"type": "transcript_sent"})

    # ------------------------------------------------------------ messages from the layer

    async def conversation_event(self, message):
        seq = message["seq"]
        if seq <= self.seq:
            return  # already passed on (read back from the database, or a repeat)
        if seq > self.seq + 1:
            await self._catch_up()  # the layer lost or reordered something: read the gap
            return
        self.seq = seq
        if message.get("customer"):
            await self.send_json(message["customer"])

    async def chat_notice(self, message):
        await self.send_json({"type": "notice", "notice": message["notice"]})

    async def conversation_typing(self, message):
        if message["from"] == "staff":
            await self.send_json(
                {"type": "typing", "name": message["name"], "active": message["active"]}
            )

    async def conversation_read(self, message):
        if message["by"] == "staff":
            await self.send_json({"type": "read", "seq": message["seq"]})


def _queue_of(visitor: services.Visitor) -> dict | None:
    if visitor.conversation_id is None:
        return None
    return routing.queue_status(services.conversation_of(visitor))


class EchoConsumer(AsyncWebsocketConsumer):
    """A bare Channels relay through the same channel layer, no database and none of
    exdesk's code: the framework's own limit, measured beside the real chat by
    benchmarks/chat_load.py."""

    async def connect(self):
        # ?rooms=1,2,3: an agent watching many chats; a customer's first room is its own.
        query = parse_qs(self.scope.get("query_string", b"").decode())
        names = (query.get("rooms") or ["lobby"])[0].split(",")[:1000]
        self.rooms = [f"echo.{name[:40]}" for name in names]
        for room in self.rooms:
            await self.channel_layer.group_add(room, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for room in self.rooms:
            await self.channel_layer.group_discard(room, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            self.rooms[0], {"type": "echo.relay", "text": text_data}
        )

    async def echo_relay(self, message):
        await self.send(text_data=message["text"])
