"""What the console reads about SLA clocks and staff notifications."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from exdesk.accounts.models import User
from exdesk.conversations.models import Conversation

from .models import Metric, SlaClock, StaffNotification


def with_next_deadline(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Annotate each conversation with its nearest running deadline (``sla_due``), that
    clock's warning moment (``sla_warn``), metric (``sla_metric``) and breach
    (``sla_breached``): the inbox's countdown."""
    nearest = SlaClock.objects.filter(
        conversation=OuterRef("pk"), stopped_at__isnull=True, due_at__isnull=False
    ).order_by("due_at")
    return conversations.annotate(
        sla_due=Subquery(nearest.values("due_at")[:1]),
        sla_warn=Subquery(nearest.values("warn_at")[:1]),
        sla_metric=Subquery(nearest.values("metric")[:1]),
        sla_breached=Subquery(nearest.values("breached_at")[:1]),
    )


def clocks_of(conversation: Conversation) -> list[SlaClock]:
    """The latest clock of each target (a long conversation has many next-response
    cycles; the page shows where each target stands now)."""
    latest: dict[str, SlaClock] = {}
    for clock in conversation.sla_clocks.order_by("started_at", "id"):
        latest[clock.metric] = clock
    order = {metric: n for n, metric in enumerate(Metric.values)}
    return sorted(latest.values(), key=lambda clock: order[clock.metric])


def notifications_of(user: User, limit: int = 100) -> list[StaffNotification]:
    return list(StaffNotification.objects.filter(user=user).select_related("conversation")[:limit])


def unread_notifications(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).count()
