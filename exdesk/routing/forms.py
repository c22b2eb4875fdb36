from django import forms
from django.utils.translation import gettext_lazy as _


class StaffingForm(forms.Form):
    arrivals_per_hour = forms.FloatField(
        label=_("Conversations an hour"), min_value=0, max_value=1_000_000, initial=200
    )
    handling_seconds = forms.FloatField(
        label=_("Average handling time (seconds)"), min_value=1, max_value=86_400, initial=180
    )
    target_seconds = forms.FloatField(
        label=_("Answered within (seconds)"), min_value=0, max_value=86_400, initial=20
    )
    service_level = forms.FloatField(
        label=_("Share answered within that time (%)"), min_value=1, max_value=99.9, initial=80
    )
    max_occupancy = forms.FloatField(
        label=_("Highest occupancy (%)"), min_value=1, max_value=100, initial=100
    )
