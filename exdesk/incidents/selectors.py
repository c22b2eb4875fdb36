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
