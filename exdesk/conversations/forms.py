from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import EscalationKind, Language

from .choices import Priority, Status
from .models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; type and size are checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.txt,.csv"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _attachments_help() -> str:
    return gettext("Up to %(count)d screenshots, PDF or text files, %(mb)d MB each.") % {
        "count": settings.ATTACHMENT_MAX_FILES,
        "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }


def attachments_field() -> MultipleFileField:
    # The help text is built per request, in the request's language.
    return MultipleFileField(label=_("Attachments"), help_text=lazy(_attachments_help, str)())


class TicketForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=Category.objects.all(), empty_label=None
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Include the coin, network, amount and transaction ID (TxID) if it is about a "
            "deposit or withdrawal. Never share your password, 2FA codes or seed phrase."
        ),
    )
    email = forms.EmailField(
        label=_("Your e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    language = forms.ChoiceField(label=_("Language for our answer"), choices=Language.choices)
    attachments = attachments_field()
    # The help-center article the customer came from, kept for the agent as context.
    article = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CustomerReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachments = attachments_field()


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = attachments_field()
    status = forms.ChoiceField(
        label=_("Then set status to"),
        choices=[("", _("keep as is")), *Status.choices],
        required=False,
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        # Shown beside the reply form, whose field is also "body": distinct ids keep each
        # label on its own box.
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separate tags with commas."),
    )

    def cleaned_names(self) -> list[str]:
        # Chinese keyboards type the full-width comma; accept both.
        text = self.cleaned_data["tags"].replace("，", ",")
        return [t for t in text.split(",") if t.strip()]


class EscalationForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "escalate-%s")
        super().__init__(*args, **kwargs)

    kind = forms.ChoiceField(label=_("Escalate to"), choices=EscalationKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    note = forms.CharField(
        label=_("Hand-off note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is known, what was done, what you ask of them."),
    )
