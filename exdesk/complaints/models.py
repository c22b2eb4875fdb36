"""Formal complaints: a conversation that the exchange must acknowledge and answer in
writing by deadlines, escalating from the agent to the complaints officer to management,
kept in a register a regulator may ask for (docs/complaints.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    AGENT = "agent", _("Agent")
    OFFICER = "officer", _("Complaints officer")
    MANAGEMENT = "management", _("Management")


LEVELS = [Level.AGENT, Level.OFFICER, Level.MANAGEMENT]


class ComplaintCategory(models.TextChoices):
    SERVICE = "service", _("Service")
    FEES = "fees", _("Fees and charges")
    TRADING = "trading", _("Trading and liquidation")
    FUNDS = "funds", _("Deposits and withdrawals")
    ACCOUNT = "account", _("Account, KYC and restrictions")
    OTHER = "other", _("Other")


class ComplaintState(models.TextChoices):
    OPEN = "open", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Outcome sent")


class Complaint(models.Model):
    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="complaint"
    )
    category = models.CharField(_("category"), max_length=10, choices=ComplaintCategory.choices)
    summary = models.TextField(_("what the customer complains about"))
    state = models.CharField(
        max_length=12, choices=ComplaintState.choices, default=ComplaintState.OPEN, db_index=True
    )
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.AGENT)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(db_index=True)
    acknowledge_due = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolve_due = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("written outcome"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"CMP-{self.pk:06d}"


class StepKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ESCALATED = "escalated", _("Escalated")
    OVERDUE = "overdue", _("Deadline missed")
    RESOLVED = "resolved", _("Outcome sent")


class ComplaintStep(models.Model):
    """The complaint's history, for the register: who did what, when, at which level."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A deadline is missed once.
            models.UniqueConstraint(
                fields=["complaint", "kind", "note"],
                condition=models.Q(kind="overdue"),
                name="overdue_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.kind}"
