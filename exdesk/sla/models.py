"""Service-level policies, the calendars that pause them, the clocks that run per
conversation, and the rules that fire when a clock warns or breaches (docs/sla.md)."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.conversations.choices import Channel, Priority, Status

from . import calendar


def check_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone.")) from exc


def check_hours(text: str) -> None:
    try:
        calendar.parse_hours(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class BusinessCalendar(models.Model):
    """When the clocks of a policy run: 24/7, or opening hours per weekday in a time
    zone, minus holidays."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=60, default="UTC", validators=[check_timezone]
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=300,
        default="24/7",
        validators=[check_hours],
        help_text=_('"24/7", or e.g. "mon-fri 09:00-18:00; sat 10:00-14:00".'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name

    def as_calendar(self) -> calendar.Calendar:
        return calendar.Calendar(
            timezone=self.timezone,
            weekly=calendar.parse_hours(self.hours),
            # .all(): a prefetched list when the caller read them with the calendar.
            holidays=frozenset(holiday.date for holiday in self.holidays.all()),
        )


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=80, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


def default_pause_statuses() -> list[str]:
    return [Status.PENDING]


class SlaPolicy(models.Model):
    """Targets for the conversations it matches. Blank conditions match anything; the
    policy with the most conditions set wins, then the lower position."""

    name = models.CharField(_("name"), max_length=80)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    min_vip_tier = models.PositiveSmallIntegerField(_("VIP tier at least"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("calendar"),
        help_text=_("Empty: 24/7."),
    )
    warning_fraction = models.FloatField(
        _("warn at this share of the target"),
        default=0.75,
        validators=[MinValueValidator(0.1), MaxValueValidator(0.99)],
    )
    # Statuses in which the clocks stop counting (waiting on the customer).
    pause_statuses = models.JSONField(_("statuses that pause"), default=default_pause_statuses)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.pause_statuses or []) - {Status.PENDING, Status.ON_HOLD}
        if not isinstance(self.pause_statuses, list) or unknown:
            raise ValidationError(
                {"pause_statuses": _('A list drawn from "pending" and "on_hold".')}
            )


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


RESPONSE_METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE)


class SlaClock(models.Model):
    """One target of one conversation. Running (``running_since`` set, with its due and
    warning moments), paused (neither), or stopped (``stopped_at``)."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    metric = models.CharField(max_length=20, choices=Metric.choices)
    policy = models.ForeignKey(SlaPolicy, null=True, on_delete=models.SET_NULL, related_name="+")
    target_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    # Open-calendar seconds counted before the current running stretch.
    elapsed_seconds = models.FloatField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Stopped without being met or breached: the case was solved before anyone answered
    # (the bot did), or the conversation no longer has a target for it.
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["conversation", "stopped_at"])]

    def __str__(self) -> str:
        return f"{self.metric} of #{self.conversation_id}"

    @property
    def paused(self) -> bool:
        return self.stopped_at is None and self.running_since is None


class BreachRule(models.Model):
    """What happens when a clock warns or breaches. Operators add, change and switch
    these off in the admin; exdesk starts with notify, raise and re-route on breach."""

    class When(models.TextChoices):
        WARNING = "warning", _("At the warning")
        BREACH = "breach", _("At the breach")

    class Action(models.TextChoices):
        NOTIFY_SUPERVISORS = "notify_supervisors", _("Notify the team's supervisors")
        NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
        RAISE_PRIORITY = "raise_priority", _("Raise the priority one step (up to P1)")
        REROUTE = "reroute", _("Re-route if unanswered")

    when = models.CharField(_("when"), max_length=10, choices=When.choices)
    metric = models.CharField(
        _("target"), max_length=20, choices=Metric.choices, blank=True, help_text=_("Empty: any.")
    )
    priority = models.CharField(
        _("priority"),
        max_length=2,
        choices=Priority.choices,
        blank=True,
        help_text=_("Empty: any."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("breach rule")
        verbose_name_plural = _("breach rules")

    def __str__(self) -> str:
        return f"{self.get_when_display()}: {self.get_action_display()}"


class StaffNotification(models.Model):
    """A message to one staff member in the console: an SLA warning or breach, an
    escalation received. Stored as a kind and its detail, worded in the reader's
    language when shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20)
    # The metric of an SLA notice, the team of an escalation.
    detail = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.detail} for {self.user_id}"


class PoliciesVersion(models.Model):
    """A fresh random token whenever a policy, calendar or holiday is saved or deleted:
    each process keeps the policies it read until the token changes (one plain read
    per new conversation instead of three)."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
