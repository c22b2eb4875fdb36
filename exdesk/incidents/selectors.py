"""Reading incidents for the console, the help center, the widget and the status page."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.http import Http404

from .models import DeliveryState, Incident, IncidentLink, IncidentUpdate, UpdateDelivery


def incidents() -> QuerySet[Incident]:
    return Incident.objects.annotate(linked=Count("links"))


def incident(pk: int) -> Incident:
    found = Incident.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def latest_update(incident: Incident) -> IncidentUpdate | None:
    """The incident's newest status update (what customers are told now), or None."""
    return incident.updates.order_by("-created_at", "-id").first()


def delivery_counts(update_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """How many deliveries of each update are sent, failed and pending: one grouped
    query for all of them."""
    counts = {pk: dict.fromkeys(DeliveryState.values, 0) for pk in update_ids}
    grouped = (
        UpdateDelivery.objects.filter(update_id__in=list(counts))
        .values_list("update_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for update_id, state, n in grouped:
        counts[update_id][state] = n
    return counts


def updates_with_deliveries(incident: Incident) -> list[tuple[IncidentUpdate, dict[str, int]]]:
    """The incident's updates, newest first, each with its delivery counts."""
    updates = list(incident.updates.select_related("author"))
    counts = delivery_counts(update.pk for update in updates)
    return [(update, counts[update.pk]) for update in updates]


def linked_to(conversation) -> list[Incident]:
    """Active incidents a conversation is linked to (shown to the agent with the script)."""
    return list(Incident.objects.filter(links__conversation=conversation, resolved_at__isnull=True))


def recent_links(incident: Incident, limit: int = 50) -> list[IncidentLink]:
    return list(incident.links.select_related("conversation").order_by("-linked_at")[:limit])


def public_incidents(limit: int = 30) -> QuerySet[Incident]:
    return Incident.objects.filter(public=True).prefetch_related("updates")[:limit]


def report(incident: Incident) -> dict:
    """The incident afterwards: how many conversations it brought, through which
    channels, how fast they were answered and how satisfied those customers were (from
    the analytics facts; drills never count)."""
    from exdesk.analytics.metrics import interpolate
    from exdesk.analytics.models import ConversationFact

    facts = ConversationFact.objects.filter(
        conversation_id__in=incident.links.values("conversation_id")
    ).order_by()
    by_channel = list(
        facts.values_list("channel").annotate(n=Count("pk")).order_by("-n", "channel")
    )
    waits = sorted(
        wait for wait in facts.values_list("first_response_seconds", flat=True) if wait is not None
    )
    rated = [score for score in facts.values_list("csat", flat=True) if score is not None]
    end = incident.resolved_at
    return {
        "linked": incident.links.count(),
        "by_channel": by_channel,
        "first_response_median": interpolate(waits, 0.5),
        "first_response_p90": interpolate(waits, 0.9),
        "rated": len(rated),
        "csat_average": round(sum(rated) / len(rated), 2) if rated else None,
        "duration": (end - incident.started_at) if end else None,
    }
