from django import forms
from django.utils.translation import gettext_lazy as _

SCALE = [(str(n), str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    score = forms.ChoiceField(
        label=_(
            "How satisfied are you with the support you received? "
            "(1 = very unhappy, 5 = very happy)"
        ),
        choices=SCALE,
        widget=forms.RadioSelect,
    )
    solved = forms.ChoiceField(
        label=_("Was your problem solved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        required=False,
    )
    effort = forms.ChoiceField(
        label=_("How easy was it to get help? (1 = very easy, 5 = very hard)"),
        choices=SCALE,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def answers(self) -> dict:
        data = self.cleaned_data
        solved = {"yes": True, "no": False}.get(data.get("solved") or "")
        return {
            "score": data["score"],
            "solved": solved,
            "effort": data.get("effort") or None,
            "comment": data.get("comment", ""),
        }
