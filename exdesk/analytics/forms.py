from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language
from exdesk.accounts.models import Team, User
from exdesk.conversations.choices import Channel

from .metrics import Filters
from .models import ReportSubscription

DEFAULT_DAYS = 28
MAX_DAYS = 366
# Offered first; any IANA name typed in the address works too.
COMMON_ZONES = [
    "UTC",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
]


def check_time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone.")) from None
    return name


class FilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    tz = forms.CharField(label=_("Time zone"), required=False, max_length=64)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=User.objects.filter(is_active=True), required=False
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *Channel.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *Language.choices], required=False
    )
    intent = forms.CharField(label=_("Intent"), required=False, max_length=60)
    vip = forms.IntegerField(label=_("VIP tier at least"), required=False, min_value=0, max_value=9)

    def __init__(self, *args, agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        agent = self.fields["agent"]
        assert isinstance(agent, forms.ModelChoiceField)
        if agents is not None:
            agent.queryset = agents
        agent.label_from_instance = lambda user: user.username  # type: ignore[method-assign,assignment]

    def clean_tz(self) -> str:
        return check_time_zone(self.cleaned_data["tz"] or "UTC")

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        tz = zoneinfo.ZoneInfo(data["tz"])
        today = timezone.now().astimezone(tz).date()
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise ValidationError(_("The start date is after the end date."))
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(_("Choose at most 366 days."))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            tz=zoneinfo.ZoneInfo(data["tz"]),
            team=data["team"].pk if data.get("team") else None,
            agent=data["agent"].pk if data.get("agent") else None,
            channel=data.get("channel") or "",
            language=data.get("language") or "",
            intent=(data.get("intent") or "").strip(),
            vip=data.get("vip"),
        )


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = ReportSubscription
        fields = ["frequency", "team", "time_zone"]

    def clean_time_zone(self) -> str:
        return check_time_zone(self.cleaned_data["time_zone"])
