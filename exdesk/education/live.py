"""The awareness campaign in the chat widget: carried in every welcome frame, in both
languages (the widget picks its own), as incidents.live does for the incident banner.

Every widget's hello asks for it, so it is kept in the cache (Redis when configured,
else this process's memory) for at most ``CAMPAIGN_CACHE_SECONDS``, and never past the
moment the shown campaign ends or the next one starts. Creating or ending a campaign
writes the fresh value once it commits, so the next welcome has the change at once (and
a welcome that read the database just before the commit cannot put the old campaign
back: it only adds a value when there is none)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.utils import timezone

from exdesk.helpcenter.selectors import article_url

from . import selectors
from .models import AwarenessCampaign
from .services import current_campaign

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "zh-hans")
CAMPAIGN_CACHE_KEY = "education:campaign"
CAMPAIGN_CACHE_SECONDS = 30


def current_payload(now: dt.datetime | None = None) -> dict | None:
    """The campaign shown at ``now`` (default: now), read from the database, or None.
    Plain text only; the widget sets it as text."""
    campaign = current_campaign(now)
    if campaign is None:
        return None
    links: dict[str, dict | None] = {}
    for language in LANGUAGES:
        article = selectors.campaign_article(campaign, language)
        links[language] = (
            {
                "title": article.live_version.title if article.live_version else article.slug,
                "url": article_url(language, article.slug),
            }
            if article is not None
            else None
        )
    return {
        "campaign": campaign.pk,
        "title": {language: campaign.title_in(language) for language in LANGUAGES},
        "text": {language: campaign.body_in(language) for language in LANGUAGES},
        "article": links,
    }


def _seconds_valid(payload: dict | None, now: dt.datetime) -> int:
    """How long what is shown now stays true: until the shown campaign ends or the next
    one starts, at most CAMPAIGN_CACHE_SECONDS."""
    moments = list(
        AwarenessCampaign.objects.filter(starts_at__gt=now)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)[:1]
    )
    if payload is not None:
        moments += list(
            AwarenessCampaign.objects.filter(pk=payload["campaign"]).values_list(
                "ends_at", flat=True
            )
        )
    seconds = min([CAMPAIGN_CACHE_SECONDS, *((m - now).total_seconds() for m in moments)])
    return max(0, int(seconds))


def campaign_payload() -> dict | None:
    """The campaign for a widget's welcome: from the cache, read once when it is not
    there. (Wrapped, because None, no campaign, is a value worth caching too.)"""
    try:
        cached = cache.get(CAMPAIGN_CACHE_KEY)
    except Exception:  # without the cache, the welcome still gets the campaign
        logger.warning("could not read the campaign from the cache", exc_info=True)
        return current_payload()
    if cached is not None:
        return cached["campaign"]
    now = timezone.now()
    payload = current_payload(now)
    seconds = _seconds_valid(payload, now)
    if seconds:
        try:
            cache.add(CAMPAIGN_CACHE_KEY, {"campaign": payload}, seconds)
        except Exception:
            logger.warning("could not cache the campaign", exc_info=True)
    return payload


def refresh_campaign() -> None:
    """Cache the campaign as the database has it now (after a campaign is created or
    ended commits). Written over what is there, not dropped: a welcome that read the
    database before the commit would otherwise add the old campaign back."""
    try:
        now = timezone.now()
        payload = current_payload(now)
        seconds = _seconds_valid(payload, now)
    except Exception:  # then at least drop the old value
        logger.warning("could not read the campaign to cache it", exc_info=True)
        payload, seconds = None, 0
    try:
        if seconds:
            cache.set(CAMPAIGN_CACHE_KEY, {"campaign": payload}, seconds)
        else:  # what is shown changes within the second: the next welcome reads it
            cache.delete(CAMPAIGN_CACHE_KEY)
    except Exception:  # it expires within CAMPAIGN_CACHE_SECONDS anyway
        logger.warning("could not refresh the cached campaign", exc_info=True)
