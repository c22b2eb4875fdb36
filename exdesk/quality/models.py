"""Quality: the automatic review of every solved conversation and its flags."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FlagKind(models.TextChoices):
    SECRET_REQUEST = "secret_request", _("Asked the customer for a secret")
    BLOCKED_SECRET_REQUEST = "blocked_secret", _("Tried to ask for a secret (blocked)")
    PROFIT_PROMISE = "profit_promise", _("Promised returns or gave investment advice")
    TIPPING_OFF = "tipping_off", _("Tipping-off on a compliance case")
    MISSING_RISK_WARNING = "missing_risk_warning", _("No risk warning on a leverage topic")
    RUDE_TONE = "rude_tone", _("Rude or dismissive tone")
    NO_ANSWER = "no_answer", _("Customer left without an answer")
    SLOW_FIRST_RESPONSE = "slow_first_response", _("First response after its target")
    SLOW_RESOLUTION = "slow_resolution", _("Resolved after its target")


class AutoReview(models.Model):
    """The latest automatic review of a conversation (replaced when it is solved again)."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="auto_review"
    )
    score = models.PositiveSmallIntegerField()  # 0–100; 0 when an auto-fail rule fired
    auto_failed = models.BooleanField(default=False, db_index=True)
    reviewed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.conversation_id}: {self.score}"


class AutoFlag(models.Model):
    review = models.ForeignKey(AutoReview, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=24, choices=FlagKind.choices, db_index=True)
    # The message that caused it (none for a refused reply or a missed target).
    event = models.ForeignKey(
        "conversations.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.review.conversation_id}"


class Feedback(models.Model):
    """The customer's answer to the satisfaction survey: one per conversation, editable
    for a while after it is given (quality.feedback.EDIT_WINDOW)."""

    class Source(models.TextChoices):
        LINK = "link", _("Survey link")
        WIDGET = "widget", _("Chat widget")

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="feedback"
    )
    score = models.PositiveSmallIntegerField()  # 1 (very unhappy) – 5 (very happy)
    solved = models.BooleanField(null=True)  # "was your problem solved?"
    effort = models.PositiveSmallIntegerField(null=True)  # 1 (very easy) – 5 (very hard)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # A bad rating is acted on once (alert or reopen, as the operator configured).
    reacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.conversation_id}: {self.score}/5"


class SurveyRequest(models.Model):
    """The survey was sent for this conversation (once, however often it is solved)."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="survey"
    )
    channel = models.CharField(max_length=10)
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"survey for #{self.conversation_id}"
