"""The SLA countdown, rendered on the server (pages work without JavaScript) and kept
current by sla-countdown.js from the same data attributes."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.sla.models import Metric

register = template.Library()


def span_text(seconds: float) -> str:
    minutes = max(0, round(abs(seconds) / 60))
    if minutes >= 60 * 24:
        return _("%(d)d d %(h)d h") % {"d": minutes // 1440, "h": minutes % 1440 // 60}
    if minutes >= 60:
        return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(m)d min") % {"m": minutes}


def state(due: dt.datetime, warn: dt.datetime | None, now: dt.datetime) -> str:
    if now >= due:
        return "breached"
    if warn is not None and now >= warn:
        return "warning"
    return "ok"


@register.inclusion_tag("sla/_countdown.html")
def sla_countdown(due, warn=None, metric="", breached=None):
    if due is None:
        return {"due": None}
    now = timezone.now()
    current = state(due, warn, now)
    if breached is not None and current != "breached":
        # Missed, then given a new deadline (its priority was raised): it stays missed.
        text, current = _("missed"), "breached"
    elif current == "breached":
        text = _("%(span)s overdue") % {"span": span_text((due - now).total_seconds())}
    else:
        text = _("%(span)s left") % {"span": span_text((due - now).total_seconds())}
    return {
        "due": due,
        "warn": warn,
        "state": current,
        "missed": breached is not None,
        "metric": Metric(metric).label if metric in Metric.values else "",
        "text": text,
    }


@register.simple_tag
def sla_labels():
    """The countdown's words for sla-countdown.js, in the page's language (data
    attributes: no inline script under the CSP)."""
    from django.utils.html import format_html

    return format_html(
        '<span id="sla-labels" hidden data-left="{}" data-overdue="{}" data-minutes="{}" '
        'data-hours="{}" data-days="{}"></span>',
        _("%(span)s left"),
        _("%(span)s overdue"),
        _("%(m)d min"),
        _("%(h)d h %(m)d min"),
        _("%(d)d d %(h)d h"),
    )
