from django import template

from exdesk.trust.choices import manages_official_channels as _manages

register = template.Library()


@register.filter
def manages_official_channels(user) -> bool:
    """For the console's navigation: may this user open the official-channel registry?"""
    return _manages(user)
