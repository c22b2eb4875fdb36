"""The help center's incident banner: {% incident_banner lang %}."""

from django import template

from exdesk.incidents.selectors import latest_update
from exdesk.incidents.services import banner

register = template.Library()


@register.inclusion_tag("incidents/_banner.html")
def incident_banner(language: str) -> dict:
    incident = banner()
    latest = latest_update(incident) if incident else None
    return {"incident": incident, "latest": latest, "language": language}
