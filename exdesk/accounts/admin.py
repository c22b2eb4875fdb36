from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Skill, Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "teams", "is_active"]
    filter_horizontal = ["teams", "skills", "groups", "user_permissions"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Support"), {"fields": ["role", "teams", "skills", "languages"]}),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "revoked"]
    readonly_fields = ["prefix", "created_at"]
    fields = ["name", "user", "prefix", "created_at", "revoked"]

    def has_add_permission(self, request):
        # Tokens are issued with `exdesk issuetoken`, which shows the secret once.
        return False
