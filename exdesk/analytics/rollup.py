"""Keeping ConversationFact current: the task queue's sweep (tasks.refresh_facts) reads
what changed since its last run and rewrites those conversations' facts in bulk.

What is counted (docs/analytics.md):
- first response: creation to the first reply of a person (bot answers do not count);
- resolution: creation to the solve; handling: a person's first reply to the solve;
- a transfer: a person moved the case from one agent, or one team, to another;
- a reopen: a solved or closed case became active again;
- contained: the bot answered and no person replied; handed off: a person replied after it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from exdesk.conversations.choices import ACTIVE_STATUSES, PUBLIC_KINDS, EventKind, Status
from exdesk.conversations.models import Conversation, Event

from .models import SLOT_SECONDS, ConversationFact, RollupState

BATCH = 2000
# Rows committed a little after the sweep's start may carry an earlier updated_at: each
# sweep reads this far behind its watermark (rewriting a fact twice changes nothing).
OVERLAP = dt.timedelta(minutes=5)
CLOSED_STATUSES = {Status.SOLVED, Status.CLOSED}
# The assistant's and the guard's triage put a case in its first right place: no transfer.
AUTOMATIC = {"assistant", "guard"}
FACT_FIELDS = [f.name for f in ConversationFact._meta.concrete_fields if f.name != "conversation"]


def slot_of(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // SLOT_SECONDS


def _seconds(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)


def _changes(ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Transfers and reopens per conversation, from its change events."""
    transfers: dict[int, int] = defaultdict(int)
    reopens: dict[int, int] = defaultdict(int)
    rows = Event.objects.filter(
        conversation_id__in=ids,
        kind__in=[EventKind.STATUS_CHANGE, EventKind.ASSIGNMENT_CHANGE, EventKind.TEAM_CHANGE],
    ).values_list("conversation_id", "kind", "data")
    for conversation_id, kind, data in rows.order_by():
        data = data or {}
        if kind == EventKind.STATUS_CHANGE:
            if data.get("from") in CLOSED_STATUSES and data.get("to") in ACTIVE_STATUSES:
                reopens[conversation_id] += 1
        elif data.get("from") and data.get("to") and data.get("by") not in AUTOMATIC:
            transfers[conversation_id] += 1
    return transfers, reopens


def _replies(ids: list[int]) -> dict[int, dict]:
    rows = (
        Event.objects.filter(conversation_id__in=ids)
        .values("conversation_id")
        .order_by()
        .annotate(
            messages=Count("pk", filter=Q(kind__in=PUBLIC_KINDS)),
            human=Count("pk", filter=Q(kind=EventKind.AGENT_REPLY, author_user__isnull=False)),
            bot=Count("pk", filter=Q(kind=EventKind.AGENT_REPLY, author_user__isnull=True)),
            first_human=Min(
                "created_at", filter=Q(kind=EventKind.AGENT_REPLY, author_user__isnull=False)
            ),
        )
    )
    return {row["conversation_id"]: dict(row) for row in rows}


def _sla(ids: list[int]) -> dict[int, bool]:
    from exdesk.sla.models import SlaClock

    rows = (
        SlaClock.objects.filter(conversation_id__in=ids)
        .values("conversation_id")
        .order_by()
        .annotate(breached=Count("pk", filter=Q(breached_at__isnull=False)))
    )
    return {row["conversation_id"]: row["breached"] == 0 for row in rows}


def _scores(ids: list[int]) -> dict[int, int]:
    from exdesk.quality.models import Feedback

    return dict(
        Feedback.objects.filter(conversation_id__in=ids)
        .order_by()
        .values_list("conversation_id", "score")
    )


def facts_for(ids: Iterable[int], now: dt.datetime | None = None) -> list[ConversationFact]:
    """Fresh facts of these conversations (training ones have none)."""
    now = now or timezone.now()
    ids = list(ids)
    conversations = (
        Conversation.objects.filter(pk__in=ids, training=False)
        .order_by()
        .values(
            "pk",
            "created_at",
            "channel",
            "language",
            "intent",
            "team_id",
            "assignee_id",
            "customer__vip_tier",
            "status",
            "first_response_at",
            "solved_at",
            "rating",
        )
    )
    replies = _replies(ids)
    transfers, reopens = _changes(ids)
    sla = _sla(ids)
    scores = _scores(ids)
    facts = []
    for c in conversations:
        pk = c["pk"]
        counted = replies.get(pk, {})
        human, bot = counted.get("human", 0), counted.get("bot", 0)
        solved = c["status"] in CLOSED_STATUSES
        solved_at = c["solved_at"] if solved else None
        facts.append(
            ConversationFact(
                conversation_id=pk,
                created_at=c["created_at"],
                created_slot=slot_of(c["created_at"]),
                channel=c["channel"],
                language=c["language"],
                intent=c["intent"] or "",
                team_id=c["team_id"],
                agent_id=c["assignee_id"],
                vip_tier=c["customer__vip_tier"] or 0,
                status=c["status"],
                open=c["status"] in ACTIVE_STATUSES,
                messages=counted.get("messages", 0),
                first_response_seconds=_seconds(c["created_at"], c["first_response_at"]),
                resolution_seconds=_seconds(c["created_at"], solved_at),
                handling_seconds=_seconds(counted.get("first_human"), solved_at),
                solved_at=solved_at,
                sla_met=sla.get(pk),
                bot_answered=bot > 0,
                handed_off=bot > 0 and human > 0,
                contained=bot > 0 and human == 0 and solved,
                transfers=min(transfers.get(pk, 0), 32767),
                reopens=min(reopens.get(pk, 0), 32767),
                csat=scores.get(pk, c["rating"]),
                refreshed_at=now,
            )
        )
    return facts


def refresh(ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Rewrite the facts of these conversations; returns how many were written."""
    ids = list(ids)
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        facts = facts_for(chunk, now)
        with transaction.atomic():
            ConversationFact.objects.bulk_create(
                facts,
                update_conflicts=True,
                unique_fields=["conversation"],
                update_fields=FACT_FIELDS,
            )
            # A conversation that became a drill (or is one) has no facts.
            kept = {fact.conversation_id for fact in facts}
            ConversationFact.objects.filter(conversation_id__in=set(chunk) - kept).delete()
        written += len(facts)
    return written


def changed_since(since: dt.datetime) -> set[int]:
    """Conversations whose facts may have changed since ``since``."""
    from exdesk.quality.models import Feedback
    from exdesk.sla.models import SlaClock

    ids = set(
        Conversation.objects.filter(updated_at__gte=since).order_by().values_list("pk", flat=True)
    )
    ids.update(
        Feedback.objects.filter(updated_at__gte=since)
        .order_by()
        .values_list("conversation_id", flat=True)
    )
    ids.update(
        SlaClock.objects.filter(breached_at__gte=since)
        .order_by()
        .values_list("conversation_id", flat=True)
    )
    return ids


SWEEP = "facts"


def sweep(now: dt.datetime | None = None) -> int:
    """The periodic rollup: refresh what changed since the last sweep (all of it the
    first time). Returns how many facts were written."""
    now = now or timezone.now()
    state = RollupState.objects.filter(name=SWEEP).first()
    if state is None:
        ids = set(Conversation.objects.order_by().values_list("pk", flat=True))
    else:
        ids = changed_since(state.watermark - OVERLAP)
    written = refresh(sorted(ids), now)
    RollupState.objects.update_or_create(name=SWEEP, defaults={"watermark": now})
    return written
