"""Knowledge-base rules: writing, review and publishing, translations, feedback, search
analytics. Views, the API, commands and the assistant all change articles through here."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.models import User
from exdesk.accounts.permissions import (
    edits_restricted_sections,
    reviews_articles,
    writes_articles,
)

from . import search
from .choices import LANGUAGES, ActivityKind, ArticleStatus, NotHelpfulReason, Visibility
from .models import (
    Article,
    ArticleActivity,
    ArticleFeedback,
    ArticleVersion,
    SearchQuery,
    Section,
)

MAX_TITLE = 200
MAX_DESCRIPTION = 300
MAX_BODY = 100_000
MAX_COMMENT = 1000


# ---------------------------------------------------------------- permissions


def can_edit(user: User, section: Section) -> bool:
    """Staff who write articles may edit one, except in a restricted section (security
    procedures), which only supervisors, administrators and its named editors may."""
    if not writes_articles(user):
        return False
    if section.restricted and not edits_restricted_sections(user):
        return section.editors.filter(pk=user.pk).exists()
    return True


def check_can_edit(user: User, section: Section) -> None:
    if not can_edit(user, section):
        raise PermissionDenied(_("You may not edit articles in this section."))


def check_can_review(user: User) -> None:
    if not reviews_articles(user):
        raise PermissionDenied(_("Only reviewers may publish, archive or send back articles."))


# ---------------------------------------------------------------- writing


def _clean_text(title: str, description: str, body: str) -> tuple[str, str, str]:
    title, description, body = (title or "").strip(), (description or "").strip(), body or ""
    errors = {}
    if not title:
        errors["title"] = _("Give the article a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Use at most %(n)d characters.") % {"n": MAX_TITLE}
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("Use at most %(n)d characters.") % {"n": MAX_DESCRIPTION}
    if not body.strip():
        errors["body"] = _("Write the article's text.")
    elif len(body) > MAX_BODY:
        errors["body"] = _("Use at most %(n)d characters.") % {"n": MAX_BODY}
    if errors:
        raise ValidationError(errors)
    return title, description, body


def _clean_settings(language: str, slug: str, visibility: str) -> None:
    errors = {}
    if language not in LANGUAGES:
        errors["language"] = _("Choose English or Simplified Chinese.")
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = _("Use lower-case letters, digits and hyphens for the address.")
    if visibility not in Visibility.values:
        errors["visibility"] = _("Choose who may read the article.")
    if errors:
        raise ValidationError(errors)


def _new_version(
    article: Article, author: User | None, title, description, body, note=""
) -> ArticleVersion:
    last = article.versions.aggregate(n=Max("number"))["n"] or 0
    version = ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=title,
        description=description,
        body=body,
        author=author,
        note=(note or "").strip()[:200],
    )
    article.current_version = version
    return version


def _save_unique_address(article: Article) -> None:
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": _("Another article in this language already has this address.")}
        ) from None


def _log(article, kind, actor, version=None, comment="") -> None:
    ArticleActivity.objects.create(
        article=article, kind=kind, actor=actor, version=version, comment=comment[:500]
    )


@transaction.atomic
def create_article(
    user: User | None,
    *,
    section: Section,
    language: str,
    slug: str,
    title: str,
    body: str,
    description: str = "",
    visibility: str = Visibility.PUBLIC,
    owner: User | None = None,
    review_by: date | None = None,
    source: Article | None = None,
    from_conversation=None,
) -> Article:
    """A new draft (version 1). ``user`` None is exdesk itself (starter content)."""
    if user is not None:
        check_can_edit(user, section)
    if section.category.internal:
        visibility = Visibility.INTERNAL
    _clean_settings(language, slug, visibility)
    title, description, body = _clean_text(title, description, body)
    if source is not None and source.language == language:
        raise ValidationError({"language": _("A translation needs another language.")})
    article = Article(
        section=section,
        language=language,
        slug=slug,
        visibility=visibility,
        owner=owner or user,
        review_by=review_by,
        source=source,
        source_synced_number=(
            source.current_version.number if source and source.current_version else 0
        ),
        from_conversation=from_conversation,
    )
    _save_unique_address(article)
    version = _new_version(article, user, title, description, body)
    article.save(update_fields=["current_version"])
    _log(article, ActivityKind.CREATED, user, version)
    return article


@transaction.atomic
def save_version(
    user: User,
    article: Article,
    *,
    title: str,
    description: str,
    body: str,
    note: str = "",
    synced_with_source: bool = False,
) -> ArticleVersion:
    """Every save is a new version. A published article keeps showing its reviewed text
    until this version is approved."""
    article = (
        Article.objects.select_for_update(of=("self",)).select_related("section").get(pk=article.pk)
    )
    check_can_edit(user, article.section)
    if article.status == ArticleStatus.ARCHIVED:
        raise ValidationError(_("Restore the article before you change it."))
    title, description, body = _clean_text(title, description, body)
    current = article.current_version
    unchanged = current and (current.title, current.description, current.body) == (
        title,
        description,
        body,
    )
    if unchanged and not synced_with_source:
        raise ValidationError(_("Nothing changed since the last version."))
    version = _new_version(article, user, title, description, body, note)
    fields = ["current_version", "status", "updated_at"]
    article.status = ArticleStatus.DRAFT
    source = article.source
    if synced_with_source and source is not None and source.current_version is not None:
        article.source_synced_number = source.current_version.number
        fields.append("source_synced_number")
    article.save(update_fields=fields)
    _log(article, ActivityKind.SAVED, user, version)
    return version


@transaction.atomic
def update_settings(
    user: User,
    article: Article,
    *,
    section: Section,
    slug: str,
    visibility: str,
    owner: User | None,
    review_by: date | None,
    related: list[Article] | None = None,
) -> Article:
    article = (
        Article.objects.select_for_update(of=("self",)).select_related("section").get(pk=article.pk)
    )
    check_can_edit(user, article.section)
    check_can_edit(user, section)
    if section.category.internal:
        visibility = Visibility.INTERNAL
    _clean_settings(article.language, slug, visibility)
    if (
        visibility == Visibility.PUBLIC
        and article.visibility != Visibility.PUBLIC
        and article.is_live
    ):
        # Making a live staff-only article public is a publishing decision.
        check_can_review(user)
    article.section, article.slug, article.visibility = section, slug, visibility
    article.owner, article.review_by = owner, review_by
    _save_unique_address(article)
    if related is not None:
        article.related.set(
            [r for r in related if r.language == article.language and r.pk != article.pk]
        )
    search.index_article(article)
    return article


# ---------------------------------------------------------------- review and publishing


@transaction.atomic
def submit_for_review(user: User, article: Article, comment: str = "") -> Article:
    article = (
        Article.objects.select_for_update(of=("self",)).select_related("section").get(pk=article.pk)
    )
    check_can_edit(user, article.section)
    if article.status != ArticleStatus.DRAFT or not article.has_unpublished_changes:
        raise ValidationError(_("Only a draft with unpublished changes can go to review."))
    article.status = ArticleStatus.IN_REVIEW
    article.save(update_fields=["status", "updated_at"])
    _log(article, ActivityKind.SUBMITTED, user, article.current_version, comment)
    return article


@transaction.atomic
def approve(user: User | None, article: Article, comment: str = "") -> Article:
    """Publish the version under review. Reviewers may not approve their own text when
    four-eyes review is on (the default). ``user`` None is exdesk loading its starter
    content."""
    article = (
        Article.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=article.pk)
    )
    if user is not None:
        check_can_review(user)
        if article.status != ArticleStatus.IN_REVIEW:
            raise ValidationError(_("Only an article in review can be approved."))
        author_id = article.current_version.author_id if article.current_version else None
        if settings.HELPCENTER_FOUR_EYES and author_id == user.pk:
            raise PermissionDenied(_("Another reviewer must approve your own changes."))
    article.status = ArticleStatus.PUBLISHED
    article.live_version = article.current_version
    article.live_since = timezone.now()
    article.save(update_fields=["status", "live_version", "live_since", "updated_at"])
    _log(article, ActivityKind.APPROVED, user, article.live_version, comment)
    search.index_article(article)
    if user is not None and article.live_version is not None:
        # Lessons and exam questions that rely on it are flagged for their trainers.
        from exdesk.academy.services import article_published

        slug, language, number = article.slug, article.language, article.live_version.number
        transaction.on_commit(lambda: article_published(slug, language, number), robust=True)
    return article


@transaction.atomic
def request_changes(user: User, article: Article, comment: str) -> Article:
    check_can_review(user)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should change.")})
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.IN_REVIEW:
        raise ValidationError(_("Only an article in review can be sent back."))
    article.status = ArticleStatus.DRAFT
    article.save(update_fields=["status", "updated_at"])
    _log(article, ActivityKind.CHANGES_REQUESTED, user, article.current_version, comment)
    return article


@transaction.atomic
def archive(user: User, article: Article, comment: str = "") -> Article:
    """Take an article out of the help center and the search; its versions stay."""
    check_can_review(user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == ArticleStatus.ARCHIVED:
        return article
    article.status = ArticleStatus.ARCHIVED
    article.live_version = None
    article.save(update_fields=["status", "live_version", "updated_at"])
    _log(article, ActivityKind.ARCHIVED, user, comment=comment)
    search.unindex_article(article.pk)
    return article


@transaction.atomic
def restore(user: User, article: Article) -> Article:
    check_can_review(user)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.ARCHIVED:
        raise ValidationError(_("Only an archived article can be restored."))
    article.status = ArticleStatus.DRAFT
    article.save(update_fields=["status", "updated_at"])
    _log(article, ActivityKind.RESTORED, user, article.current_version)
    return article


def add_translation(
    user: User,
    source: Article,
    *,
    language: str,
    slug: str,
    title: str,
    description: str,
    body: str,
) -> Article:
    source = source.source or source  # translations hang off the original
    if source.translations.filter(language=language).exists():
        raise ValidationError(
            {"language": _("This article already has a translation in that language.")}
        )
    return create_article(
        user,
        section=source.section,
        language=language,
        slug=slug,
        title=title,
        description=description,
        body=body,
        visibility=source.visibility,
        source=source,
    )


def draft_from_conversation(user: User, conversation, seq: int, section: Section) -> Article:
    """ "Turn this answer into an article": a draft holding the agent's reply (event
    ``seq`` of the conversation), linked to the conversation it came from. The caller has
    checked the agent may see the conversation."""
    from exdesk.conversations.choices import EventKind

    event = conversation.events.filter(seq=seq, kind=EventKind.AGENT_REPLY).first()
    if event is None:
        raise ValidationError(_("Only an agent's reply can become an article."))
    language = "zh-hans" if (conversation.language or "").startswith("zh") else "en"
    base = f"draft-{conversation.pk}-{event.seq}"
    return create_article(
        user,
        section=section,
        language=language,
        slug=base,
        title=conversation.subject[:MAX_TITLE],
        body=event.body,
        visibility=Visibility.INTERNAL,
        from_conversation=conversation,
    )


# ---------------------------------------------------------------- readers


def voter_id(session_key: str) -> str:
    """A keyed hash of the reader's session: one vote per reader, nothing that leads back."""
    return hmac.new(settings.SECRET_KEY.encode(), session_key.encode(), hashlib.sha256).hexdigest()


