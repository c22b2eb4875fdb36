"""The incident banner of the chat widget: in every welcome, and pushed to every open
widget when an incident is declared, updated or resolved (docs/incidents.md).

Every widget's hello asks for the banner, so it is kept in the cache (Redis when
configured, shared by all processes; else this process's memory): ``publish_notice``,
run after each declaration, update and resolution commits, replaces the cached value
before pushing it, so the next welcome has it at once. The cached value expires after
``NOTICE_CACHE_SECONDS``: a change this process did not publish (another process on a
local-memory cache) shows within that time."""

from __future__ import annotations

import logging

from django.core.cache import cache

from exdesk.conversations.live import send_to_group

logger = logging.getLogger(__name__)

NOTICE_GROUP = "chat-notices"
NOTICE_CACHE_KEY = "incidents:notice"
NOTICE_CACHE_SECONDS = 30


def current_notice() -> dict | None:
    """The banner in both languages (the widget picks its own), or None, read from the
    database."""
    from .selectors import latest_update
    from .services import banner

    incident = banner()
    if incident is None:
        return None
    latest = latest_update(incident)
    return {
        "incident": incident.pk,
        "severity": incident.severity,
        "title": {"en": incident.title_en, "zh-hans": incident.title_zh},
        "text": {
            "en": latest.body_en if latest else incident.script_en,
            "zh-hans": latest.body_zh if latest else incident.script_zh,
        },
    }


def notice_payload() -> dict | None:
    """The banner for a widget's welcome: from the cache, read once when it is not there.
    (Wrapped, because None, no banner, is a value worth caching too.)"""
    try:
        cached = cache.get(NOTICE_CACHE_KEY)
    except Exception:  # without the cache, the welcome still gets the banner
        logger.warning("could not read the incident banner from the cache", exc_info=True)
        return current_notice()
    if cached is not None:
        return cached["notice"]
    notice = current_notice()
    try:
        # add, not set: a value publish_notice put there meanwhile is newer than ours.
        cache.add(NOTICE_CACHE_KEY, {"notice": notice}, NOTICE_CACHE_SECONDS)
    except Exception:
        logger.warning("could not cache the incident banner", exc_info=True)
    return notice


def publish_notice() -> None:
    """Replace the cached banner and tell every open widget what it now says (None: take
    it down). A widget that misses it reads the banner in its next welcome."""
    try:
        notice = current_notice()
    except Exception:  # a bell that does not ring must not undo a committed change
        logger.warning("could not read the incident banner", exc_info=True)
        return
    try:
        cache.set(NOTICE_CACHE_KEY, {"notice": notice}, NOTICE_CACHE_SECONDS)
    except Exception:  # the cached one expires soon; the widgets are still told
        logger.warning("could not cache the incident banner", exc_info=True)
    try:
        send_to_group(NOTICE_GROUP, {"type": "chat.notice", "notice": notice})
    except Exception:
        logger.warning("could not publish the incident banner", exc_info=True)
