"""The incident banner of the chat widget: in every welcome, and pushed to every open
widget when an incident is declared, updated or resolved (docs/incidents.md)."""

from __future__ import annotations

import logging

from exdesk.conversations.live import send_to_group

logger = logging.getLogger(__name__)

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
    """Tell every open widget what the banner now says (None: take it down). A widget
    that misses it reads the banner in its next welcome."""
    try:
        send_to_group(NOTICE_GROUP, {"type": "chat.notice", "notice": notice_payload()})
    except Exception:  # a bell that does not ring must not undo a committed change
        logger.warning("could not publish the incident banner", exc_info=True)
