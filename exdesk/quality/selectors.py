"""What the console reads of quality reviews, through the access rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from exdesk.accounts.permissions import reviews_quality

from .models import AutoFlag, AutoReview, Calibration, QaReview, Scorecard


@dataclass
class ReviewView:
    review: AutoReview
    flags: list[AutoFlag]
    # Flags by the message (event id) they point at.
    by_event: dict[int, list[AutoFlag]] = field(default_factory=dict)


def auto_review_for(user, conversation) -> ReviewView | None:
    """The automatic review of ``conversation`` for QA reviewers, supervisors, admins and
    the agent who handled it; None for anyone else or when there is none."""
    if not (reviews_quality(user) or conversation.assignee_id == user.pk):
        return None
    review = AutoReview.objects.filter(conversation=conversation).first()
    if review is None:
        return None
    flags = list(review.flags.select_related("event"))
    by_event: dict[int, list[AutoFlag]] = defaultdict(list)
    for flag in flags:
        if flag.event_id:
            by_event[flag.event_id].append(flag)
    return ReviewView(review, flags, dict(by_event))


def reviews(*, failed_only: bool = False, kind: str = "", limit: int = 200):
    """Reviewed conversations, the newest first, with their flag kinds."""
    found = AutoReview.objects.select_related("conversation", "conversation__assignee")
    if failed_only:
        found = found.filter(auto_failed=True)
    if kind:
        found = found.filter(flags__kind=kind).distinct()
    return found.prefetch_related("flags")[:limit]


def flag_counts(since) -> dict[str, int]:
    rows = (
        AutoFlag.objects.filter(review__reviewed_at__gte=since)
        .values("kind")
        .annotate(n=Count("id"))
    )
    return {row["kind"]: row["n"] for row in rows}


def summary(since) -> dict:
    totals = AutoReview.objects.filter(reviewed_at__gte=since).aggregate(
        reviewed=Count("id"), failed=Count("id", filter=Q(auto_failed=True))
    )
    return {**totals, "flags": flag_counts(since)}


# ---------------------------------------------------------------- QA scorecards


def scorecards():

    return Scorecard.objects.prefetch_related("criteria")


def scorecard(pk) -> Scorecard:
    from django.http import Http404

    found = Scorecard.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404
    return found


def public_messages(conversation) -> list:
    """The customer's and the agents' messages, to score and to point comments at."""
    from exdesk.conversations.choices import PUBLIC_KINDS

    return list(
        conversation.events.filter(kind__in=PUBLIC_KINDS)
        .select_related("author_user")
        .order_by("seq")
    )


def qa_review_for(user, pk: int):
    """A review for its reviewer, the reviewed agent, QA reviewers and team leads."""
    from django.http import Http404

    from exdesk.accounts.permissions import resolves_qa_disputes

    review = (
        QaReview.objects.select_related("conversation", "scorecard", "reviewer", "agent")
        .prefetch_related("scores__criterion", "scores__event")
        .filter(pk=pk)
        .first()
    )
    if review is None or not (
        reviews_quality(user) or resolves_qa_disputes(user) or review.agent_id == user.pk
    ):
        raise Http404
    return review


def qa_reviews_for(user):
    """The reviews ``user`` should see on the QA page: their own as an agent; every
    disputed one for leads; the latest for QA reviewers."""
    from exdesk.accounts.permissions import resolves_qa_disputes

    base = QaReview.objects.select_related("conversation", "reviewer", "agent").filter(
        calibration__isnull=True
    )
    return {
        "mine": list(base.filter(agent=user)[:100]),
        "disputed": list(base.filter(state="disputed")[:100]) if resolves_qa_disputes(user) else [],
        "latest": list(base[:100]) if reviews_quality(user) else [],
    }


def calibration(pk: int):
    from django.http import Http404

    found = Calibration.objects.select_related("conversation", "scorecard").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
