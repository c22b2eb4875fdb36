from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ComplaintCategory


class OpenForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    summary = forms.CharField(
        label=_("What the customer complains about"), widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
