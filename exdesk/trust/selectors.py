"""Reads of the registry and the check log. The console's reads check the role first."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils import timezone

from . import lookalike
from .choices import Verdict, manages_official_channels
from .models import OfficialChannel, OfficialChannelChange, VerificationCheck

RECENT_DAYS = 30


def officials() -> list[lookalike.Official]:
    """The active entries as plain values for ``lookalike.check`` (``ref`` is the pk)."""
    rows = OfficialChannel.objects.filter(active=True).order_by("pk")
    return [
        lookalike.Official(
            kind=row.kind,
            value=row.normalized,
            covers_subdomains=row.covers_subdomains,
            any_address=row.any_address_at_domain,
            ref=row.pk,
        )
        for row in rows
    ]


def _check_manager(user) -> None:
    if not manages_official_channels(user):
        raise PermissionDenied


def channels(user) -> QuerySet[OfficialChannel]:
    _check_manager(user)
    return OfficialChannel.objects.select_related("created_by").order_by(
        "-active", "kind", "normalized"
    )


def channel(user, pk: int) -> OfficialChannel:
    _check_manager(user)
    found = OfficialChannel.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def history(user, found: OfficialChannel) -> QuerySet[OfficialChannelChange]:
    _check_manager(user)
    return found.changes.select_related("actor").order_by("-created_at", "-id")


def channel_by_pk(pk: int | None) -> OfficialChannel | None:
    """The entry a check matched (``Result.matched.ref``), for public display."""
    return OfficialChannel.objects.filter(pk=pk).first() if pk is not None else None


def recent_lookalikes(user, days: int = RECENT_DAYS, limit: int = 50) -> list[dict]:
    """Which look-alikes people checked lately, most often first: what circulates."""
    _check_manager(user)
    since = timezone.now() - timedelta(days=days)
    rows = (
        VerificationCheck.objects.filter(verdict=Verdict.LOOKALIKE, created_at__gte=since)
        .values("kind", "normalized", "imitated__normalized")
        .annotate(checks=Count("id"), last_checked=Max("created_at"))
        .order_by("-checks", "-last_checked")[:limit]
    )
    return [dict(row) for row in rows]


def check_counts(user, days: int = RECENT_DAYS) -> dict[str, int]:
    _check_manager(user)
    since = timezone.now() - timedelta(days=days)
    counts = (
        VerificationCheck.objects.filter(created_at__gte=since)
        .values("verdict")
        .annotate(n=Count("id"))
    )
    found = {row["verdict"]: row["n"] for row in counts}
    return {verdict: found.get(verdict, 0) for verdict in Verdict.values}
