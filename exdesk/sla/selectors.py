"""What the console reads about SLA clocks and staff notifications."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from exdesk.accounts.models import User
from exdesk.conversations.models import Conversation

from .models import SlaClock, StaffNotification


def with_next_deadline(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Annotate each conversation with its nearest running deadline (``sla_due``), that
    clock's warning moment (``sla_warn``) and metric (``sla_metric``): the inbox's
    countdown."""
    nearest = SlaClock.objects.filter(
        conversation=OuterRef("pk"), stopped_at__isnull=True, due_at__isnull=False
    ).order_by("due_at")
    return conversations.annotate(
        sla_due=Subquery(nearest.values("due_at")[:1]),
        sla_warn=Subquery(nearest.values("warn_at")[:1]),
        sla_metric=Subquery(nearest.values("metric")[:1]),
    )


def clocks_of(conversation: Conversation) -> list[SlaClock]:
    """Every clock of the conversation, newest cycle last."""
    return list(conversation.sla_clocks.select_related("policy").order_by("started_at", "id"))


def notifications_of(user: User, limit: int = 100) -> list[StaffNotification]:
    return list(StaffNotification.objects.filter(user=user).select_related("conversation")[:limit])


def unread_notifications(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).count()
