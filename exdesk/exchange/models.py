import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionKind(models.TextChoices):
    FREEZE = "freeze", _("Freeze the account")
    UNFREEZE_REQUEST = "unfreeze_request", _("Ask the exchange to unfreeze")
    EMAIL_VERIFICATION = "email_verification", _("Resend the e-mail verification")


class ActionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a second person's approval")
    SENDING = "sending", _("Sent to the exchange, no answer yet")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, may be retried")
    REJECTED = "rejected", _("Rejected by the approver")


class AccountAction(models.Model):
    """An approved action support asks the exchange to perform on a trader's account.

    The row exists before the exchange is asked, so a crash or a timeout leaves a record
    that can be retried with the same idempotency key, never a second freeze."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="account_actions"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="account_actions"
    )
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the exchange answered: its reference, or why the call failed.
    exchange_reference = models.CharField(max_length=80, blank=True)
    error = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account action")
        verbose_name_plural = _("account actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class RecoveryStep(models.Model):
    """One step of a stolen-account recovery checklist, ticked off by a person."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="recovery_steps"
    )
    code = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "code"], name="recovery_step_once")
        ]

    def __str__(self) -> str:
        return self.code
