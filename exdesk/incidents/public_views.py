"""The public status page: /status/<language>/, server-rendered, no JavaScript needed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.core import ratelimit
from exdesk.core.http import client_ip
from exdesk.helpcenter.public_views import in_language, language_switch

from . import status

SUBSCRIPTIONS_PER_HOUR = 10


def root(request):
    lang = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    return redirect("status:page", lang=lang)


@in_language
def page(request, lang):
    context = {"lang": lang, "switch": language_switch(lang, "status:page"), **status.page()}
    return render(request, "incidents/status.html", context)


@require_POST
@in_language
def subscribe(request, lang):
    if not ratelimit.allow(f"status-subscribe:{client_ip(request)}", SUBSCRIPTIONS_PER_HOUR, 3600):
        messages.error(request, _("Too many requests from your network. Please try again later."))
        return redirect("status:page", lang=lang)
    try:
        status.subscribe(request.POST.get("email", ""), lang)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # The same words whether or not the address was known: nothing leaks.
        messages.success(request, _("Check your inbox: confirm with the link we sent."))
    return redirect("status:page", lang=lang)


@in_language
def confirm(request, lang, token):
    if status.confirm(token) is None:
        raise Http404
    messages.success(request, _("You will get the status page's news by e-mail."))
    return redirect("status:page", lang=lang)


@in_language
def unsubscribe(request, lang, token):
    if status.subscriber_by_token(token) is None:
        raise Http404
    if request.method == "POST":
        status.unsubscribe(token)
        messages.success(request, _("You will get no more status e-mails."))
        return redirect("status:page", lang=lang)
    return render(
        request,
        "incidents/unsubscribe.html",
        {"lang": lang, "switch": language_switch(lang, "status:page")},
    )
