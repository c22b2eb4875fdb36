"""Top and rising questions, and knowledge gaps. Thin: parse, call topics.py, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import manages_incidents, sees_analytics
from exdesk.helpcenter import selectors as helpcenter_selectors

from . import topics as questions


def _hour_end(value: str, now):
    """The end of the hour to look at: ?at=2025-05-01T15:00 (the viewer's time zone),
    never in the future; by default now."""
    try:
        at = parse_datetime(value or "")
    except ValueError:  # well formed but no such date
        at = None
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return min(at, now)


@require_permission(sees_analytics)
def topics(request):
    now = timezone.now()
    days = request.GET.get("days", "")
    days = int(days) if days.isdigit() and int(days) in questions.PERIODS else 7
    hour_end = _hour_end(request.GET.get("at", ""), now)
    sections = helpcenter_selectors.editable_sections(request.user)
    return render(
        request,
        "analytics/topics.html",
        {
            "days": days,
            "periods": questions.PERIODS,
            "at": request.GET.get("at", "") if hour_end != now else "",
            "top": questions.top_intents(now, days),
            "rising": questions.rising_topics(hour_end),
            "clusters": questions.clusters_by_language(now),
            "gaps": questions.knowledge_gaps(now),
            "rules": questions.rules(),
            "sections": sections,
            # Supervisors open an incident from an unusual topic, prefilled.
            "incident_url": reverse("incidents:declare")
            if manages_incidents(request.user)
            else None,
        },
    )


@require_permission(sees_analytics)
@require_POST
def draft_article(request):
    section = request.POST.get("section", "")
    try:
        article = questions.draft_for_gap(
            request.user,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", "")[:200],
            language=request.POST.get("language", ""),
            section_id=int(section) if section.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("analytics:topics")
    messages.success(request, _("The draft article is waiting for review."))
    return redirect("helpcenter_console:edit", article.pk)
