"""QA scorecards: reviewers score sampled conversations against weighted criteria
(auto-fail ones zero the score), comment on exact messages; the agent sees the review and
may dispute it; a team lead settles the dispute; calibration sessions show how far
reviewers differ on the same conversation. A failed criterion that names a lesson gives
it to the agent (training academy)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.choices import RESOLVES_QA_DISPUTES
from exdesk.accounts.models import User
from exdesk.accounts.permissions import resolves_qa_disputes, reviews_quality
from exdesk.conversations.choices import PUBLIC_KINDS
from exdesk.conversations.models import Conversation

from .models import Calibration, Criterion, CriterionScore, QaReview, ReviewState, Scorecard

DISPUTE_WINDOW = dt.timedelta(days=14)
NEW_AGENT_DAYS = 90
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Mark:
    passed: bool | None  # None: the criterion does not apply
    comment: str = ""
    seq: int | None = None  # the message the comment is about


def score_of(criteria: list[Criterion], marks: dict[int, Mark]) -> tuple[int, bool]:
    """(score 0–100, auto-failed): the weighted share of applicable criteria passed."""
    if any(c.auto_fail and marks[c.pk].passed is False for c in criteria):
        return 0, True
    applicable = [c for c in criteria if marks[c.pk].passed is not None]
    total = sum(c.weight for c in applicable)
    if not total:
        return 100, False
    passed = sum(c.weight for c in applicable if marks[c.pk].passed)
    return round(100 * passed / total), False


def scorecards_for(conversation: Conversation):
    return Scorecard.objects.filter(active=True).filter(
        Q(channel="") | Q(channel=conversation.channel)
    )


def submit_review(
    reviewer: User,
    conversation: Conversation,
    scorecard: Scorecard,
    marks: dict[int, Mark],
    *,
    comment: str = "",
    calibration: Calibration | None = None,
    now=None,
) -> QaReview:
    now = now or timezone.now()
    if not reviews_quality(reviewer):
        raise PermissionDenied(_("Only QA reviewers score conversations."))
    if conversation.training or conversation.solved_at is None:
        raise ValidationError(_("Only a solved conversation is reviewed."))
    if conversation.assignee_id == reviewer.pk:
        raise PermissionDenied(_("Nobody reviews their own conversation."))
    criteria = list(scorecard.criteria.all())
    missing = [c for c in criteria if c.pk not in marks]
    if missing or not criteria:
        raise ValidationError(_("Mark every criterion: met, missed, or does not apply."))
    seqs = {m.seq for m in marks.values() if m.seq is not None}
    events = {e.seq: e for e in conversation.events.filter(seq__in=seqs, kind__in=PUBLIC_KINDS)}
    if seqs - set(events):
        raise ValidationError(_("A comment points at a message this conversation does not have."))
    if len(comment) > MAX_COMMENT:
        raise ValidationError(_("Use at most %(n)d characters.") % {"n": MAX_COMMENT})
    score, failed = score_of(criteria, marks)
    try:
        with transaction.atomic():
            if QaReview.objects.filter(
                conversation=conversation, reviewer=reviewer, calibration=calibration
            ).exists():
                raise ValidationError(_("You reviewed this conversation already."))
            review = QaReview.objects.create(
                conversation=conversation,
                scorecard=scorecard,
                reviewer=reviewer,
                agent_id=conversation.assignee_id,
                calibration=calibration,
                score=score,
                auto_failed=failed,
                comment=comment.strip(),
                created_at=now,
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(
                    review=review,
                    criterion=c,
                    passed=marks[c.pk].passed,
                    comment=marks[c.pk].comment.strip()[:500],
                    event=events.get(marks[c.pk].seq) if marks[c.pk].seq else None,
                )
                for c in criteria
            )
            if calibration is None and review.agent_id:
                _follow_up(review, criteria, marks)
    except IntegrityError:
        raise ValidationError(_("You reviewed this conversation already.")) from None
    return review


def _follow_up(review: QaReview, criteria: list[Criterion], marks: dict[int, Mark]) -> None:
    """Tell the agent, and give them the lessons of the criteria they missed."""
    from exdesk.academy.services import assign_lesson
    from exdesk.sla.services import notify

    agent = review.agent
    for criterion in criteria:
        if marks[criterion.pk].passed is False and criterion.lesson_key:
            assign_lesson(
                agent,
                criterion.lesson_key,
                by=review.reviewer,
                reason=criterion.label_en[:200],
                now=review.created_at,
            )
    notify([agent], review.conversation, "qa_review", f"{review.score}/100")


# ---------------------------------------------------------------- disputes


def dispute(agent: User, review: QaReview, reason: str, now=None) -> QaReview:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if review.agent_id != agent.pk or review.calibration_id:
        raise PermissionDenied(_("Only the reviewed agent may dispute a review."))
    if not reason:
        raise ValidationError({"reason": _("Say what the review got wrong.")})
    with transaction.atomic():
        review = QaReview.objects.select_for_update().get(pk=review.pk)
        if review.state != ReviewState.SUBMITTED:
            raise ValidationError(_("This review was disputed already."))
        if now - review.created_at > DISPUTE_WINDOW:
            raise ValidationError(_("A review can be disputed for 14 days."))
        review.state, review.dispute_reason, review.disputed_at = (
            ReviewState.DISPUTED,
            reason[:MAX_COMMENT],
            now,
        )
        review.save(update_fields=["state", "dispute_reason", "disputed_at"])
        from exdesk.sla.services import notify

        leads = User.objects.filter(is_active=True, role__in=RESOLVES_QA_DISPUTES)
        notify(leads, review.conversation, "qa_dispute", agent.display_name[:80])
    return review


def resolve_dispute(
    lead: User, review: QaReview, *, note: str, new_score: int | None = None, now=None
) -> QaReview:
    """Uphold the review (``new_score`` None) or amend its score; with a note either way."""
    now = now or timezone.now()
    if not resolves_qa_disputes(lead) or lead.pk in (review.reviewer_id, review.agent_id):
        raise PermissionDenied(_("A team lead who neither wrote nor received it settles it."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why.")})
    if new_score is not None and not 0 <= new_score <= 100:
        raise ValidationError({"new_score": _("A score is from 0 to 100.")})
    with transaction.atomic():
        review = QaReview.objects.select_for_update().get(pk=review.pk)
        if review.state != ReviewState.DISPUTED:
            raise ValidationError(_("Only a disputed review is settled."))
        review.state = ReviewState.UPHELD if new_score is None else ReviewState.AMENDED
        if new_score is not None:
            review.score = new_score
        review.resolved_by, review.resolution, review.resolved_at = lead, note[:MAX_COMMENT], now
        review.save(update_fields=["state", "score", "resolved_by", "resolution", "resolved_at"])
    return review


# ---------------------------------------------------------------- samples


SAMPLES = ["random", "low_csat", "intent", "agent", "new_agents"]


def sample(
    reviewer: User, how: str, *, n: int = 20, intent: str = "", agent_id: int | None = None
) -> list[Conversation]:
    """Solved conversations nobody has reviewed yet (outside calibration), chosen ``how``;
    never the reviewer's own."""
    if not reviews_quality(reviewer):
        raise PermissionDenied
    pool = (
        Conversation.objects.filter(solved_at__isnull=False, training=False)
        .exclude(assignee=reviewer)
        .exclude(pk__in=QaReview.objects.filter(calibration__isnull=True).values("conversation_id"))
        .select_related("assignee", "customer")
    )
    if how == "low_csat":
        pool = pool.filter(Q(feedback__score__lte=2) | Q(rating__lte=2)).order_by("-solved_at")
    elif how == "intent":
        pool = pool.filter(intent=intent).order_by("?")
    elif how == "agent":
        pool = pool.filter(assignee_id=agent_id).order_by("?")
    elif how == "new_agents":
        since = timezone.now() - dt.timedelta(days=NEW_AGENT_DAYS)
        pool = pool.filter(assignee__date_joined__gte=since).order_by("-assignee__date_joined", "?")
    else:
        pool = pool.order_by("?")
    return list(pool[: max(1, min(n, 100))])


