from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from exdesk.helpcenter.models import LANGUAGE_CHOICES

from .services import MAX_CAPACITY, MAX_POSITION


def _when(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SeriesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Lowercase letters, digits and hyphens, e.g. first-deposit."),
    )
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    position = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=MAX_POSITION, initial=0
    )
    published = forms.BooleanField(label=_("Published"), required=False)


class SeriesSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    position = forms.IntegerField(
        label=_("Position in the list"), min_value=0, max_value=MAX_POSITION, initial=0
    )
    published = forms.BooleanField(label=_("Published"), required=False)


class CampaignForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=160)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=160)
    body_en = forms.CharField(
        label=_("Text (English)"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text, at most 600 characters; one point per line."),
    )
    body_zh = forms.CharField(
        label=_("Text (Chinese)"), max_length=600, widget=forms.Textarea(attrs={"rows": 4})
    )
    article_slug_en = forms.CharField(
        label=_("Help-center article (English address, optional)"), max_length=80, required=False
    )
    article_slug_zh = forms.CharField(
        label=_("Help-center article (Chinese address, optional)"), max_length=80, required=False
    )
    starts_at = _when(_("Shown from (UTC)"))
    ends_at = _when(_("Shown until (UTC)"))


class WebinarForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_at = _when(_("Starts at (UTC)"))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=480, initial=60
    )
    host_name = forms.CharField(label=_("Host"), max_length=120)
    join_url = forms.URLField(
        label=_("Join link (https)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Sent only to registrants."),
    )
    capacity = forms.IntegerField(
        label=_("Places (empty: no limit)"), min_value=1, max_value=MAX_CAPACITY, required=False
    )


class NewWebinarForm(WebinarForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    field_order = ["language"]


class RecordingForm(forms.Form):
    recording_url = forms.URLField(
        label=_("Recording link (https)"), max_length=500, assume_scheme="https"
    )


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
