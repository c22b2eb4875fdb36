from django import forms
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.models import User

from .choices import Visibility
from .models import LANGUAGE_CHOICES, Section


class ArticleTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One sentence, shown in search results and to search engines."),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_(
            "Use ## for headings. Link another article with [text](article:its-address). "
            "Glossary terms are linked automatically."
        ),
    )
    note = forms.CharField(label=_("Change note"), max_length=200, required=False)


class TranslationSyncForm(ArticleTextForm):
    synced_with_source = forms.BooleanField(
        label=_("This translation now matches the latest version of the original"),
        required=False,
    )


class NewArticleForm(ArticleTextForm):
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.select_related("category")
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens; it becomes part of the page address."),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)


class TranslateForm(ArticleTextForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    slug = forms.SlugField(label=_("Address"), max_length=80)


class SettingsForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.select_related("category")
    )
    slug = forms.SlugField(label=_("Address"), max_length=80)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.filter(is_active=True), required=False
    )
    review_by = forms.DateField(
        label=_("Review by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class FromConversationForm(forms.Form):
    event = forms.IntegerField(widget=forms.HiddenInput)
    section = forms.ModelChoiceField(
        label=_("Section"), queryset=Section.objects.select_related("category")
    )
