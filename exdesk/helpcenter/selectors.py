"""Reading the knowledge base: what the public may see, what staff may see, and the
console's lists and figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ArticleStatus, Visibility
from .models import (
    Article,
    ArticleFeedback,
    Category,
    GlossaryTerm,
    SearchQuery,
    Section,
)
from .rendering import GlossaryEntry, GlossaryLinker, Rendered, render

STALE_AFTER_DAYS = 365
_ARTICLE_LINK = re.compile(r"\]\(article:([A-Za-z0-9_-]+)\)")


def _live(queryset, *, include_internal: bool = False):
    queryset = queryset.filter(live_version__isnull=False).exclude(status=ArticleStatus.ARCHIVED)
    if not include_internal:
        queryset = queryset.filter(visibility=Visibility.PUBLIC, section__category__internal=False)
    return queryset


def live_articles(language: str, *, include_internal: bool = False):
    return _live(Article.objects.filter(language=language), include_internal=include_internal)


def article_url(language: str, slug: str) -> str:
    return reverse("helpcenter:article", args=[language, slug])


# ---------------------------------------------------------------- public pages


@dataclass
class SectionView:
    section: Section
    articles: list[Article]


@dataclass
class CategoryView:
    category: Category
    sections: list[SectionView]


def public_categories(language: str) -> list[CategoryView]:
    """Categories with their sections and live public articles in ``language``; empty
    ones left out."""
    articles = live_articles(language).select_related("live_version").order_by("slug")
    by_section: dict[int, list[Article]] = {}
    for article in articles:
        by_section.setdefault(article.section_id, []).append(article)
    views: dict[int, CategoryView] = {}
    for section in Section.objects.select_related("category").filter(category__internal=False):
        if section.pk in by_section:
            view = views.setdefault(section.category_id, CategoryView(section.category, []))
            view.sections.append(SectionView(section, by_section[section.pk]))
    return sorted(views.values(), key=lambda v: (v.category.position, v.category.slug))


def public_category(language: str, slug: str) -> CategoryView:
    for view in public_categories(language):
        if view.category.slug == slug:
            return view
    raise Http404


def public_section(language: str, slug: str) -> tuple[CategoryView, SectionView]:
    for view in public_categories(language):
        for section_view in view.sections:
            if section_view.section.slug == slug:
                return view, section_view
    raise Http404


def public_article(language: str, slug: str) -> Article:
    article = (
        live_articles(language)
        .select_related("live_version", "section__category", "source")
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404
    return article


def translations_of(article: Article, *, include_internal: bool = False) -> dict[str, Article]:
    """The same article in each language that has it live, by language code."""
    original_id = article.source_id or article.pk
    family = _live(
        Article.objects.filter(Q(pk=original_id) | Q(source_id=original_id)),
        include_internal=include_internal,
    )
    return {a.language: a for a in family}


def related_articles(article: Article, limit: int = 5, *, include_internal=False) -> list[Article]:
    """The editor's choice first, then others from the same section."""
    chosen = list(
        _live(
            article.related.filter(language=article.language), include_internal=include_internal
        ).select_related("live_version")
    )
    if len(chosen) < limit:
        seen = {a.pk for a in chosen} | {article.pk}
        chosen += list(
            _live(
                Article.objects.filter(section=article.section, language=article.language),
                include_internal=include_internal,
            )
            .exclude(pk__in=seen)
            .select_related("live_version")
            .order_by("slug")[: limit - len(chosen)]
        )
    return chosen[:limit]


def glossary(language: str) -> list[GlossaryTerm]:
    terms = list(GlossaryTerm.objects.all())
    key = (lambda t: t.term_zh_hans) if language.startswith("zh") else (lambda t: t.term_en.lower())
    return sorted(terms, key=key)


def live_slugs(language: str, slugs) -> set[str]:
    """Which of these addresses are live public articles in the language."""
    return set(live_articles(language).filter(slug__in=set(slugs)).values_list("slug", flat=True))


def _glossary_stamp() -> tuple:
    summary = GlossaryTerm.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return summary["n"], summary["last"]


@lru_cache(maxsize=8)
def _linker(language: str, stamp: tuple) -> GlossaryLinker:
    entries = [
        GlossaryEntry(
            term.key,
            tuple(term.names(language)),
            getattr(term, "definition_zh_hans" if language.startswith("zh") else "definition_en"),
        )
        for term in GlossaryTerm.objects.all()
    ]
    return GlossaryLinker(
        entries, lambda key: reverse("helpcenter:glossary", args=[language]) + f"#{key}"
    )


def rendered_body(article: Article, version=None, *, include_internal=False) -> Rendered:
    """The article's text as safe HTML, with article links and glossary terms linked."""
    version = version or article.live_version
    language = article.language
    wanted = set(_ARTICLE_LINK.findall(version.body))
    linkable = set(
        live_articles(language, include_internal=include_internal)
        .filter(slug__in=wanted)
        .values_list("slug", flat=True)
    )
    return _render_cached(
        version.pk, version.body, language, frozenset(linkable), _glossary_stamp()
    )


