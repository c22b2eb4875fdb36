from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["uid", "display_name", "language", "vip_tier", "kyc_level"]
    search_fields = ["uid", "email", "display_name"]
    list_filter = ["language", "vip_tier", "kyc_level"]
