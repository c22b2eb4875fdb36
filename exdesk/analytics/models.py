"""The read model the dashboards query: one row of facts per conversation, kept by the
task queue (rollup.py), so a page view never reads messages or timelines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.conversations.models import Conversation

# Conversations are bucketed by quarter hour of creation (seconds since 1970 // 900):
# every time zone's offset is a whole number of quarter hours, so the buckets map
# exactly onto any viewer's local hours and days, DST included.
SLOT_SECONDS = 900


class ConversationFact(models.Model):
    """What the dashboards count about one real (never training) conversation."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)
    created_slot = models.IntegerField()
    channel = models.CharField(max_length=10)
    language = models.CharField(max_length=10)
    intent = models.CharField(max_length=60, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    vip_tier = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10)
    open = models.BooleanField(default=True)  # new, open, pending or on hold: the backlog
    messages = models.PositiveIntegerField(default=0)
    # Seconds from the customer's first message to the first reply of a person.
    first_response_seconds = models.FloatField(null=True)
    # Seconds from creation to the (last) solve; from a person's first reply to it.
    resolution_seconds = models.FloatField(null=True)
    handling_seconds = models.FloatField(null=True)
    solved_at = models.DateTimeField(null=True)
    # None: no SLA target applied; else whether every target was met.
    sla_met = models.BooleanField(null=True)
    bot_answered = models.BooleanField(default=False)
    handed_off = models.BooleanField(default=False)  # the bot answered, then a person did
    contained = models.BooleanField(default=False)  # the bot answered and no person had to
    transfers = models.PositiveSmallIntegerField(default=0)
    reopens = models.PositiveSmallIntegerField(default=0)
    csat = models.PositiveSmallIntegerField(null=True)  # 1–5
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["created_slot"]),
            models.Index(fields=["agent", "created_at"]),
            models.Index(fields=["team", "created_at"]),
            models.Index(fields=["open", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"facts of #{self.conversation_id}"


class RollupState(models.Model):
    """Where the rollup sweep got to (one row)."""

    name = models.CharField(max_length=40, unique=True)
    watermark = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.watermark:%Y-%m-%d %H:%M}"


class ReportSubscription(models.Model):
    """A supervisor's scheduled e-mail report: the dashboard's summary for a period."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every Monday")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("team")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    last_sent_on = models.DateField(null=True, blank=True)  # the viewer's local date

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "frequency"], name="one_report_per_frequency")
        ]

    def __str__(self) -> str:
        return f"{self.frequency} report for {self.user_id}"
