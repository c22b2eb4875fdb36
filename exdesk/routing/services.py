"""Who is online to answer, and where a waiting chat stands.

The full router (skills, capacity, SLA order) builds on these; for now a chat waits in
arrival order and agents take it from the inbox.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.choices import ANSWERS_CUSTOMERS
from exdesk.accounts.models import User
from exdesk.conversations.choices import Channel, Status
from exdesk.conversations.models import Conversation

from .models import AgentPresence, ConsoleConnection, PresenceStatus

# A console socket refreshes itself every HEARTBEAT; one silent for STALE (its process was
# killed, its network cut) no longer keeps its agent online.
HEARTBEAT = dt.timedelta(seconds=30)
STALE = dt.timedelta(seconds=90)
DEFAULT_FIRST_RESPONSE = dt.timedelta(minutes=2)
RECENT_CHATS = 50


# ---------------------------------------------------------------- presence


def presence_of(user: User) -> str:
    presence = AgentPresence.objects.filter(user=user).first()
    return presence.status if presence else PresenceStatus.OFFLINE


def set_presence(user: User, status: str) -> str:
    if status not in PresenceStatus.values:
        raise ValidationError({"status": _("Unknown presence.")})
    AgentPresence.objects.update_or_create(user=user, defaults={"status": status})
    return status


def connect(user: User, channel_name: str) -> None:
    ConsoleConnection.objects.update_or_create(
        channel_name=channel_name, defaults={"user": user, "seen_at": timezone.now()}
    )


def heartbeat(channel_name: str) -> None:
    ConsoleConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def disconnect(channel_name: str) -> None:
    """The socket went: the agent stays online only through another live socket."""
    ConsoleConnection.objects.filter(channel_name=channel_name).delete()
    ConsoleConnection.objects.filter(seen_at__lt=timezone.now() - STALE).delete()


def online_agents() -> QuerySet[User]:
    live = timezone.now() - STALE
    return User.objects.filter(
        is_active=True,
        role__in=ANSWERS_CUSTOMERS,
        presence__status=PresenceStatus.ONLINE,
        console_connections__seen_at__gte=live,
    ).distinct()


# ---------------------------------------------------------------- availability


def within_chat_hours(now: dt.datetime | None = None) -> bool:
    hours = (settings.CHAT_HOURS or "24/7").strip()
    if hours == "24/7":
        return True
    start_text, end_text = hours.split("-")
    start = dt.time.fromisoformat(start_text.strip())
    end = dt.time.fromisoformat(end_text.strip())
    local = timezone.localtime(now or timezone.now()).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # a night shift across midnight


def availability() -> tuple[bool, str | None]:
    """Whether a person can answer a chat now, and if not, why."""
    if not within_chat_hours():
        return False, "closed_hours"
    if not online_agents().exists():
        return False, "no_agents"
    return True, None


# ---------------------------------------------------------------- queue


def waiting_chats() -> QuerySet[Conversation]:
    """Chats nobody has taken or answered yet, oldest first."""
    return Conversation.objects.filter(
        channel=Channel.CHAT,
        status=Status.NEW,
        assignee__isnull=True,
        first_response_at__isnull=True,
    ).order_by("created_at", "id")


def typical_first_response() -> dt.timedelta:
    """Mean first-response time of the latest answered chats."""
    recent = list(
        Conversation.objects.filter(channel=Channel.CHAT, first_response_at__isnull=False)
        .order_by("-first_response_at")
        .values_list("created_at", "first_response_at")[:RECENT_CHATS]
    )
    if not recent:
        return DEFAULT_FIRST_RESPONSE
    total = sum(((answered - opened) for opened, answered in recent if answered), dt.timedelta())
    return total / len(recent)


def queue_status(conversation: Conversation) -> dict | None:
    """``{"position", "wait_seconds"}`` while the chat waits for its first agent."""
    waiting = waiting_chats()
    if not waiting.filter(pk=conversation.pk).exists():
        return None
    ahead = waiting.filter(created_at__lt=conversation.created_at).count()
    position = ahead + 1
    agents = max(1, online_agents().count())
    rounds = math.ceil(position / agents)
    wait = typical_first_response() * rounds
    return {"position": position, "wait_seconds": int(wait.total_seconds())}
