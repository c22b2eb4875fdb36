"""The incident banner of the chat widget: in every welcome, and pushed to every open
widget when an incident is declared, updated or resolved (docs/incidents.md)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

NOTICE_GROUP = "chat-notices"


def notice_payload() -> dict | None:
    """The banner in both languages (the widget picks its own), or None."""
    from .services import banner

    incident = banner()
    if incident is None:
        return None
    latest = incident.updates.order_by("-created_at", "-id").first()
    return {
        "incident": incident.pk,
        "severity": incident.severity,
        "title": {"en": incident.title_en, "zh-hans": incident.title_zh},
        "text": {
            "en": latest.body_en if latest else incident.script_en,
            "zh-hans": latest.body_zh if latest else incident.script_zh,
        },
    }


def publish_notice() -> None:
    """Tell every open widget what the banner now says (None: take it down)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(
            NOTICE_GROUP, {"type": "chat.notice", "notice": notice_payload()}
        )
