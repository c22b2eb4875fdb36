"""The automatic review of a solved conversation, run by the task queue: the rules on its
public messages, the guard's refused requests for secrets, and its SLA targets. An
auto-fail makes the score zero and alerts the QA reviewers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from exdesk.accounts.choices import Role
from exdesk.accounts.models import User
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Conversation, Event

from . import rules
from .models import AutoFlag, AutoReview, FlagKind

# Points a flag takes from 100; the auto-fail kinds take everything.
WEIGHTS: dict[str, int] = {
    FlagKind.MISSING_RISK_WARNING: 25,
    FlagKind.NO_ANSWER: 25,
    FlagKind.RUDE_TONE: 20,
    FlagKind.SLOW_FIRST_RESPONSE: 10,
    FlagKind.SLOW_RESOLUTION: 10,
}
AUTO_FAIL = {FlagKind.SECRET_REQUEST, FlagKind.BLOCKED_SECRET_REQUEST, *rules.AUTO_FAIL}


def review_conversation(conversation_id: int, now=None) -> AutoReview | None:
    """Review (again) one solved conversation; training drills are not reviewed."""
    from exdesk.assistant.models import GuardDirection, GuardRecord
    from exdesk.sla.models import Metric, SlaClock

    now = now or timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None or conversation.training or conversation.solved_at is None:
            return None
        events = list(
            conversation.events.filter(
                kind__in=[EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_REPLY]
            ).order_by("seq")
        )
        messages = [
            rules.Message("customer" if e.kind == EventKind.CUSTOMER_MESSAGE else "agent", e.body)
            for e in events
        ]
        found: list[tuple[str, Event | None, str]] = [
            (flag.kind, events[flag.message], flag.detail)
            for flag in rules.review(messages, compliance=conversation.restricted)
        ]
        for excerpt in GuardRecord.objects.filter(
            conversation=conversation, direction=GuardDirection.AGENT
        ).values_list("excerpt", flat=True):
            found.append((FlagKind.BLOCKED_SECRET_REQUEST, None, excerpt[:200]))
        missed = SlaClock.objects.filter(conversation=conversation, breached_at__isnull=False)
        for metric in set(missed.values_list("metric", flat=True)):
            if metric == Metric.FIRST_RESPONSE:
                found.append((FlagKind.SLOW_FIRST_RESPONSE, None, ""))
            elif metric == Metric.RESOLUTION:
                found.append((FlagKind.SLOW_RESOLUTION, None, ""))
        kinds = {kind for kind, _e, _d in found}
        failed = bool(kinds & AUTO_FAIL)
        score = 0 if failed else max(0, 100 - sum(WEIGHTS.get(k, 0) for k, _e, _d in found))
        AutoReview.objects.filter(conversation=conversation).delete()
        review = AutoReview.objects.create(
            conversation=conversation, score=score, auto_failed=failed, reviewed_at=now
        )
        AutoFlag.objects.bulk_create(
            AutoFlag(review=review, kind=kind, event=event, detail=detail[:200])
            for kind, event, detail in found
        )
        if failed:
            _alert_qa(conversation, sorted(kinds & AUTO_FAIL))
    return review


def _alert_qa(conversation: Conversation, kinds: list[str]) -> None:
    from exdesk.sla.services import notify

    reviewers = User.objects.filter(is_active=True, role=Role.QA_REVIEWER)
    notify(reviewers, conversation, "qa_auto_fail", ", ".join(kinds)[:80])


def review_missed(limit: int = 500) -> int:
    """Solved conversations the queue has not reviewed yet (a queue outage at solving)."""
    from django.db.models import F, Q

    waiting = (
        Conversation.objects.filter(solved_at__isnull=False, training=False)
        .filter(Q(auto_review__isnull=True) | Q(auto_review__reviewed_at__lt=F("solved_at")))
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for pk in list(waiting):
        count += review_conversation(pk) is not None
    return count
