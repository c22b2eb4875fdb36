"""Quality pages in the console. Thin: parse, call, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import resolves_qa_disputes, reviews_quality
from exdesk.conversations import selectors as conversation_selectors

from . import scorecards, selectors
from .models import FlagKind

SAMPLE_LABELS = [
    ("random", _("Random")),
    ("low_csat", _("Low satisfaction")),
    ("new_agents", _("New agents first")),
    ("intent", _("By intent")),
    ("agent", _("By agent")),
]


@require_permission(reviews_quality)
def automatic(request):
    """Every solved conversation's automatic review: the failed ones and each flag."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in FlagKind.values else ""
    failed_only = request.GET.get("failed") == "1"
    return render(
        request,
        "quality/automatic.html",
        {
            "reviews": selectors.reviews(failed_only=failed_only, kind=kind),
            "summary": selectors.summary(timezone.now() - dt.timedelta(days=7)),
            "kinds": FlagKind.choices,
            "kind": kind,
            "failed_only": failed_only,
        },
    )


# ---------------------------------------------------------------- QA scorecards


@require_permission(reviews_quality)
def sample(request):
    how = request.GET.get("how", "random")
    how = how if how in scorecards.SAMPLES else "random"
    agent = request.GET.get("agent", "")
    picked = scorecards.sample(
        request.user,
        how,
        n=20,
        intent=request.GET.get("intent", "")[:60],
        agent_id=int(agent) if agent.isdigit() else None,
    )
    return render(
        request,
        "quality/sample.html",
        {
            "conversations": picked,
            "how": how,
            "ways": SAMPLE_LABELS,
            "scorecards": selectors.scorecards(),
        },
    )


@require_permission(reviews_quality)
def score(request, conversation_pk: int):
    conversation = conversation_selectors.access_conversation(request.user, conversation_pk)
    cards = list(scorecards.scorecards_for(conversation))
    chosen = (
        request.GET.get("scorecard")
        or request.POST.get("scorecard")
        or (cards[0].pk if cards else "")
    )
    card = selectors.scorecard(chosen)
    session_pk = request.GET.get("calibration") or request.POST.get("calibration") or ""
    session = selectors.calibration(int(session_pk)) if str(session_pk).isdigit() else None
    criteria = list(card.criteria.all())
    messages_ = selectors.public_messages(conversation)
    errors: list[str] = []
    if request.method == "POST":
        marks = {}
        for criterion in criteria:
            value = request.POST.get(f"c{criterion.pk}", "")
            seq = request.POST.get(f"c{criterion.pk}-seq", "")
            marks[criterion.pk] = scorecards.Mark(
                {"met": True, "missed": False, "na": None}.get(value),
                request.POST.get(f"c{criterion.pk}-comment", "")[:500],
                int(seq) if seq.isdigit() else None,
            )
            if value not in ("met", "missed", "na"):
                marks.pop(criterion.pk)
        try:
            review = scorecards.submit_review(
                request.user,
                conversation,
                card,
                marks,
                comment=request.POST.get("comment", ""),
                calibration=session,
            )
        except (ValidationError, PermissionDenied) as error:
            errors = list(getattr(error, "messages", [str(error)]))
        else:
            messages.success(request, _("The review is saved."))
            if session is not None:
                return redirect("quality:calibration", session.pk)
            return redirect("quality:review", review.pk)
    return render(
        request,
        "quality/score.html",
        {
            "conversation": conversation,
            "card": card,
            "cards": cards,
            "criteria": criteria,
            "events": messages_,
            "session": session,
            "errors": errors,
        },
    )


@staff_required
def reviews(request):
    return render(request, "quality/reviews.html", selectors.qa_reviews_for(request.user))


@staff_required
def review(request, pk: int):
    found = selectors.qa_review_for(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "dispute":
                scorecards.dispute(request.user, found, request.POST.get("reason", ""))
                messages.success(request, _("Your dispute is sent to the team leads."))
            elif request.POST.get("action") in ("uphold", "amend"):
                new = request.POST.get("new_score", "")
                scorecards.resolve_dispute(
                    request.user,
                    found,
                    note=request.POST.get("note", ""),
                    new_score=int(new)
                    if request.POST["action"] == "amend" and new.isdigit()
                    else None,
                )
                messages.success(request, _("The dispute is settled."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("quality:review", found.pk)
    return render(
        request,
        "quality/review.html",
        {
            "review": found,
            "can_dispute": found.agent_id == request.user.pk and found.state == "submitted",
            "can_resolve": resolves_qa_disputes(request.user)
            and found.state == "disputed"
            and request.user.pk not in (found.reviewer_id, found.agent_id),
        },
    )


@require_POST
@require_permission(reviews_quality)
def start_calibration(request, conversation_pk: int):
    conversation = conversation_selectors.access_conversation(request.user, conversation_pk)
    card = selectors.scorecard(request.POST.get("scorecard", ""))
    try:
        session = scorecards.start_calibration(request.user, conversation, card)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("quality:sample")
    return redirect("quality:calibration", session.pk)


@require_permission(reviews_quality)
def calibration(request, pk: int):
    session = selectors.calibration(pk)
    return render(
        request,
        "quality/calibration.html",
        {"session": session, "report": scorecards.calibration_report(session)},
    )
