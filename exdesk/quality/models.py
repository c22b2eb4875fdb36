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


# ---------------------------------------------------------------- QA scorecards


class Scorecard(models.Model):
    """What QA reviewers score a conversation on, for one channel or all."""

    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, blank=True)  # blank: every channel
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    label_en = models.CharField(_("criterion (English)"), max_length=200)
    label_zh = models.CharField(_("criterion (Chinese)"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    # Failing it fails the whole review (e.g. asked for a seed phrase).
    auto_fail = models.BooleanField(_("auto-fail"), default=False)
    # The academy lesson (key) an agent is given when they fail it, if any.
    lesson_key = models.SlugField(_("training lesson"), blank=True)

    class Meta:
        ordering = ["scorecard", "position", "id"]

    def __str__(self) -> str:
        return self.label_en

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        return self.label_zh if (get_language() or "").startswith("zh") else self.label_en


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DISPUTED = "disputed", _("Disputed")
    UPHELD = "upheld", _("Dispute rejected")
    AMENDED = "amended", _("Amended after dispute")


class QaReview(models.Model):
    """A reviewer's scoring of one conversation against a scorecard."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="qa_reviews"
    )
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="qa_reviews_given"
    )
    # Who is reviewed: the agent who handled the conversation.
    agent = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="qa_reviews"
    )
    calibration = models.ForeignKey(
        "Calibration", null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    score = models.PositiveSmallIntegerField()  # 0–100
    auto_failed = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=ReviewState.choices, default="submitted")
    created_at = models.DateTimeField()
    dispute_reason = models.TextField(blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "reviewer", "calibration"],
                name="one_review_per_reviewer",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.conversation_id} by {self.reviewer_id}: {self.score}"


class CriterionScore(models.Model):
    review = models.ForeignKey(QaReview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(null=True)  # None: does not apply to this conversation
    comment = models.CharField(max_length=500, blank=True)
    # The exact message the comment is about, if any.
    event = models.ForeignKey(
        "conversations.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["review", "criterion__position"]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.passed}"


class Calibration(models.Model):
    """Several reviewers score the same conversation to see how far they differ."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"calibration on #{self.conversation_id}"


class BotAnswerFeedback(models.Model):
    """A customer's "did this help?" on one of the bot's answers in a chat."""

    class Reason(models.TextChoices):
        WRONG = "wrong", _("It did not answer my question")
        UNCLEAR = "unclear", _("It was hard to understand")
        PERSON = "person", _("I wanted a person")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="bot_feedback"
    )
    event = models.OneToOneField(
        "conversations.Event", on_delete=models.CASCADE, related_name="bot_feedback"
    )
    helpful = models.BooleanField()
    reason = models.CharField(max_length=10, choices=Reason.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{'yes' if self.helpful else 'no'} on event {self.event_id}"
