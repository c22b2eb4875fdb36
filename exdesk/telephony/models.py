from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language

from .choices import CallbackState, CallDirection, CallStatus

# E.164: "+" and at most 15 digits.
E164_LENGTH = 16


class CallRecord(models.Model):
    """One phone call as the telephony provider reported it. The provider calls back for
    each status of a call; every callback updates this one row, and the call lands on the
    conversation's timeline once, when it ends (``event``)."""

    call_sid = models.CharField(_("provider call id"), max_length=64, unique=True)
    account_sid = models.CharField(max_length=64, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=CallDirection.choices)
    # Empty when the caller withheld their number.
    caller = models.CharField(_("from"), max_length=E164_LENGTH, blank=True)
    callee = models.CharField(_("to"), max_length=E164_LENGTH)
    status = models.CharField(_("status"), max_length=12, choices=CallStatus.choices)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("agent"),
    )
    # Only https addresses are kept: the console links to it.
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    recording_seconds = models.PositiveIntegerField(null=True, blank=True)
    voicemail = models.BooleanField(_("voicemail"), default=False)
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="calls"
    )
    # True when this call opened its conversation: its first message already says so.
    opened_conversation = models.BooleanField(default=False)
    event = models.OneToOneField(
        "conversations.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.call_sid} {self.caller or '?'} → {self.callee} ({self.status})"


class CallbackRequest(models.Model):
    """A customer asked to be called back (the help center's form). It has a
    conversation of its own, so routing and SLA apply as to any request; ``due_at`` is
    the moment the call is owed by."""

    phone = models.CharField(_("phone number"), max_length=E164_LENGTH)
    name = models.CharField(_("name"), max_length=120)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    # The customer's preferred window (both or neither), and the zone they chose it in.
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    topic = models.CharField(_("topic"), max_length=150)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=CallbackState.choices,
        default=CallbackState.REQUESTED,
        db_index=True,
    )
    outcome_note = models.TextField(_("outcome"), blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="callbacks",
        verbose_name=_("agent"),
    )
    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="callback"
    )
    # Set once when the due moment passed with no call: the overdue sweep flags it once.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")

    def __str__(self) -> str:
        return f"{self.phone} by {self.due_at:%Y-%m-%d %H:%M} ({self.state})"
