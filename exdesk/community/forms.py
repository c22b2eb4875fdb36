from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ForumCategory, ReportReason
from .services import BODY_MAX, TITLE_MAX


class AskForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ForumCategory.objects.all(), empty_label=None
    )
    title = forms.CharField(label=_("Your question, in one line"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Details"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Never post your password, 2FA codes, seed phrase or private keys."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=200, help_text=_("Up to five, with commas.")
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should moderators look at it?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EmailSignInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class NameForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown on your posts"), max_length=40)


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Answer as the support team"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    official = forms.BooleanField(label=_("Mark as the official answer"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the moderation log)"), max_length=200)


class BanForm(ReasonForm):
    days = forms.IntegerField(
        label=_("Days (empty: until lifted)"), required=False, min_value=1, max_value=3650
    )


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Move to"), queryset=ForumCategory.objects.all())
