"""Showing a call event: its time, duration, status and numbers, for the console."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from exdesk.telephony import services
from exdesk.telephony.choices import CallStatus

register = template.Library()


@register.filter
def call_time(value: str | None) -> dt.datetime | None:
    """The ISO time an event's data keeps, as a datetime for the ``date`` filter."""
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@register.filter
def call_duration(seconds) -> str:
    return services.format_duration(seconds if isinstance(seconds, int) else None)


@register.filter
def call_status(code: str) -> str:
    return str(CallStatus(code).label) if code in CallStatus.values else code


@register.filter
def call_number(number: str, customer=None) -> str:
    """The number, masked for staff who may not see the customer's personal data
    (``customer`` is the page's customer view)."""
    if not number:
        return _("a withheld number")
    return services.mask_phone(number) if getattr(customer, "masked", False) else number


@register.filter
def recording_link(url: str) -> str:
    """Only an https address becomes a link (checked again on the way out)."""
    return services.https_only(url or "")
