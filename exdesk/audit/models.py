from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an append-only table are never changed or removed through the ORM."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only")


class AuditAction(models.TextChoices):
    VIEW_CONVERSATION = "view_conversation", _("Viewed a conversation")
    VIEW_CUSTOMER = "view_customer", _("Viewed a customer profile")
    VIEW_ATTACHMENT = "view_attachment", _("Opened an attachment")
    EXPORT = "export", _("Exported data")
    API_READ = "api_read", _("Read through the API")
    VIEW_EXCHANGE_ACCOUNT = "view_exchange_account", _("Read the exchange account")
    ACCOUNT_ACTION = "account_action", _("Acted on the exchange account")
    MERGE_IDENTITY = "merge_identity", _("Linked a channel identity to a customer")
    VIEW_RAW_MAIL = "view_raw_mail", _("Opened a raw e-mail")


class AuditEntry(AppendOnlyModel):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64)
    # The customer whose data was seen, so "who saw customer X" is one query.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.target_type}:{self.target_id}"
