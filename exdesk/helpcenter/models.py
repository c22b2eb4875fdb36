"""The knowledge base: categories → sections → articles, one row per article and language.

An article's text lives in append-only versions. ``live_version`` is what readers see;
``current_version`` is the newest save. Editing a published article adds a version that
stays unseen until a reviewer approves it, so the help center never shows unreviewed text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exdesk.audit.models import AppendOnlyModel

from .choices import ActivityKind, ArticleStatus, NotHelpfulReason, SearchSource, Visibility

LANGUAGE_CHOICES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]


def _in_language(obj, field: str, language: str | None = None) -> str:
    zh = (language or get_language() or "").lower().startswith("zh")
    return getattr(obj, f"{field}_zh_hans" if zh else f"{field}_en")


class Category(models.Model):
    slug = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=80)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    description_zh_hans = models.CharField(
        _("description (Simplified Chinese)"), max_length=200, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Staff-only categories (procedures, scripts) never appear in the public help center.
    internal = models.BooleanField(_("staff only"), default=False)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("help-center category")
        verbose_name_plural = _("help-center categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")

    @property
    def description(self) -> str:
        return _in_language(self, "description")


class Section(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sections")
    slug = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    # Restricted sections (e.g. security procedures): only supervisors, administrators
    # and the staff named here may change their articles.
    restricted = models.BooleanField(_("restricted editing"), default=False)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("allowed editors")
    )

    class Meta:
        ordering = ["category__position", "position", "slug"]
        verbose_name = _("help-center section")
        verbose_name_plural = _("help-center sections")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self, "name")


class Article(models.Model):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    slug = models.SlugField(_("address"), max_length=80)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    # A translation points at the article it was translated from.
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations"
    )
    # The source's version number this translation was last brought up to date with.
    source_synced_number = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
        verbose_name=_("owner"),
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    current_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    live_version = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    live_since = models.DateTimeField(null=True, blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    # "Turn this answer into an article": the conversation the draft came from.
    from_conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section__category__position", "section__position", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="article_slug_per_language")
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        version = self.live_version or self.current_version
        return version.title if version else self.slug

    @property
    def is_live(self) -> bool:
        return self.live_version_id is not None and self.status != ArticleStatus.ARCHIVED

    @property
    def has_unpublished_changes(self) -> bool:
        return self.current_version_id != self.live_version_id


class ArticleVersion(AppendOnlyModel):
    """Every save of an article: never edited, so any two can be compared."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"))
    # Empty for starter content that shipped with exdesk.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} v{self.number}"


class ArticleActivity(AppendOnlyModel):
    """The workflow's trail: who submitted, approved, asked for changes, archived."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="activity")
    version = models.ForeignKey(
        ArticleVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class GlossaryTerm(models.Model):
    key = models.SlugField(unique=True)
    term_en = models.CharField(_("term (English)"), max_length=80)
    term_zh_hans = models.CharField(_("term (Simplified Chinese)"), max_length=80)
    # Other spellings readers use, linked like the term itself.
    aliases_en = models.JSONField(_("aliases (English)"), default=list, blank=True)
    aliases_zh_hans = models.JSONField(_("aliases (Simplified Chinese)"), default=list, blank=True)
    definition_en = models.TextField(_("definition (English)"))
    definition_zh_hans = models.TextField(_("definition (Simplified Chinese)"))
    # The article that explains the term best (its address, in either language).
    article_slug = models.SlugField(_("article"), max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term_en"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self) -> str:
        return self.term

    @property
    def term(self) -> str:
        return _in_language(self, "term")

    @property
    def definition(self) -> str:
        return _in_language(self, "definition")

    def names(self, language: str) -> list[str]:
        """The term and its aliases in one language."""
        if language.startswith("zh"):
            return [self.term_zh_hans, *self.aliases_zh_hans]
        return [self.term_en, *self.aliases_en]


class SynonymGroup(models.Model):
    """Words searched as one, e.g. 提币, 提现, withdraw. Applied at query time, so a change
    takes effect at once without re-indexing."""

    words = models.CharField(
        _("words"), max_length=300, help_text=_("Separate the words with commas.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("search synonym group")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.words

    @property
    def word_list(self) -> list[str]:
        return [w.strip() for w in self.words.replace("，", ",").split(",") if w.strip()]


class ArticleFeedback(models.Model):
    """ "Was this helpful?" One answer per reader and article; a second one replaces it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES)
    helpful = models.BooleanField()
    reason = models.CharField(max_length=20, choices=NotHelpfulReason.choices, blank=True)
    comment = models.CharField(max_length=1000, blank=True)
    # A keyed hash of the reader's session: one vote each, and no way back to the reader.
    voter = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "voter"], name="one_vote_per_reader")
        ]

    def __str__(self) -> str:
        return f"{'yes' if self.helpful else 'no'} on {self.article_id}"


class SearchQuery(models.Model):
    """A search, for analytics: what readers look for, what they open, what finds nothing."""

    query = models.CharField(max_length=200)
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES)
    source = models.CharField(max_length=12, choices=SearchSource.choices)
    results = models.PositiveIntegerField()
    clicked_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.query


class SearchTerm(models.Model):
    """Every Latin term in the index: what a misspelt query word is corrected against."""

    term = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.term
