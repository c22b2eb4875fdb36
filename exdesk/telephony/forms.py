from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from phonenumbers.geodata.locale import LOCALE_DATA

from exdesk.accounts.choices import Language

from . import services
from .choices import OUTCOME_STATES, CallbackState

# Regions phonenumbers has no name for.
UNNAMED_REGIONS = {"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"}
ZONE_AREAS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def _country_name(region: str, language: str) -> str:
    # phonenumbers ships country names per language; "*xx" means "as in language xx"
    # (a few point at themselves: follow a handful, then fall back to English).
    names = LOCALE_DATA.get(region, {})
    for wanted in (language, "en"):
        name = names.get(wanted, "")
        for _hop in range(4):
            if not name.startswith("*"):
                break
            name = names.get(name[1:], "")
        if name and not name.startswith("*"):
            return name
    return UNNAMED_REGIONS.get(region, region)


@functools.cache
def _countries(language: str) -> list[tuple[str, str]]:
    rows = [
        (region, _country_name(region, language), phonenumbers.country_code_for_region(region))
        for region in phonenumbers.SUPPORTED_REGIONS
    ]
    rows.sort(key=lambda row: row[1])
    return [(region, f"{name} (+{code})") for region, name, code in rows]


def country_choices() -> list[tuple[str, str]]:
    """Countries named in the page's language, for reading a number without its +code."""
    language = "zh" if (translation.get_language() or "").startswith("zh") else "en"
    return [("", _("None: my number starts with + and the country code")), *_countries(language)]


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(
        zone for zone in zoneinfo.available_timezones() if zone.split("/")[0] in ZONE_AREAS
    )
    return [("UTC", "UTC"), *((zone, zone.replace("_", " ")) for zone in zones)]


def default_time_zone(language: str) -> str:
    return "Asia/Shanghai" if language == Language.ZH_HANS else "UTC"


class WallClockField(forms.DateTimeField):
    """A date and time as the customer's clock shows it (no zone yet): the form applies
    the time zone they chose."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else None


class CallbackForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country of your phone number"), choices=country_choices, required=False
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_(
            "For example +44 20 7946 0958. Without the + and country code, choose your "
            "country above."
        ),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=services.MAX_NAME,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(label=_("Language for the call"), choices=Language.choices)
    topic = forms.CharField(
        label=_("What is it about?"),
        max_length=services.MAX_TOPIC,
        help_text=_("A few words. Never share your password, 2FA codes or seed phrase."),
    )
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=time_zone_choices)
    window_start = WallClockField(label=_("From"), required=False)
    window_end = WallClockField(label=_("Until"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("phone"):
            try:
                data["phone"] = services.check_phone(data["phone"], data.get("country"))
            except ValidationError as exc:
                self.add_error(None, exc)
        zone = data.get("time_zone")
        if zone and not self.has_error("window_start") and not self.has_error("window_end"):
            start, end = (
                self._in_zone(data.get("window_start"), zone),
                self._in_zone(data.get("window_end"), zone),
            )
            try:
                services.check_window(start, end)
            except ValidationError as exc:
                self.add_error(None, exc)
            else:
                data["window_start"], data["window_end"] = start, end
        return data

    @staticmethod
    def _in_zone(value: dt.datetime | None, zone: str) -> dt.datetime | None:
        return value.replace(tzinfo=zoneinfo.ZoneInfo(zone)) if value else None


class OutcomeForm(forms.Form):
    state = forms.ChoiceField(
        label=_("How did the call go?"),
        # No preselected answer: a slip of the Enter key must not log "done".
        choices=[
            ("", _("Choose…")),
            *((state, CallbackState(state).label) for state in OUTCOME_STATES),
        ],
    )
    note = forms.CharField(
        label=_("Note for the team"),
        required=False,
        max_length=services.MAX_OUTCOME_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
