"""Customer side: the web ticket form and the private tracking page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from exdesk.core import ratelimit
from exdesk.core.forms import add_service_errors
from exdesk.core.http import client_ip
from exdesk.helpcenter import selectors as helpcenter

from . import attachments as files
from . import selectors, services
from .choices import PUBLIC_KINDS, Channel, Status
from .forms import CustomerReplyForm, TicketForm


def home(request):
    return render(request, "conversations/portal_home.html")


def _too_many_posts(request) -> bool:
    ip = client_ip(request) or "unknown"
    return not ratelimit.allow(f"public-post:{ip}", settings.PUBLIC_POSTS_PER_HOUR, 3600)


def _refuse_flood(form) -> None:
    form.add_error(
        None,
        _("Too many submissions from your network. Please wait a while and try again."),
    )


def new_request(request):
    current = translation.get_language() or "en"
    form = TicketForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "language": "zh-hans" if current.startswith("zh") else "en",
            "article": request.GET.get("article", ""),
        },
    )
    article = helpcenter.article_for_context(
        request.POST.get("article") or request.GET.get("article")
    )
    if request.method == "POST" and _too_many_posts(request):
        _refuse_flood(form)
        context = {"form": form, "article": article, "suggest_language": _page_language()}
        return render(request, "conversations/portal_new.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.do_receive_request(
                email=data["email"],
                customer_language=data["language"],
                subject=data["subject"],
                body=data["description"],
                channel=Channel.WEB,
                language=data["language"],
                category=data["category"],
                uploads=data["attachments"],
                context_note=helpcenter.context_note(article) if article else "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="attachments")
        else:
            messages.success(
                request,
                _(
                    "We received your request %(reference)s. Bookmark this page: it is your "
                    "private link to follow and answer it. We also sent it to your e-mail."
                )
                % {"reference": conversation.reference},
            )
            return redirect("portal:track", token=conversation.tracking_token)
    status = 400 if form.errors else 200
    context = {"form": form, "article": article, "suggest_language": _page_language()}
    return render(request, "conversations/portal_new.html", context, status=status)


def _page_language() -> str:
    """The help center's language for this page: its articles are in en or zh-hans."""
    return "zh-hans" if (translation.get_language() or "en").startswith("zh") else "en"


@never_cache
def track(request, token):
    conversation = selectors.conversation_by_token(token)
    form = CustomerReplyForm(request.POST or None, request.FILES or None)
    flooded = request.method == "POST" and _too_many_posts(request)
    if flooded:
        _refuse_flood(form)
    elif request.method == "POST" and form.is_valid():
        try:
            services.do_add_customer_message(
                conversation, form.cleaned_data["body"], form.cleaned_data["attachments"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="attachments")
        else:
            messages.success(request, _("Your answer was sent."))
            return redirect("portal:track", token=token)
    events = (
        conversation.events.filter(kind__in=PUBLIC_KINDS)
        .select_related("author_user")
        .prefetch_related("attachments")
    )
    context = {
        "conversation": conversation,
        "events": events,
        "form": form,
        "closed": conversation.status == Status.CLOSED,
    }
    status = 429 if flooded else 400 if form.errors else 200
    response = render(request, "conversations/portal_track.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def track_attachment(request, token, pk):
    conversation = selectors.conversation_by_token(token)
    return files.download_response(selectors.public_attachment(conversation, pk))
