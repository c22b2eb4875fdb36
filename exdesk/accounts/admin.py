from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from .choices import Language
from .models import ApiToken, Skill, Team, User


class StaffChangeForm(UserChangeForm):
    # Stored as a JSON list; edited as checkboxes.
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "escalation_kind"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class StaffAdmin(UserAdmin):
    form = StaffChangeForm
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "teams", "is_active"]
    filter_horizontal = ["teams", "skills", "groups", "user_permissions"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            _("Support"),
            {"fields": ["role", "teams", "skills", "languages", "max_chats", "max_tickets"]},
        ),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked"]
    readonly_fields = ["prefix", "created_at"]
    fields = ["name", "user", "prefix", "created_at", "revoked"]

    def has_add_permission(self, request):
        # Tokens are issued with `exdesk issuetoken`, which shows the secret once.
        return False
