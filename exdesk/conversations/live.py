"""The live stream of conversations: what is published after commit, and how a client
that missed something reads it back (docs/chat-protocol.md).

The database is the truth; the channel layer only rings the bell. Every frame a client
gets is built here from stored events, for one of two audiences: the customer (public
messages and a few plain-language system lines) or staff (everything).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache

from channels.layers import get_channel_layer
from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from exdesk.accounts.models import User

from .choices import EventKind, Status
from .models import Conversation, Event

logger = logging.getLogger(__name__)

INBOX_GROUP = "inbox"
ENDED = {Status.SOLVED, Status.CLOSED}
# Events that change what an inbox shows, not just one timeline.
INBOX_KINDS: dict[str, str] = {
    EventKind.ASSIGNMENT_CHANGE: "assigned",
    EventKind.STATUS_CHANGE: "status",
    EventKind.TEAM_CHANGE: "team",
    EventKind.CHANNEL_CHANGE: "channel",
}


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


# ---------------------------------------------------------------- frames


def _names(usernames: set[str]) -> dict[str, str]:
    return {u.username: u.display_name for u in User.objects.filter(username__in=usernames)}


def _customer_kind(event: Event) -> str | None:
    """How the customer sees an event, or None when it is staff-only."""
    if event.kind in (EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_REPLY):
        return event.kind
    if event.kind == EventKind.INCIDENT_UPDATE:
        return EventKind.AGENT_REPLY  # support's word on the incident, like a reply
    if event.kind == EventKind.ASSIGNMENT_CHANGE:
        return "agent_joined" if event.data.get("to") else "agent_left"
    if event.kind == EventKind.STATUS_CHANGE:
        if event.data.get("to") in ENDED:
            return "chat_ended"
        if event.data.get("from") in ENDED:
            return "reopened"
    return None


def _author(event: Event, names: dict[str, str]) -> str:
    if event.kind == EventKind.ASSIGNMENT_CHANGE:
        username = event.data.get("to") or event.data.get("from") or ""
        return names.get(username, username)
    if event.author_user is not None:
        return event.author_user.display_name
    if event.data.get("bot"):
        return event.data.get("author", "")
    if event.author_customer is not None:
        return str(event.author_customer)
    return ""


def _attachments(event: Event, for_staff: bool, token: str) -> list[dict]:
    if not getattr(event, "may_have_files", True):
        return []
    items = []
    for attachment in event.attachments.all():
        if for_staff:
            url = reverse("conversations:attachment", args=[attachment.pk])
        else:
            url = reverse("portal:track_attachment", args=[token, attachment.pk])
        items.append(
            {
                "name": attachment.original_name,
                "url": url,
                "type": attachment.content_type,
                "size": attachment.size,
            }
        )
    return items


def is_restricted(event: Event) -> bool:
    """Only compliance officers are sent this event: a note written on a compliance case,
    or anything on a conversation that is one now."""
    return bool(event.data.get("restricted")) or bool(event.conversation.restricted)


def frames(events: list[Event], *, for_staff: bool, hide_restricted: bool = False) -> list[dict]:
    """``event`` frames for these events (one conversation's, in seq order), skipping what
    the audience may not see."""
    usernames = {
        name
        for e in events
        if e.kind == EventKind.ASSIGNMENT_CHANGE
        for name in (e.data.get("to"), e.data.get("from"))
        if name
    }
    names = _names(usernames) if usernames else {}
    result = []
    for event in events:
        kind = event.kind if for_staff else _customer_kind(event)
        if kind is None or (hide_restricted and is_restricted(event)):
            continue
        frame = {
            "type": "event",
            "conversation": event.conversation_id,
            "seq": event.seq,
            "kind": kind,
            "body": event.body,
            "author": _author(event, names),
            "at": event.created_at.isoformat(),
            "client_id": event.client_id,
            "attachments": _attachments(event, for_staff, event.conversation.tracking_token),
        }
        if for_staff:
            frame["data"] = event.data
        else:
            if event.data.get("article"):
                frame["article"] = event.data["article"]  # the bot's answer links its article
            if event.data.get("bot"):
                frame["bot"] = True  # the widget asks whether it helped
        result.append(frame)
    return result


def events_after(conversation_id: int, after: int, limit: int = 500) -> list[Event]:
    return list(
        Event.objects.filter(conversation_id=conversation_id, seq__gt=after)
        .select_related("author_user", "author_customer", "conversation")
        .prefetch_related("attachments")
        .order_by("seq")[:limit]
    )


def frames_after(
    conversation_id: int, after: int, *, for_staff: bool, hide_restricted: bool = False
) -> tuple[list[dict], int]:
    """What a client missed after ``after``, for its audience, and the last seq read
    (staff-only events move it too, so a customer is not sent them again)."""
    events = events_after(conversation_id, after)
    last = events[-1].seq if events else after
    return frames(events, for_staff=for_staff, hide_restricted=hide_restricted), last


def watch_positions(
    conversation_ids: list[int], starts: dict[int, int]
) -> tuple[dict[int, int], list[dict]]:
    """Where a console starts in each conversation it watches: after the seq it names in
    ``starts`` (then with the staff frames it missed), else after the newest event."""
    newest = dict(
        Event.objects.filter(conversation_id__in=[c for c in conversation_ids if c not in starts])
        .values("conversation_id")
        .annotate(last=Max("seq"))
        .values_list("conversation_id", "last")
    )
    positions = {cid: newest.get(cid, 0) for cid in conversation_ids if cid not in starts}
    missed: list[dict] = []
    for conversation_id, start in starts.items():
        while True:
            frames_out, last = frames_after(conversation_id, start, for_staff=True)
            missed += frames_out
            if last == start:
                break
            start = last
        positions[conversation_id] = start
    return positions, missed


def last_seq(conversation_id: int) -> int:
    event = Event.objects.filter(conversation_id=conversation_id).order_by("-seq").first()
    return event.seq if event else 0


# ---------------------------------------------------------------- publishing

# The event loop of this process's ASGI server, when there is one: events committed on
# its sync thread are handed to the in-memory layer there.
_server_loop: asyncio.AbstractEventLoop | None = None


def serve_from(loop: asyncio.AbstractEventLoop) -> None:
    global _server_loop
    _server_loop = loop


@lru_cache(maxsize=1)
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)


def send_to_group(group: str, message: dict) -> None:
    """Publish to a channel-layer group from sync code (a view, a task, the CLI)."""
    layer = get_channel_layer()
    if layer is None:
        return
    if settings.REDIS_URL:
        # One PUBLISH, as RedisPubSubChannelLayer.group_send does, without a hop to the
        # event loop: this works the same from a web process, a task or the CLI.
        prefix = settings.REDIS_PREFIX
        _redis().publish(f"{prefix}__group__{group}", layer.serialize(message))
        return
    loop = _server_loop
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(lambda: loop.create_task(layer.group_send(group, message)))


def publish_event(event: Event) -> None:
    """Ring the bell for a committed event. Losing this message loses nothing: clients
    read gaps back from the database."""
    try:
        staff = frames([event], for_staff=True)[0]
        customer = frames([event], for_staff=False)
        message = {
            "type": "conversation.event",
            "conversation": event.conversation_id,
            "seq": event.seq,
            "staff": staff,
            "customer": customer[0] if customer else None,
            "restricted": is_restricted(event),
        }
        send_to_group(conversation_group(event.conversation_id), message)
        reason = "new" if event.seq == 1 else INBOX_KINDS.get(event.kind)
        if reason:
            conversation = event.conversation
            send_to_group(
                INBOX_GROUP,
                {
                    "type": "inbox.changed",
                    "reason": reason,
                    "conversation": event.conversation_id,
                    "channel": conversation.channel,
                    "team": conversation.team_id,
                    "assignee": conversation.assignee_id,
                },
            )
    except Exception:  # a bell that does not ring must not undo a committed change
        logger.warning("could not publish event %s", event.pk, exc_info=True)


def publish_ephemeral(conversation: Conversation | int, message: dict) -> None:
    """Typing and read receipts: relayed, never stored."""
    conversation_id = conversation if isinstance(conversation, int) else conversation.pk
    try:
        send_to_group(conversation_group(conversation_id), message)
    except Exception:
        logger.warning("could not relay %s", message.get("type"), exc_info=True)
