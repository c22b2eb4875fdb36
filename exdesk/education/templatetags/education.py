"""Customer education in other apps' templates: the awareness campaign in the help
center ({% awareness_campaign lang %}), "Step 2 of 5" on an article opened from a series
({% series_step lang article %}), and the console's navigation (user|educates_customers)."""

from django import template

from exdesk.accounts.permissions import educates_customers as _educates

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("education/_campaign.html")
def awareness_campaign(language: str) -> dict:
    campaign = services.current_campaign()
    article = selectors.campaign_article(campaign, language) if campaign else None
    return {"campaign": campaign, "article": article, "language": language}


@register.inclusion_tag("education/_series_step.html", takes_context=True)
def series_step(context, language: str, article) -> dict:
    request = context.get("request")
    slug = request.GET.get("series", "") if request is not None else ""
    return {"place": selectors.place_in_series(language, slug, article), "lang": language}


@register.filter
def educates_customers(user) -> bool:
    """For the console's navigation: may this user open Customer education?"""
    return _educates(user)
