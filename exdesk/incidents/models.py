"""Incident mode: what a supervisor declares when a chain halts, a maintenance starts or
the market crashes, the approved words customers get, and each status update sent to
the conversations it concerns (docs/incidents.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor: some customers notice")
    MAJOR = "major", _("Major: a product or network is down")
    CRITICAL = "critical", _("Critical: funds or the whole exchange affected")


class IncidentKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    MAINTENANCE = "maintenance", _("Scheduled maintenance")


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    IDENTIFIED = "identified", _("Identified")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")


class Incident(models.Model):
    title_en = models.CharField(_("title (English)"), max_length=160)
    title_zh = models.CharField(_("title (Chinese)"), max_length=160)
    kind = models.CharField(
        _("kind"), max_length=12, choices=IncidentKind.choices, default=IncidentKind.INCIDENT
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MAJOR
    )
    status = models.CharField(
        max_length=14, choices=IncidentStatus.choices, default=IncidentStatus.INVESTIGATING
    )
    # What it concerns, for matching incoming conversations: products ("futures"),
    # networks as the assistant names them ("TRC20"), intents, and words.
    products = models.JSONField(_("affected products"), default=list, blank=True)
    networks = models.JSONField(_("affected networks"), default=list, blank=True)
    intents = models.JSONField(_("intents"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # The approved words for customers, in each language.
    script_en = models.TextField(_("customer script (English)"))
    script_zh = models.TextField(_("customer script (Chinese)"))
    expected_update_at = models.DateTimeField(_("next update expected"), null=True, blank=True)
    public = models.BooleanField(_("show on the status page and banners"), default=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def active(self) -> bool:
        return self.resolved_at is None

    def title_in(self, language: str | None = None) -> str:
        language = language or get_language() or "en"
        return self.title_zh if language.startswith("zh") else self.title_en

    def script_in(self, language: str | None = None) -> str:
        language = language or get_language() or "en"
        return self.script_zh if language.startswith("zh") else self.script_en

    @property
    def title(self) -> str:
        return self.title_in()


class IncidentUpdate(models.Model):
    """A status update: shown on the status page and sent to every linked conversation."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=14, choices=IncidentStatus.choices)
    body_en = models.TextField(_("update (English)"))
    body_zh = models.TextField(_("update (Chinese)"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # When the broadcast to linked conversations finished (None: still going or none).
    broadcast_done_at = models.DateTimeField(null=True, blank=True)
    # The final update of a resolution that also solves the linked open conversations,
    # as this person, once the update has reached each of them.
    solves_linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.status}"

    def body_in(self, language: str | None = None) -> str:
        language = language or get_language() or "en"
        return self.body_zh if language.startswith("zh") else self.body_en


class IncidentLink(models.Model):
    """A conversation the incident concerns."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="incident_links"
    )
    linked_at = models.DateTimeField()
    by = models.CharField(max_length=12)  # "match" (automatic) or "agent"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "conversation"], name="link_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ↔ {self.conversation_id}"


class DeliveryState(models.TextChoices):
    # Not messaging.models.DeliveryState: that one stores "queued" where this stores
    # "pending" (existing rows and the incident page's counts), so sharing it would need
    # a data migration for no gain.
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class UpdateDelivery(models.Model):
    """One update to one linked conversation. Created for every link before anything is
    sent and marked sent in the same transaction that sends it: a broadcast killed
    midway resumes with the pending ones and never sends one twice."""

    update = models.ForeignKey(IncidentUpdate, on_delete=models.CASCADE, related_name="deliveries")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "conversation"], name="deliver_once")
        ]
        indexes = [models.Index(fields=["update", "state"])]

    def __str__(self) -> str:
        return f"{self.update_id} → {self.conversation_id} ({self.state})"


def new_subscriber_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class StatusSubscriber(models.Model):
    """Someone who asked for the status page's news by e-mail (confirmed by a link)."""

    email = models.EmailField(_("e-mail"), unique=True)
    language = models.CharField(max_length=10, default="en")
    token = models.CharField(max_length=64, unique=True, default=new_subscriber_token)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.email
