from django.contrib import admin

from .models import InboundMail, OutboundMail


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    """Quarantined mail waits here for an administrator: why, from whom, what it said."""

    list_display = ("received_at", "state", "reason", "sender", "subject", "dmarc", "via")
    list_filter = ("state", "reason", "via", "dmarc")
    search_fields = ("sender", "subject", "message_id")
    exclude = ("raw",)
    readonly_fields = [
        f.name for f in InboundMail._meta.get_fields() if f.concrete and f.name != "raw"
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "state", "to", "conversation", "attempts", "error")
    list_filter = ("state",)
    readonly_fields = ("conversation", "event", "message_id", "to", "state", "error", "attempts",
                       "created_at", "sent_at")  # fmt: skip

    def has_add_permission(self, request):
        return False
