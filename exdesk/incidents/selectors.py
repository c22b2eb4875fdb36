"""Reading incidents for the console, the help center, the widget and the status page."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from .models import Incident, IncidentLink


def incidents() -> QuerySet[Incident]:
    return Incident.objects.annotate(linked=Count("links"))


def incident(pk: int) -> Incident:
    found = Incident.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


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
