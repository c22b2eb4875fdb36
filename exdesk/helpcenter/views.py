"""Knowledge base in the agent console: list, write, review, publish, translate, compare
versions, search (staff see internal articles too) and the figures."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import reviews_articles, writes_articles
from exdesk.conversations import selectors as conversation_selectors
from exdesk.core.forms import add_service_errors

from . import search, selectors, services
from .choices import ArticleStatus, SearchSource
from .forms import (
    ArticleTextForm,
    CommentForm,
    FromConversationForm,
    NewArticleForm,
    SettingsForm,
    TranslateForm,
    TranslationSyncForm,
)
from .models import LANGUAGE_CHOICES


@staff_required
def article_list(request):
    filters = {
        name: request.GET.get(name, "")
        for name in ("status", "language", "section", "text", "only")
    }
    articles = selectors.console_articles(**filters)
    context = {
        "articles": articles[:200],
        "filters": filters,
        "statuses": ArticleStatus.choices,
        "languages": LANGUAGE_CHOICES,
        "sections": selectors.sections(),
        "can_write": writes_articles(request.user),
        "outdated": {a.pk for a in articles if selectors.is_outdated(a)}
        if filters["only"] != "outdated"
        else None,
    }
    return render(request, "helpcenter/console/list.html", context)


@staff_required
@require_permission(writes_articles)
def article_new(request):
    form = NewArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.create_article(
                request.user,
                section=data["section"],
                language=data["language"],
                slug=data["slug"],
                title=data["title"],
                description=data["description"],
                body=data["body"],
                visibility=data["visibility"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("helpcenter_console:article", pk=article.pk)
    return render(
        request, "helpcenter/console/new.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required
def article_detail(request, pk):
    article = selectors.console_article(pk)
    version = article.current_version
    context = {
        "article": article,
        "version": version,
        "preview": selectors.rendered_body(article, version, include_internal=True),
        "versions": selectors.versions(article),
        "activity": selectors.activity(article),
        "translations": selectors.translations_for_console(article),
        "outdated": selectors.is_outdated(article),
        "helpful": selectors.helpful_summary(article),
        "can_edit": services.can_edit(request.user, article.section),
        "can_review": reviews_articles(request.user),
        "settings_form": SettingsForm(
            initial={
                "section": article.section,
                "slug": article.slug,
                "visibility": article.visibility,
                "owner": article.owner,
                "review_by": article.review_by,
            }
        ),
        "comment_form": CommentForm(),
    }
    return render(request, "helpcenter/console/detail.html", context)


@staff_required
def article_edit(request, pk):
    article = selectors.console_article(pk)
    form_class = TranslationSyncForm if article.source_id else ArticleTextForm
    current = article.current_version
    form = form_class(
        request.POST or None,
        initial={"title": current.title, "description": current.description, "body": current.body},
    )
    services.check_can_edit(request.user, article.section)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_version(
                request.user,
                article,
                title=data["title"],
                description=data["description"],
                body=data["body"],
                note=data["note"],
                synced_with_source=data.get("synced_with_source", False),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("New version saved as a draft."))
            return redirect("helpcenter_console:article", pk=article.pk)
    context = {"article": article, "form": form, "source": article.source}
    return render(
        request, "helpcenter/console/edit.html", context, status=400 if form.errors else 200
    )


ACTIONS = {
    "submit": services.submit_for_review,
    "approve": services.approve,
    "request_changes": services.request_changes,
    "archive": services.archive,
}
DONE = {
    "submit": _("Sent for review."),
    "approve": _("Published."),
    "request_changes": _("Sent back to the author."),
    "archive": _("Archived: it is no longer in the help center."),
    "restore": _("Restored as a draft."),
}


@staff_required
@require_POST
def article_action(request, pk, action):
    article = selectors.console_article(pk)
    comment = CommentForm(request.POST)
    text = comment.cleaned_data["comment"] if comment.is_valid() else ""
    try:
        if action == "restore":
            services.restore(request.user, article)
        elif action in ACTIONS:
            ACTIONS[action](request.user, article, text)
        else:
            return redirect("helpcenter_console:article", pk=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(DONE[action]))
    return redirect("helpcenter_console:article", pk=pk)


@staff_required
@require_POST
def article_settings(request, pk):
    article = selectors.console_article(pk)
    form = SettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_settings(request.user, article, **data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Settings saved."))
    else:
        messages.error(
            request, _("Check the settings: %(errors)s") % {"errors": form.errors.as_text()}
        )
    return redirect("helpcenter_console:article", pk=pk)


@staff_required
def article_diff(request, pk):
    article = selectors.console_article(pk)
    numbers = [v.number for v in selectors.versions(article)]
    try:
        new = int(request.GET.get("b") or numbers[0])
        old = int(request.GET.get("a") or max(new - 1, 1))
    except ValueError:
        new, old = numbers[0], max(numbers[0] - 1, 1)
    a, b = selectors.version(article, old), selectors.version(article, new)
    lines = list(
        difflib.unified_diff(
            f"# {a.title}\n{a.description}\n\n{a.body}".splitlines(),
            f"# {b.title}\n{b.description}\n\n{b.body}".splitlines(),
            lineterm="",
            n=3,
        )
    )[2:]
    rows = [
        (line[:1] if line[:1] in "+-@" else " ", line[1:] if line[:1] in "+- " else line)
        for line in lines
    ]
    context = {"article": article, "a": a, "b": b, "rows": rows, "numbers": numbers}
    return render(request, "helpcenter/console/diff.html", context)


@staff_required
@require_permission(writes_articles)
def article_translate(request, pk):
    source = selectors.console_article(pk)
    other = "zh-hans" if source.language == "en" else "en"
    current = source.current_version
    form = TranslateForm(
        request.POST or None,
        initial={
            "language": other,
            "slug": source.slug,
            "title": current.title,
            "description": current.description,
            "body": current.body,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.add_translation(
                request.user,
                source,
                language=data["language"],
                slug=data["slug"],
                title=data["title"],
                description=data["description"],
                body=data["body"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Translation saved as a draft."))
            return redirect("helpcenter_console:article", pk=article.pk)
    context = {"article": source, "form": form}
    return render(
        request, "helpcenter/console/translate.html", context, status=400 if form.errors else 200
    )


@staff_required
@require_permission(writes_articles)
@require_POST
def from_conversation(request, conversation_pk):
    conversation = conversation_selectors.access_conversation(request.user, conversation_pk)
    form = FromConversationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a section for the new article."))
        return redirect("conversations:detail", pk=conversation.pk)
    try:
        article = services.draft_from_conversation(
            request.user, conversation, form.cleaned_data["event"], form.cleaned_data["section"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("conversations:detail", pk=conversation.pk)
    messages.success(
        request, _("Draft created from the answer. Edit it before sending it to review.")
    )
    return redirect("helpcenter_console:edit", pk=article.pk)


@staff_required
def console_search(request):
    query = request.GET.get("q", "").strip()
    language = request.GET.get("language") or (
        "zh-hans" if request.LANGUAGE_CODE.startswith("zh") else "en"
    )
    results = None
    if query:
        results = search.search(query, language, include_internal=True, limit=20)
        services.record_search(query, language, SearchSource.CONSOLE, len(results.hits))
    context = {
        "query": query,
        "language": language,
        "languages": LANGUAGE_CHOICES,
        "results": results,
    }
    return render(request, "helpcenter/console/search.html", context)


@staff_required
def figures(request):
    context = {"search": selectors.search_figures(), "feedback": selectors.feedback_figures()}
    return render(request, "helpcenter/console/figures.html", context)
