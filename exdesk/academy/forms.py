from django import forms
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.models import Team, User

from .models import LearningPath


class AssignPathForm(forms.Form):
    path = forms.ModelChoiceField(LearningPath.objects.all(), label=_("Learning path"))
    users = forms.ModelMultipleChoiceField(
        User.objects.filter(is_active=True).order_by("username"),
        label=_("Agents"),
        required=False,
    )
    team = forms.ModelChoiceField(Team.objects.all(), label=_("Or a whole team"), required=False)
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("users") and not data.get("team"):
            raise forms.ValidationError(_("Choose agents or a team."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
