from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IncidentKind, IncidentStatus, Severity


class DeclareForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=160)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial="major")
    products = forms.CharField(label=_("Affected products"), required=False, max_length=600)
    networks = forms.CharField(label=_("Affected networks"), required=False, max_length=600)
    intents = forms.CharField(label=_("Intents"), required=False, max_length=600)
    keywords = forms.CharField(label=_("Keywords"), required=False, max_length=600)
    script_en = forms.CharField(label=_("Customer script (English)"), widget=forms.Textarea)
    script_zh = forms.CharField(label=_("Customer script (Chinese)"), widget=forms.Textarea)
    expected_update_at = forms.DateTimeField(label=_("Next update expected"), required=False)
    public = forms.BooleanField(
        label=_("Show on the status page and banners"), required=False, initial=True
    )


class UpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in IncidentStatus.choices if c[0] != IncidentStatus.RESOLVED],
    )
    body_en = forms.CharField(label=_("Update (English)"), widget=forms.Textarea)
    body_zh = forms.CharField(label=_("Update (Chinese)"), widget=forms.Textarea)
    expected_update_at = forms.DateTimeField(label=_("Next update expected"), required=False)


class ResolveForm(forms.Form):
    body_en = forms.CharField(label=_("Final update (English)"), widget=forms.Textarea)
    body_zh = forms.CharField(label=_("Final update (Chinese)"), widget=forms.Textarea)
    solve_linked = forms.BooleanField(
        label=_("Solve the linked open conversations once they have it"), required=False
    )
