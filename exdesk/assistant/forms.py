from django import forms
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language

from .models import CannedResponse, Intent


class IntentForm(forms.ModelForm):
    article_keys = forms.CharField(
        label=_("Answering articles"),
        required=False,
        help_text=_("Article addresses, best first, separated by commas."),
    )

    class Meta:
        model = Intent
        fields = [
            "name_en",
            "name_zh_hans",
            "about",
            "handling",
            "priority",
            "category_slug",
            "team_slug",
            "skill_slug",
            "active",
        ]
        widgets = {"about": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["article_keys"] = ", ".join(self.instance.article_keys)

    def clean_article_keys(self):
        return [k.strip() for k in self.cleaned_data["article_keys"].split(",") if k.strip()]


class ExamplesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    examples = forms.CharField(
        label=_("New examples"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One example per line, as customers write them."),
    )
    held_out = forms.BooleanField(
        label=_("Held out: measure the model with these, do not train on them"), required=False
    )


class CannedResponseForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["intent", "language", "title", "body", "compliance_approved", "active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
