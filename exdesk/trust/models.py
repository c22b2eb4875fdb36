from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.audit.models import AppendOnlyModel

from .choices import ChangeAction, ChannelKind, Verdict, Via

MAX_VALUE_LENGTH = 255


class OfficialChannel(models.Model):
    """One official channel. ``normalized`` is what checks compare (lookalike.normalize).

    A domain covers its subdomains when ``covers_subdomains`` is set; e-mail addresses at
    it are official only when ``any_address_at_domain`` is set (else list each address)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    value = models.CharField(_("value"), max_length=MAX_VALUE_LENGTH)
    normalized = models.CharField(max_length=MAX_VALUE_LENGTH, db_index=True)
    label = models.CharField(_("label"), max_length=120, blank=True)
    note = models.TextField(_("internal note"), max_length=1000, blank=True)
    covers_subdomains = models.BooleanField(_("its subdomains are official too"), default=True)
    any_address_at_domain = models.BooleanField(
        _("every e-mail address at this domain is official"), default=False
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "normalized"]
        verbose_name = _("official channel")
        verbose_name_plural = _("official channels")
        constraints = [
            models.UniqueConstraint(fields=["kind", "normalized"], name="trust_unique_channel")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.normalized}"


class OfficialChannelChange(AppendOnlyModel):
    """The registry's history: who added, changed, deactivated or reactivated what."""

    channel = models.ForeignKey(OfficialChannel, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=12, choices=ChangeAction.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.channel_id}"


class VerificationCheck(models.Model):
    """One lookup. The value is kept only for look-alikes (which fakes circulate); what
    else people check is not recorded."""

    kind = models.CharField(max_length=10, choices=ChannelKind.choices, blank=True)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    via = models.CharField(max_length=5, choices=Via.choices)
    normalized = models.CharField(max_length=MAX_VALUE_LENGTH, blank=True)
    imitated = models.ForeignKey(
        OfficialChannel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["verdict", "created_at"])]

    def __str__(self) -> str:
        return f"{self.via} {self.kind or '?'} {self.verdict}"
