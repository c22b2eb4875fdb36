"""The agent console's socket (``/ws/console/``): live timelines, inbox changes, presence
(docs/chat-protocol.md)."""

from __future__ import annotations

import asyncio
import contextlib

from django.conf import settings
from django.contrib.auth import get_user
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from exdesk.accounts.models import User
from exdesk.accounts.permissions import sees_all_conversations, sees_compliance_cases
from exdesk.core.sockets import (
    CLOSE_UNAUTHENTICATED,
    FrameError,
    JsonSocket,
    as_int,
    db,
    same_origin,
    security_log,
)
from exdesk.routing import services as routing

from . import live, selectors, services

# Replies and notes an agent may send per 10 seconds on one socket.
AGENT_FRAMES_PER_10S = 50


def verified_staff(session) -> User | None:
    """The signed-in staff member of this session, if they passed the second factor."""
    request = HttpRequest()
    request.session = session
    user = get_user(request)
    if not user.is_authenticated or not user.is_active:
        return None
    device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return user


def _team_ids(user: User) -> set[int]:
    return set(user.teams.values_list("pk", flat=True))


class ConsoleConsumer(JsonSocket):
    frame_types = frozenset(
        {"presence", "watch", "unwatch", "sync", "reply", "note", "typing", "read"}
    )

    async def connect(self):
        self.user = None
        if not same_origin(self.scope):
            security_log.warning("console socket from a foreign origin refused")
            await self.close()
            return
        self.user = await db(verified_staff)(self.scope["session"])
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        self.language = "zh-hans" if chosen.lower().startswith("zh") else "en"
        self.sees_all = sees_all_conversations(self.user)
        # Consoles of everyone else are not sent compliance-case events, even for a
        # conversation they watched before it became one.
        self.hide_restricted = not sees_compliance_cases(self.user)
        self.team_ids = await db(_team_ids)(self.user)
        self.watched: dict[int, int] = {}  # conversation id -> last seq passed on
        await self.accept()
        await db(routing.connect)(self.user, self.channel_name)
        await self.channel_layer.group_add(live.INBOX_GROUP, self.channel_name)
        self.heartbeat = asyncio.get_running_loop().create_task(self._beat())
        await self.send_json(
            {"type": "hello", "presence": await db(routing.presence_of)(self.user)}
        )

    async def disconnect(self, code):
        if self.user is None:
            return
        if hasattr(self, "heartbeat"):
            self.heartbeat.cancel()
        await self.channel_layer.group_discard(live.INBOX_GROUP, self.channel_name)
        for conversation_id in list(getattr(self, "watched", {})):
            await self.channel_layer.group_discard(
                live.conversation_group(conversation_id), self.channel_name
            )
        await db(routing.disconnect)(self.channel_name)

    async def _beat(self):
        while True:
            await asyncio.sleep(routing.HEARTBEAT.total_seconds())
            with contextlib.suppress(Exception):
                await db(routing.heartbeat)(self.channel_name)

    async def _conversation(self, conversation_id):
        try:
            return await db(selectors.access_conversation)(self.user, conversation_id)
        except Http404:
            security_log.warning(
                "console: %s refused conversation %r", self.user.username, conversation_id
            )
            raise FrameError(
                "conversation_refused",
                _("This conversation is not available."),
                conversation=conversation_id,
            ) from None

    async def _catch_up(self, conversation_id: int) -> None:
        while True:
            after = self.watched[conversation_id]
            frames, last = await db(live.frames_after)(
                conversation_id, after, for_staff=True, hide_restricted=self.hide_restricted
            )
            for frame in frames:
                await self.send_json(frame)
            if last == after:
                return
            self.watched[conversation_id] = last

    # ------------------------------------------------------------ frames from the client

    async def frame_presence(self, frame):
        status = await db(routing.set_presence)(self.user, str(frame.get("status") or ""))
        await self.send_json({"type": "presence", "status": status})

    async def frame_watch(self, frame):
        """Watch many conversations with two trips to the database, not three each: a
        console opening with hundreds of chats must not hold up everyone's messages."""
        after = frame.get("after") if isinstance(frame.get("after"), dict) else {}
        wanted = []
        for raw_id in list(frame.get("conversations") or [])[:500]:
            conversation_id = as_int(raw_id)
            if conversation_id not in self.watched and conversation_id not in wanted:
                wanted.append(conversation_id)
        visible = set(await db(selectors.visible_ids)(self.user, wanted))
        for conversation_id in wanted:
            if conversation_id in visible:
                # Join first, read second: nothing committed in between is missed.
                await self.channel_layer.group_add(
                    live.conversation_group(conversation_id), self.channel_name
                )
        starts = {cid: as_int(after[str(cid)]) for cid in visible if str(cid) in after}
        positions, missed = await db(live.watch_positions)(sorted(visible), starts)
        self.watched.update(positions)
        for frame_out in missed:
            await self.send_json(frame_out)
        refused = [cid for cid in wanted if cid not in visible]
        if refused:
            security_log.warning(
                "console: %s refused conversations %r", self.user.username, refused
            )
            raise FrameError(
                "conversation_refused",
                _("This conversation is not available."),
                conversation=refused[0],
            )

    async def frame_unwatch(self, frame):
        for raw_id in list(frame.get("conversations") or []):
            conversation_id = as_int(raw_id)
            if self.watched.pop(conversation_id, None) is not None:
                await self.channel_layer.group_discard(
                    live.conversation_group(conversation_id), self.channel_name
                )

    def _watched_id(self, frame) -> int:
        conversation_id = as_int(frame.get("conversation"))
        if conversation_id not in self.watched:
            raise FrameError(
                "conversation_refused",
                _("Open the conversation first."),
                conversation=conversation_id,
            )
        return conversation_id

    async def frame_sync(self, frame):
        conversation_id = self._watched_id(frame)
        self.watched[conversation_id] = min(
            self.watched[conversation_id], as_int(frame.get("after"), self.watched[conversation_id])
        )
        await self._catch_up(conversation_id)

    async def _write(self, frame, action):
        self.check_flood(AGENT_FRAMES_PER_10S)
        conversation = await self._conversation(self._watched_id(frame))
        event = await db(action)(
            conversation, self.user, str(frame.get("body") or ""), client_id=frame.get("client_id")
        )
        await self.send_json(
            {
                "type": "ack",
                "client_id": event.client_id,
                "conversation": conversation.pk,
                "seq": event.seq,
            }
        )

    async def frame_reply(self, frame):
        await self._write(frame, services.do_reply)

    async def frame_note(self, frame):
        await self._write(frame, services.do_add_note)

    async def frame_typing(self, frame):
        conversation_id = self._watched_id(frame)
        await self.channel_layer.group_send(
            live.conversation_group(conversation_id),
            {
                "type": "conversation.typing",
                "from": "staff",
                "conversation": conversation_id,
                "name": self.user.first_name or self.user.username,
                "active": bool(frame.get("active")),
            },
        )

    async def frame_read(self, frame):
        conversation = await self._conversation(self._watched_id(frame))
        seq = await db(services.do_mark_read)(conversation, by_customer=False, seq=frame.get("seq"))
        await self.channel_layer.group_send(
            live.conversation_group(conversation.pk),
            {
                "type": "conversation.read",
                "by": "staff",
                "conversation": conversation.pk,
                "seq": seq,
            },
        )

    # ------------------------------------------------------------ messages from the layer

    async def conversation_event(self, message):
        conversation_id = message["conversation"]
        last = self.watched.get(conversation_id)
        if last is None or message["seq"] <= last:
            return
        if message["seq"] > last + 1:
            await self._catch_up(conversation_id)
            return
        self.watched[conversation_id] = message["seq"]
        if message.get("restricted") and self.hide_restricted:
            return
        await self.send_json(message["staff"])

    async def conversation_typing(self, message):
        if message["from"] == "customer":
            await self.send_json(
                {
                    "type": "typing",
                    "conversation": message.get("conversation"),
                    "active": message["active"],
                }
            )

    async def conversation_read(self, message):
        if message["by"] == "customer":
            await self.send_json(
                {"type": "read", "conversation": message.get("conversation"), "seq": message["seq"]}
            )

    async def inbox_changed(self, message):
        team, assignee = message.get("team"), message.get("assignee")
        visible = self.sees_all or team is None or team in self.team_ids or assignee == self.user.pk
        if visible:
            await self.send_json(
                {
                    "type": "inbox",
                    "reason": message["reason"],
                    "conversation": message["conversation"],
                    "channel": message.get("channel"),
                    "assignee": assignee,
                }
            )
