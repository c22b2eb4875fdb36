"""What the live-queue page reads."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from exdesk.accounts.choices import ANSWERS_CUSTOMERS
from exdesk.accounts.models import Team, User
from exdesk.conversations.models import Conversation

from . import engine, services


@dataclass
class Waiting:
    position: int
    conversation: Conversation
    skill: str


@dataclass
class Desk:
    agent: User
    chats: int
    tickets: int


def live_queue() -> list[Waiting]:
    """Waiting conversations in the order routing offers them."""
    work = sorted(services.waiting_snapshot(), key=engine.queue_order)
    from exdesk.sla.selectors import with_next_deadline

    rows = with_next_deadline(
        Conversation.objects.select_related("customer", "team", "routing_pin__agent")
    )
    by_id = rows.in_bulk([w.id for w in work])
    return [
        Waiting(position, by_id[w.id], w.skill)
        for position, w in enumerate(work, start=1)
        if w.id in by_id
    ]


def desks() -> list[Desk]:
    """Online agents and what they hold."""
    snapshot = {a.id: a for a in services.agents_snapshot()}
    agents = User.objects.filter(pk__in=snapshot).order_by("username")
    return [Desk(u, snapshot[u.pk].chats, snapshot[u.pk].tickets) for u in agents]


def pin_targets() -> tuple[QuerySet[User], QuerySet[Team]]:
    agents = User.objects.filter(is_active=True, role__in=ANSWERS_CUSTOMERS).order_by("username")
    return agents, Team.objects.order_by("name")


def conversation(user: User, pk: int) -> Conversation | None:
    """A conversation the supervisor may pin: one they can see."""
    from exdesk.conversations.selectors import visible_conversations

    return visible_conversations(user).filter(pk=pk).first()