def record_feedback(
    article: Article, voter: str, *, helpful: bool, reason: str = "", comment: str = ""
) -> ArticleFeedback:
    """Store "was this helpful?"; a reader who answers again replaces their answer."""
    reason, comment = (reason or "").strip(), (comment or "").strip()
    if helpful:
        reason, comment = "", comment[:MAX_COMMENT]
    elif reason and reason not in NotHelpfulReason.values:
        raise ValidationError({"reason": _("Choose one of the reasons.")})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": _("Use at most %(n)d characters.") % {"n": MAX_COMMENT}})
    feedback, _created = ArticleFeedback.objects.update_or_create(
        article=article,
        voter=voter,
        defaults={
            "language": article.language,
            "helpful": helpful,
            "reason": reason,
            "comment": comment,
        },
    )
    return feedback


def record_search(query: str, language: str, source: str, results: int) -> SearchQuery | None:
    query = " ".join((query or "").split())[: search.MAX_QUERY_CHARS]
    if not query:
        return None
    return SearchQuery.objects.create(
        query=query, language=language, source=source, results=results
    )


def record_click(search_id: int, article: Article) -> None:
    """The first article opened from a result list counts as the search's click."""
    SearchQuery.objects.filter(pk=search_id, clicked_article__isnull=True).update(
        clicked_article=article, clicked_at=timezone.now()
    )


def reindex_all() -> int:
    count = 0
    for article in Article.objects.select_related("live_version").iterator(chunk_size=500):
        search.index_article(article)
        count += 1
    return count
