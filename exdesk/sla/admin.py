"""Operators edit policies, calendars and breach rules here (the admin asks for 2FA).
A change moves the deadlines of conversations already running."""

from django.contrib import admin
from django.db import transaction

from . import tasks
from .models import BreachRule, BusinessCalendar, Holiday, SlaPolicy


class FollowedByClocks(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(tasks.policies_changed)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(tasks.policies_changed)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(FollowedByClocks):
    list_display = ["name", "timezone", "hours"]
    inlines = [HolidayInline]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(FollowedByClocks):
    list_display = [
        "name",
        "priority",
        "min_vip_tier",
        "channel",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "calendar",
        "active",
        "position",
    ]
    list_editable = ["active", "position"]
    list_filter = ["active", "priority", "channel"]


@admin.register(BreachRule)
class BreachRuleAdmin(admin.ModelAdmin):
    list_display = ["when", "metric", "priority", "action", "active", "position"]
    list_editable = ["active", "position"]
