"""Quality pages in the console. Thin: parse, call, render."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import render
from django.utils import timezone

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import reviews_quality

from . import selectors
from .models import FlagKind


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
