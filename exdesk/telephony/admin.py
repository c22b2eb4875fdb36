from django.contrib import admin

from .models import CallbackRequest, CallRecord


@admin.register(CallRecord)
class CallRecordAdmin(admin.ModelAdmin):
    """What the provider reported, for looking into a call; changed only by the webhook."""

    list_display = ("created_at", "call_sid", "direction", "caller", "callee", "status", "agent")
    list_filter = ("direction", "status", "voicemail")
    search_fields = ("call_sid", "caller", "callee")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CallRecord._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CallbackRequest)
class CallbackRequestAdmin(admin.ModelAdmin):
    """Callbacks are requested by customers and logged by agents in the console."""

    list_display = ("due_at", "phone", "name", "state", "agent", "overdue_flagged_at")
    list_filter = ("state", "language")
    search_fields = ("phone", "name", "topic")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CallbackRequest._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