# ---------------------------------------------------------------- calibration


def start_calibration(creator: User, conversation: Conversation, scorecard: Scorecard):
    if not reviews_quality(creator):
        raise PermissionDenied
    if conversation.solved_at is None or conversation.training:
        raise ValidationError(_("Only a solved conversation is reviewed."))
    return Calibration.objects.create(
        conversation=conversation,
        scorecard=scorecard,
        created_by=creator,
        created_at=timezone.now(),
    )


@dataclass
class CalibrationReport:
    reviews: list[QaReview]
    spread: int | None  # highest score minus lowest
    # Per criterion: the share of reviewers who agree with the most common mark.
    agreement: list[tuple[Criterion, float]]


def calibration_report(calibration: Calibration) -> CalibrationReport:
    reviews = list(
        calibration.reviews.select_related("reviewer").prefetch_related("scores__criterion")
    )
    scores = [r.score for r in reviews]
    agreement = []
    for criterion in calibration.scorecard.criteria.all():
        marks = [
            s.passed for r in reviews for s in r.scores.all() if s.criterion_id == criterion.pk
        ]
        if marks:
            agreement.append((criterion, Counter(marks).most_common(1)[0][1] / len(marks)))
    return CalibrationReport(reviews, max(scores) - min(scores) if scores else None, agreement)
