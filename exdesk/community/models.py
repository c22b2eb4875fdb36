"""The community forum: traders ask and answer; staff mark official answers and moderate
(docs/community.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from exdesk.audit.models import AppendOnlyModel

LANGUAGE_CHOICES = [("en", "English"), ("zh-hans", "简体中文")]


class Member(models.Model):
    """A trader on the forum, known by the exchange's signed identity (``exchange_uid``)
    or by an e-mail address they proved they read."""

    display_name = models.CharField(_("display name"), max_length=40, unique=True)
    exchange_uid = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email = models.EmailField(unique=True, null=True, blank=True)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="en")
    # Links are allowed once trusted: by a moderator, or after enough visible posts.
    trusted_at = models.DateTimeField(null=True, blank=True)
    banned_until = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.display_name


class ForumCategory(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(max_length=80)
    name_zh_hans = models.CharField(max_length=80)
    description_en = models.CharField(max_length=300, blank=True)
    description_zh_hans = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_zh_hans if language == "zh-hans" else self.name_en

    def description(self, language: str) -> str:
        return self.description_zh_hans if language == "zh-hans" else self.description_en


class ForumTag(models.Model):
    slug = models.SlugField(max_length=40, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Topic(models.Model):
    """A question and its answers. ``merged_into`` sends readers to the topic it was
    merged into; its posts moved there."""

    category = models.ForeignKey(ForumCategory, on_delete=models.PROTECT, related_name="topics")
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(max_length=150)
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="topics")
    tags = models.ManyToManyField(ForumTag, blank=True, related_name="topics")
    locked = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    official_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [models.Index(fields=["language", "hidden", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """The question (``is_question``) or an answer. ``body`` is stored as screened: secrets
    masked and look-alike links hidden; the original goes nowhere."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    # An answer written by support staff in the console: shown as the exchange's team.
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forum_posts",
    )
    body = models.TextField()
    is_question = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True)
    # What the screening changed: guard kinds masked, look-alike links hidden.
    screened = models.JSONField(default=list, blank=True)
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=False) | Q(staff_author__isnull=False),
                name="community_post_has_an_author",
            )
        ]

    def __str__(self) -> str:
        return f"post {self.pk} in {self.topic_id}"


class Vote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField()  # +1 or -1

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="community_one_vote"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="community_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on post {self.post_id}"


class ReportReason(models.TextChoices):
    SCAM = "scam", _("Scam or fake support")
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or rude")
    SECRET = "secret", _("Shares private data")
    OTHER = "other", _("Something else")


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="community_one_report")
        ]

    def __str__(self) -> str:
        return f"{self.reason} on post {self.post_id}"


class ModerationKind(models.TextChoices):
    HIDE_POST = "hide_post", _("Hid a post")
    SHOW_POST = "show_post", _("Showed a post again")
    HIDE_TOPIC = "hide_topic", _("Hid a topic")
    SHOW_TOPIC = "show_topic", _("Showed a topic again")
    LOCK = "lock", _("Locked a topic")
    UNLOCK = "unlock", _("Unlocked a topic")
    MOVE = "move", _("Moved a topic")
    MERGE = "merge", _("Merged a topic")
    BAN = "ban", _("Banned a member")
    UNBAN = "unban", _("Lifted a ban")
    TRUST = "trust", _("Trusted a member")
    OFFICIAL = "official", _("Marked the official answer")
    DISMISS = "dismiss", _("Dismissed reports")
    AUTO_HIDE = "auto_hide", _("Hidden after reports")
    DRAFT = "draft", _("Drafted an article")


class ModerationAction(AppendOnlyModel):
    """The moderation audit trail: who did what to which topic, post or member, and why.
    ``actor`` is empty for what the forum did by itself (hidden after reports)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ModerationKind.choices)
    # PROTECT: the trail outlives nothing it speaks of (topics and posts are hidden,
    # never deleted).
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="moderation"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="moderation"
    )
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
