"""The public help center: /help/<language>/…, server-rendered, no JavaScript needed."""

from __future__ import annotations

import contextlib
import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.community import search as community_search
from exdesk.core import ratelimit
from exdesk.core.http import client_ip

from . import search, selectors, services
from .choices import LANGUAGES, NotHelpfulReason, SearchSource

SEARCH_RESULTS = 20
FEEDBACK_PER_HOUR = 60


def in_language(view):
    """The language in the address decides the page's language, whatever the cookie says."""

    @functools.wraps(view)
    def wrapper(request, lang, *args, **kwargs):
        if lang not in LANGUAGES:
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, lang, *args, **kwargs)
        response["Content-Language"] = lang
        return response

    return wrapper


def _other_language(lang: str) -> str:
    return "en" if lang == "zh-hans" else "zh-hans"


def language_switch(lang: str, url_name: str, *args) -> dict:
    """The link to the same page in the other language: ``url_name`` takes the language
    first, then ``args``. Shared by the public pages of other apps (status page …)."""
    other = _other_language(lang)
    return {"code": other, "url": reverse(url_name, args=[other, *args])}


def root(request):
    lang = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    return redirect("helpcenter:home", lang=lang)


@in_language
def home(request, lang):
    context = {
        "lang": lang,
        "categories": selectors.public_categories(lang),
        "switch": language_switch(lang, "helpcenter:home"),
    }
    return render(request, "helpcenter/home.html", context)


@in_language
def category(request, lang, slug):
    found = selectors.public_category(lang, slug)
    context = {
        "lang": lang,
        "category": found,
        "switch": language_switch(lang, "helpcenter:category", slug),
    }
    return render(request, "helpcenter/category.html", context)


@in_language
def section(request, lang, slug):
    category_view, section_view = selectors.public_section(lang, slug)
    context = {"lang": lang, "section": section_view, "category": category_view}
    context["switch"] = language_switch(lang, "helpcenter:section", slug)
    return render(request, "helpcenter/section.html", context)


@in_language
def article(request, lang, slug):
    found = selectors.public_article(lang, slug)
    if "sq" in request.GET:  # opened from a search result
        with contextlib.suppress(ValueError):
            services.record_click(int(request.GET["sq"]), found)
        return redirect("helpcenter:article", lang=lang, slug=slug)
    rendered = selectors.rendered_body(found)
    translations = selectors.translations_of(found)
    other = translations.get(_other_language(lang))
    switch = (
        {"code": other.language, "url": selectors.article_url(other.language, other.slug)}
        if other
        else language_switch(lang, "helpcenter:home")
    )
    context = {
        "lang": lang,
        "article": found,
        "version": found.live_version,
        "body": rendered.html,
        "toc": rendered.contents,
        "related": selectors.related_articles(found),
        "translations": translations,
        "switch": switch,
        "feedback_step": request.GET.get("feedback", ""),
        "reasons": NotHelpfulReason.choices,
        "contact_url": reverse("portal:new") + f"?article={found.pk}",
        "widget_url": reverse("chat:widget_asset", args=["exdesk.js"]),
    }
    return render(request, "helpcenter/article.html", context)


@require_POST
@in_language
def feedback(request, lang, slug):
    found = selectors.public_article(lang, slug)
    target = selectors.article_url(lang, slug)
    ip = client_ip(request) or "unknown"
    if not ratelimit.allow(f"kb-feedback:{ip}", FEEDBACK_PER_HOUR, 3600):
        messages.error(request, _("Too many answers from your network. Please try again later."))
        return HttpResponseRedirect(target + "#feedback")
    if not request.session.session_key:
        request.session.save()
    voter = services.voter_id(request.session.session_key)
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        messages.error(request, _("Choose yes or no."))
        return HttpResponseRedirect(target + "#feedback")
    try:
        services.record_feedback(
            found,
            voter,
            helpful=helpful == "yes",
            reason=request.POST.get("reason", ""),
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(target + "?feedback=no#feedback")
    if helpful == "no" and "reason" not in request.POST:
        return HttpResponseRedirect(target + "?feedback=no#feedback")
    messages.success(request, _("Thank you for your feedback."))
    return HttpResponseRedirect(target + "#feedback")


@in_language
def search_page(request, lang):
    query = request.GET.get("q", "").strip()
    results, logged = None, None
    if query:
        results = search.search(query, lang, limit=SEARCH_RESULTS)
        logged = services.record_search(query, lang, SearchSource.HELP_CENTER, len(results.hits))
    context = {
        "lang": lang,
        "query": query,
        "results": results,
        # The community's answers, below the articles (docs/community.md).
        "topics": community_search.search_topics(query, lang, limit=5) if query else [],
        "search_id": logged.pk if logged else None,
        "switch": {
            "code": _other_language(lang),
            "url": reverse("helpcenter:search", args=[_other_language(lang)])
            + (f"?{urlencode({'q': query})}" if query else ""),
        },
    }
    return render(request, "helpcenter/search.html", context)


SUGGESTIONS = 4
SUGGESTIONS_PER_MINUTE = 120


@in_language
def suggest(request, lang):
    """Articles for a request being typed (the ticket form asks as the customer writes).
    JSON; not logged as a search: half-typed words are not questions."""
    query = request.GET.get("q", "").strip()[:300]
    if not ratelimit.allow(f"suggest:{client_ip(request)}", SUGGESTIONS_PER_MINUTE, 60):
        return JsonResponse({"articles": [], "error": "rate_limited"}, status=429)
    hits = search.search(query, lang, limit=SUGGESTIONS).hits if len(query) >= 4 else []
    articles = [
        {
            "title": hit.article.live_version.title,
            "url": reverse("helpcenter:article", args=[lang, hit.article.slug]),
            "summary": hit.article.live_version.description,
        }
        for hit in hits
        if hit.article.live_version
    ]
    return JsonResponse({"articles": articles})


@in_language
def glossary(request, lang):
    terms = selectors.glossary(lang)
    context = {
        "lang": lang,
        "terms": terms,
        "linkable": selectors.live_slugs(lang, [t.article_slug for t in terms]),
        "switch": language_switch(lang, "helpcenter:glossary"),
    }
    return render(request, "helpcenter/glossary.html", context)


def sitemap(request):
    base = f"{request.scheme}://{request.get_host()}"
    pages = [(reverse("helpcenter:home", args=[lang]), None) for lang in LANGUAGES]
    pages += [
        (selectors.article_url(a.language, a.slug), a.live_version.created_at)
        for a in selectors.sitemap_articles()
    ]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for path, changed in pages:
        lastmod = f"<lastmod>{changed.date().isoformat()}</lastmod>" if changed else ""
        lines.append(f"<url><loc>{base}{path}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return HttpResponse("\n".join(lines), content_type="application/xml")


def robots(request):
    sitemap_url = f"{request.scheme}://{request.get_host()}{reverse('sitemap')}"
    body = "User-agent: *\nDisallow: /console/\nDisallow: /support/t/\n"
    body += f"Disallow: /accounts/\nSitemap: {sitemap_url}\n"
    return HttpResponse(body, content_type="text/plain")