@lru_cache(maxsize=512)
def _render_cached(version_id, body, language, linkable, stamp) -> Rendered:
    return render(
        body,
        resolve_article=lambda key: article_url(language, key) if key in linkable else None,
        glossary=_linker(language, stamp),
    )


def helpful_summary(article: Article) -> dict[str, int]:
    counts = ArticleFeedback.objects.filter(article=article).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    return {"yes": counts["yes"] or 0, "no": counts["no"] or 0}


def sitemap_articles():
    return (
        _live(Article.objects.all())
        .select_related("live_version")
        .only("language", "slug", "live_since", "live_version__created_at")
        .order_by("language", "slug")
    )


# ---------------------------------------------------------------- console


def console_article(pk: int) -> Article:
    article = (
        Article.objects.select_related(
            "section__category",
            "current_version",
            "live_version",
            "owner",
            "source__current_version",
        )
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404
    return article


def console_articles(
    *, status: str = "", language: str = "", section: str = "", text: str = "", only: str = ""
):
    articles = Article.objects.select_related(
        "section__category", "current_version", "owner", "source__current_version"
    ).order_by("-updated_at")
    if status:
        articles = articles.filter(status=status)
    if language:
        articles = articles.filter(language=language)
    if section:
        articles = articles.filter(section__slug=section)
    if text:
        articles = articles.filter(
            Q(current_version__title__icontains=text) | Q(slug__icontains=text)
        )
    if only == "stale":
        return list(stale(articles))
    if only == "outdated":
        return [a for a in articles.filter(source__isnull=False) if is_outdated(a)]
    return list(articles[:500])


def sections():
    return Section.objects.select_related("category")


def translations_for_console(article: Article):
    return article.translations.select_related("current_version")


def stale(articles=None):
    """Live articles past their review-by date, or with none and unchanged for a year."""
    today = timezone.localdate()
    year_ago = timezone.now() - timedelta(days=STALE_AFTER_DAYS)
    articles = Article.objects.all() if articles is None else articles
    return (
        articles.filter(live_version__isnull=False)
        .exclude(status=ArticleStatus.ARCHIVED)
        .filter(
            Q(review_by__lt=today)
            | Q(review_by__isnull=True, live_version__created_at__lt=year_ago)
        )
    )


def is_outdated(article: Article) -> bool:
    """A translation whose original has changed since it was last brought up to date."""
    source = article.source
    if source is None or source.current_version is None:
        return False
    return source.current_version.number > article.source_synced_number


def versions(article: Article):
    return article.versions.select_related("author").order_by("-number")


def version(article: Article, number: int):
    found = article.versions.filter(number=number).first()
    if found is None:
        raise Http404
    return found


def activity(article: Article):
    return article.activity.select_related("actor", "version")[:50]


def search_figures(days: int = 30) -> dict:
    """Top searches, searches that found nothing, and how often a result was opened."""
    since = timezone.now() - timedelta(days=days)
    recent = SearchQuery.objects.filter(created_at__gte=since)
    total = recent.count()
    clicked = recent.filter(clicked_article__isnull=False).count()
    top = list(
        recent.values("query", "language")
        .annotate(n=Count("id"), clicks=Count("clicked_article"))
        .order_by("-n", "query")[:20]
    )
    zero = list(
        recent.filter(results=0)
        .values("query", "language")
        .annotate(n=Count("id"))
        .order_by("-n", "query")[:20]
    )
    return {
        "days": days,
        "total": total,
        "clicked": clicked,
        "click_rate": round(100 * clicked / total) if total else None,
        "zero_results": recent.filter(results=0).count(),
        "top": top,
        "zero": zero,
    }


def feedback_figures(days: int = 30) -> list[dict]:
    """Articles with the most "not helpful" answers first."""
    since = timezone.now() - timedelta(days=days)
    return [
        dict(row)
        for row in ArticleFeedback.objects.filter(updated_at__gte=since)
        .values("article_id", "article__slug", "language")
        .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
        .order_by("-no", "article__slug")[:20]
    ]


def article_for_context(value) -> Article | None:
    """The live public article a customer names when they contact support from it."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return _live(Article.objects.filter(pk=pk)).select_related("live_version").first()


def context_note(article: Article) -> str:
    """What the agent sees about where the customer came from."""
    version = article.live_version
    return _("Came from the help-center article “%(title)s” (%(url)s).") % {
        "title": version.title if version else article.slug,
        "url": article_url(article.language, article.slug),
    }


def editable_sections(user) -> list[Section]:
    """The sections this user may draft in (empty: no drafting)."""
    from .services import can_edit

    return [s for s in Section.objects.select_related("category") if can_edit(user, s)]


def section_by_pk(pk: int) -> Section | None:
    return Section.objects.select_related("category").filter(pk=pk).first()
