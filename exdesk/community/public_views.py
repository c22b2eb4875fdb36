"""The public forum: /community/<language>/…, server-rendered, no JavaScript needed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.core import ratelimit
from exdesk.core.forms import add_service_errors
from exdesk.core.http import client_ip
from exdesk.helpcenter import search as helpcenter_search
from exdesk.helpcenter.public_views import in_language, language_switch

from . import search, selectors, services
from .forms import AskForm, EmailSignInForm, NameForm, ReplyForm, ReportForm

SESSION_KEY = "community_member"
SIGN_IN_MAILS_PER_HOUR = 5


def current_member(request):
    member = selectors.member(request.session.get(SESSION_KEY))
    if member is None and SESSION_KEY in request.session:
        del request.session[SESSION_KEY]
    return member


def _sign_in(request, member) -> None:
    request.session.cycle_key()  # a new session id on sign-in: no fixation
    request.session[SESSION_KEY] = member.pk


def _page(request, lang: str, template: str, context: dict, status: int = 200):
    member = current_member(request)
    context = {
        "lang": lang,
        "member": member,
        "banned": member is not None and services.is_banned(member),
        **context,
    }
    return render(request, template, context, status=status)


def _next(request, lang: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) and (
        wanted.startswith("/")
    ):
        return wanted
    return reverse("community:home", args=[lang])


def root(request):
    lang = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    return redirect("community:home", lang=lang)


@in_language
def home(request, lang):
    tag = request.GET.get("tag", "")[:40]
    topics = Paginator(selectors.topic_list(lang, tag=tag), selectors.TOPICS_PER_PAGE)
    context = {
        "categories": selectors.categories(),
        "topics": topics.get_page(request.GET.get("page")),
        "tag": tag,
        "switch": language_switch(lang, "community:home"),
    }
    return _page(request, lang, "community/home.html", context)


@in_language
def category_page(request, lang, slug):
    category = selectors.category(slug)
    topics = Paginator(selectors.topic_list(lang, category=category), selectors.TOPICS_PER_PAGE)
    context = {
        "category": category,
        "category_name": category.name(lang),
        "topics": topics.get_page(request.GET.get("page")),
        "switch": language_switch(lang, "community:category", slug),
    }
    return _page(request, lang, "community/category.html", context)


@in_language
def topic_page(request, lang, pk):
    topic = selectors.public_topic(pk)
    if topic.merged_into_id:
        return redirect("community:topic", topic.merged_into.language, topic.merged_into_id)
    if topic.language != lang:
        return redirect("community:topic", topic.language, topic.pk)
    member = current_member(request)
    posts = selectors.public_posts(topic)
    context = {
        "topic": topic,
        "category_name": topic.category.name(lang),
        "posts": posts,
        "votes": selectors.my_votes(member, posts),
        "form": ReplyForm(),
        "can_reply": not (topic.locked or topic.hidden),
    }
    return _page(request, lang, "community/topic.html", context)


def _sign_in_first(request, lang):
    messages.info(request, _("Sign in to take part."))
    return redirect(reverse("community:sign_in", args=[lang]) + f"?next={request.path}")


@in_language
def reply(request, lang, pk):
    topic = selectors.public_topic(pk)
    member = current_member(request)
    if member is None:
        return _sign_in_first(request, lang)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            published = services.reply(member, topic, form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error, "body")
        else:
            for warning in published.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Your answer is posted."))
            url = reverse("community:topic", args=[lang, topic.pk])
            return redirect(f"{url}#post-{published.post.pk}")
    context = {"topic": topic, "form": form}
    status = 400 if request.method == "POST" else 200
    return _page(request, lang, "community/reply.html", context, status=status)


@in_language
def ask(request, lang):
    member = current_member(request)
    if member is None:
        return _sign_in_first(request, lang)
    initial = {}
    if request.GET.get("category"):
        initial["category"] = selectors.category_by_pk(request.GET["category"])
    form = AskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            published = services.ask(
                member,
                category=data["category"],
                language=lang,
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
            )
        except ValidationError as error:
            add_service_errors(form, error, "body")
        else:
            for warning in published.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Your question is posted."))
            return redirect("community:topic", lang, published.post.topic_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "switch": language_switch(lang, "community:ask")}
    return _page(request, lang, "community/ask.html", context, status=status)


@in_language
@require_POST
def vote(request, lang, pk):
    post = selectors.visible_post(pk)
    member = current_member(request)
    if member is None:
        return _sign_in_first(request, lang)
    try:
        services.vote(member, post, {"up": 1, "down": -1}.get(request.POST.get("value", "")))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    url = reverse("community:topic", args=[lang, post.topic_id])
    return redirect(f"{url}#post-{post.pk}")


@in_language
def report(request, lang, pk):
    post = selectors.visible_post(pk)
    member = current_member(request)
    if member is None:
        return _sign_in_first(request, lang)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(member, post, form.cleaned_data["reason"], form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error, "note")
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect("community:topic", lang, post.topic_id)
    status = 400 if request.method == "POST" else 200
    return _page(request, lang, "community/report.html", {"post": post, "form": form}, status)


@in_language
def search_page(request, lang):
    query = request.GET.get("q", "").strip()[:200]
    articles = helpcenter_search.search(query, lang, limit=5).hits if query else []
    topics = search.search_topics(query, lang) if query else []
    context = {
        "query": query,
        "articles": articles,
        "hits": topics,
        "switch": language_switch(lang, "community:search"),
    }
    return _page(request, lang, "community/search.html", context)


# ---------------------------------------------------------------- signing in


@in_language
def sign_in(request, lang):
    form = EmailSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        allowed = ratelimit.allow(
            f"community-sign-in:{client_ip(request)}", SIGN_IN_MAILS_PER_HOUR * 4, 3600
        ) and ratelimit.allow(f"community-sign-in:{email}", SIGN_IN_MAILS_PER_HOUR, 3600)
        if not allowed:
            form.add_error(None, _("Too many sign-in links were asked for. Please wait a while."))
        else:
            try:
                services.request_email_sign_in(email, lang)
            except ValidationError as error:
                add_service_errors(form, error, "email")
            else:
                return _page(request, lang, "community/sign_in_sent.html", {"email": email})
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "next": _next(request, lang),
        "switch": language_switch(lang, "community:sign_in"),
    }
    return _page(request, lang, "community/sign_in.html", context, status=status)


@in_language
def email_sign_in(request, lang, token):
    """GET only shows a button: mail scanners that open links must not use up the link."""
    if request.method == "POST":
        try:
            member = services.sign_in_with_email_token(token, language=lang)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("community:sign_in", lang)
        _sign_in(request, member)
        messages.success(
            request, _("You are signed in as %(name)s.") % {"name": member.display_name}
        )
        return redirect("community:profile", lang)
    return _page(request, lang, "community/sign_in_confirm.html", {"token": token})


@in_language
def exchange_sign_in(request, lang):
    """The exchange sends a signed-in trader here with ``uid``, ``ts`` and ``sig``."""
    params = request.GET
    try:
        member = services.sign_in_from_exchange(
            params.get("uid", ""),
            params.get("ts", ""),
            params.get("sig", ""),
            name=params.get("name", ""),
            language=lang,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("community:sign_in", lang)
    _sign_in(request, member)
    return redirect(_next(request, lang))


@in_language
@require_POST
def sign_out(request, lang):
    request.session.pop(SESSION_KEY, None)
    return redirect("community:home", lang)


@in_language
def profile(request, lang):
    member = current_member(request)
    if member is None:
        return _sign_in_first(request, lang)
    form = NameForm(request.POST or None, initial={"display_name": member.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename(member, form.cleaned_data["display_name"])
        except ValidationError as error:
            add_service_errors(form, error, "display_name")
        else:
            messages.success(request, _("Your name is saved."))
            return redirect("community:home", lang)
    context = {
        "form": form,
        "trusted": services.is_trusted(member),
        "trust_posts": settings.COMMUNITY_TRUST_POSTS,
    }
    status = 400 if request.method == "POST" else 200
    return _page(request, lang, "community/profile.html", context, status=status)
