"""Customer education: tutorial series built from help-center articles with each reader's
progress, security-awareness campaigns shown for a period in the help center and the chat
widget, and webinars with registration, reminders and recordings (docs/education.md)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exdesk.helpcenter.models import LANGUAGE_CHOICES

# The longest webinar: what a listing looks back over to find one still running.
MAX_WEBINAR_MINUTES = 8 * 60


class TutorialSeries(models.Model):
    """An ordered series of help-center articles in one language ("Your first deposit")."""

    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    slug = models.SlugField(_("address"), max_length=80)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["language", "position", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="series_slug_per_language")
        ]
        verbose_name = _("tutorial series")
        verbose_name_plural = _("tutorial series")

    def __str__(self) -> str:
        return self.title


class TutorialStep(models.Model):
    """One article of a series, at its place. The article is in the series' language."""

    series = models.ForeignKey(TutorialSeries, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    article = models.ForeignKey(
        "helpcenter.Article", on_delete=models.CASCADE, related_name="tutorial_steps"
    )

    class Meta:
        ordering = ["series", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "article"], name="article_once_per_series")
        ]

    def __str__(self) -> str:
        return f"{self.series_id}#{self.position}: {self.article_id}"


class TutorialProgress(models.Model):
    """A step a reader marked as done. ``reader`` is a keyed hash of their session, never
    the session key itself (helpcenter.services.voter_id)."""

    series = models.ForeignKey(TutorialSeries, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(TutorialStep, on_delete=models.CASCADE, related_name="progress")
    reader = models.CharField(max_length=64)
    done_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "reader"], name="step_done_once_per_reader")
        ]
        indexes = [models.Index(fields=["series", "reader"])]

    def __str__(self) -> str:
        return f"{self.step_id} done by {self.reader[:8]}"


class AwarenessCampaign(models.Model):
    """A short security reminder shown in the help center and the chat widget while
    ``starts_at <= now < ends_at``."""

    title_en = models.CharField(_("title (English)"), max_length=160)
    title_zh = models.CharField(_("title (Chinese)"), max_length=160)
    body_en = models.CharField(_("text (English)"), max_length=600)
    body_zh = models.CharField(_("text (Chinese)"), max_length=600)
    article_slug_en = models.SlugField(
        _("help-center article (English)"), max_length=80, blank=True
    )
    article_slug_zh = models.SlugField(
        _("help-center article (Chinese)"), max_length=80, blank=True
    )
    starts_at = models.DateTimeField(_("shown from"), db_index=True)
    ends_at = models.DateTimeField(_("shown until"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_it_starts"
            )
        ]
        verbose_name = _("awareness campaign")
        verbose_name_plural = _("awareness campaigns")

    def __str__(self) -> str:
        return self.title_en

    def title_in(self, language: str | None = None) -> str:
        return self.title_zh if _is_chinese(language) else self.title_en

    def body_in(self, language: str | None = None) -> str:
        return self.body_zh if _is_chinese(language) else self.body_en

    def article_slug_in(self, language: str | None = None) -> str:
        return self.article_slug_zh if _is_chinese(language) else self.article_slug_en

    def shown_at(self, moment: dt.datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def _is_chinese(language: str | None) -> bool:
    return (language or get_language() or "en").lower().startswith("zh")


class Webinar(models.Model):
    """A live session in one language. The join link goes only to registrants."""

    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=4000)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    host_name = models.CharField(_("host"), max_length=120)
    join_url = models.URLField(_("join link"), max_length=500)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Raised when the time, duration or join link changes or the webinar is cancelled:
    # calendars replace the event they hold (RFC 5545 SEQUENCE) instead of adding another.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


def new_registration_token() -> str:
    return secrets.token_urlsafe(32)


class WebinarRegistration(models.Model):
    """Someone registered for a webinar. One active registration per address; the token
    in the cancel link is the only way to reach it from outside."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, default=new_registration_token)
    created_at = models.DateTimeField()
    # Each mail is claimed by setting its stamp with a conditional UPDATE that commits
    # before the mail is sent (and is undone if the send fails): two workers never both
    # send it (services._claim_and_send).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)  # again after 1 h
    reminder_day_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_hour_sent_at = models.DateTimeField(null=True, blank=True)
    recording_sent_at = models.DateTimeField(null=True, blank=True)
    cancellation_sent_at = models.DateTimeField(null=True, blank=True)
    # The webinar's SEQUENCE the registrant last had mailed (the confirmation or a
    # change): a change mail goes once per SEQUENCE.
    changed_sent_sequence = models.PositiveIntegerField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["webinar", "email"],
                condition=Q(cancelled_at__isnull=True),
                name="one_active_registration_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.webinar_id}: {self.email}"

    @property
    def active(self) -> bool:
        return self.cancelled_at is None
