"""The help center's incident banner: {% incident_banner lang %}."""

from django import template

from exdesk.incidents.services import banner

register = template.Library()


@register.inclusion_tag("incidents/_banner.html")
def incident_banner(language: str) -> dict:
    incident = banner()
    latest = incident.updates.order_by("-created_at", "-id").first() if incident else None
    return {"incident": incident, "latest": latest, "language": language}
