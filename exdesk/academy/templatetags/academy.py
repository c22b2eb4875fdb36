from django import template

from exdesk.accounts.permissions import trains

register = template.Library()


@register.filter(name="trains")
def user_trains(user) -> bool:
    """May this staff member run the academy (make cases, assign paths)?"""
    return trains(user)
