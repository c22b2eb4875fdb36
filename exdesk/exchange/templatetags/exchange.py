"""Showing the exchange's answers: its codes in words, its times in the viewer's zone."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import pgettext_lazy

register = template.Library()

# The protocol's codes (docs/exchange-connector.md). An unknown code is shown as it came.
# Their own context: "Open" or "Market" mean something else for a conversation.
LABELS = {
    # deposits
    "pending": pgettext_lazy("exchange data", "Pending"),
    "credited": pgettext_lazy("exchange data", "Credited"),
    "failed": pgettext_lazy("exchange data", "Failed"),
    "needs_action": pgettext_lazy("exchange data", "Needs action"),
    "wrong_network": pgettext_lazy("exchange data", "Wrong network"),
    "missing_memo": pgettext_lazy("exchange data", "Missing memo or tag"),
    "below_minimum": pgettext_lazy("exchange data", "Below the minimum"),
    "unsupported_token": pgettext_lazy("exchange data", "Unsupported token"),
    # withdrawals
    "pending_review": pgettext_lazy("exchange data", "Under review"),
    "processing": pgettext_lazy("exchange data", "Processing"),
    "completed": pgettext_lazy("exchange data", "Completed"),
    "cancelled": pgettext_lazy("exchange data", "Cancelled"),
    # orders
    "open": pgettext_lazy("exchange data", "Open"),
    "partially_filled": pgettext_lazy("exchange data", "Partially filled"),
    "filled": pgettext_lazy("exchange data", "Filled"),
    "liquidated": pgettext_lazy("exchange data", "Liquidated"),
    "buy": pgettext_lazy("exchange data", "Buy"),
    "sell": pgettext_lazy("exchange data", "Sell"),
    "limit": pgettext_lazy("exchange data", "Limit"),
    "market": pgettext_lazy("exchange data", "Market"),
    "stop_limit": pgettext_lazy("exchange data", "Stop limit"),
    "spot": pgettext_lazy("exchange data", "Spot"),
    "margin": pgettext_lazy("exchange data", "Margin"),
    "futures": pgettext_lazy("exchange data", "Futures"),
    # accounts and KYC
    "active": pgettext_lazy("exchange data", "Active"),
    "frozen": pgettext_lazy("exchange data", "Frozen"),
    "withdrawals_locked": pgettext_lazy("exchange data", "Withdrawals locked"),
    "closed": pgettext_lazy("exchange data", "Closed"),
    "none": pgettext_lazy("exchange data", "Not started"),
    "approved": pgettext_lazy("exchange data", "Approved"),
    "rejected": pgettext_lazy("exchange data", "Rejected"),
    "totp": pgettext_lazy("exchange data", "Authenticator app"),
    "sms": pgettext_lazy("exchange data", "SMS"),
    "email": pgettext_lazy("exchange data", "E-mail"),
    "passkey": pgettext_lazy("exchange data", "Passkey"),
}


@register.filter
def exchange_label(code) -> str:
    if code is None or code == "":
        return "—"
    return str(LABELS.get(str(code), code))


@register.filter
def exchange_time(value) -> str:
    """An ISO 8601 time from the exchange, in the viewer's time zone."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@register.filter
def short_id(value, keep: int = 10) -> str:
    """The start and end of a long transaction id; the whole id stays in the title."""
    text = str(value or "")
    return text if len(text) <= keep * 2 + 1 else f"{text[:keep]}…{text[-6:]}"
