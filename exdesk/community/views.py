"""The forum in the console: moderation queue, topics with every post, the moderation log.
Thin: parse, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import answers_customers, moderates_community
from exdesk.core.forms import run_action, run_form_action
from exdesk.helpcenter import selectors as helpcenter_selectors

from . import selectors, services
from .forms import BanForm, MoveForm, ReasonForm, StaffReplyForm


def _number(text) -> int | None:
    """A positive id from a form field, or None (ASCII digits only: "²" is no number)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None


@require_permission(answers_customers)
def queue(request):
    """Recent topics for everyone who answers; reported and screened posts for moderators."""
    can_moderate = moderates_community(request.user)
    context = {
        "can_moderate": can_moderate,
        "posts": selectors.moderation_queue()[:100] if can_moderate else [],
        "topics": selectors.recent_topics()[:30],
    }
    return render(request, "community/console/queue.html", context)


@require_permission(moderates_community)
def log(request):
    entries = Paginator(selectors.moderation_log(), 50).get_page(request.GET.get("page"))
    return render(request, "community/console/log.html", {"entries": entries})


@require_permission(answers_customers)
def topic(request, pk):
    topic = selectors.any_topic(pk)
    context = {
        "topic": topic,
        "posts": selectors.all_posts(topic),
        "reply_form": StaffReplyForm(),
        "move_form": MoveForm(initial={"category": topic.category_id}),
        "merge_choices": selectors.topic_choices(topic),
        "sections": helpcenter_selectors.editable_sections(request.user),
        "can_moderate": moderates_community(request.user),
    }
    return render(request, "community/console/topic.html", context)


@require_permission(answers_customers)
@require_POST
def staff_reply(request, pk):
    topic = selectors.any_topic(pk)
    run_form_action(
        request,
        StaffReplyForm(request.POST),
        lambda data: services.staff_reply(
            request.user, topic, data["body"], official=data["official"]
        ),
        _("Your answer is posted."),
    )
    return redirect("community_console:topic", topic.pk)


@require_permission(moderates_community)
@require_POST
def topic_action(request, pk, action):
    topic = selectors.any_topic(pk)
    user, post = request.user, request.POST
    if action == "hide":
        run_form_action(
            request,
            ReasonForm(post),
            lambda data: services.hide_topic(user, topic, data["reason"]),
            _("The topic is hidden."),
        )
    elif action == "show":
        run_action(
            request, lambda: services.show_topic(user, topic), _("The topic is visible again.")
        )
    elif action in ("lock", "unlock"):
        locked = action == "lock"
        done = _("The topic is locked.") if locked else _("The topic is open again.")
        run_action(request, lambda: services.set_locked(user, topic, locked), done)
    elif action == "move":
        run_form_action(
            request,
            MoveForm(post),
            lambda data: services.move(user, topic, data["category"]),
            _("The topic is moved."),
        )
    elif action == "merge":
        into = selectors.any_topic(_number(post.get("into")))
        if into is None:
            messages.error(request, _("Choose the topic to merge into."))
        elif run_action(
            request, lambda: services.merge(user, topic, into), _("The topics are merged.")
        ):
            return redirect("community_console:topic", into.pk)
    else:
        raise Http404
    return redirect("community_console:topic", topic.pk)


@require_permission(answers_customers)
@require_POST
def post_action(request, pk, action):
    post = selectors.any_post(pk)
    user = request.user
    if action in ("hide", "show", "dismiss") and not moderates_community(user):
        raise PermissionDenied
    if action == "official":
        done = _("This is now the official answer.")
        run_action(request, lambda: services.mark_official(user, post), done)
    elif action == "draft":
        number = _number(request.POST.get("section"))
        section = helpcenter_selectors.section_by_pk(number) if number else None
        if section is None:
            messages.error(request, _("Choose a section for the article."))
        else:
            done = _("A draft article is waiting for review in the knowledge base.")
            run_action(request, lambda: services.draft_article(user, post, section), done)
    elif action == "hide":
        run_form_action(
            request,
            ReasonForm(request.POST),
            lambda data: services.hide_post(user, post, data["reason"]),
            _("The post is hidden."),
        )
    elif action == "show":
        run_action(request, lambda: services.show_post(user, post), _("The post is visible again."))
    elif action == "dismiss":
        done = _("The reports are dismissed.")
        run_action(request, lambda: services.dismiss_reports(user, post), done)
    else:
        raise Http404
    return redirect("community_console:topic", post.topic_id)


@require_permission(moderates_community)
@require_POST
def member_action(request, pk, action):
    member = selectors.any_member(pk)
    user = request.user
    if action == "ban":
        run_form_action(
            request,
            BanForm(request.POST),
            lambda data: services.ban(user, member, data["reason"], data["days"]),
            _("The member is suspended."),
        )
    elif action == "unban":
        run_action(request, lambda: services.unban(user, member), _("The suspension is lifted."))
    elif action == "trust":
        done = _("The member may now post links.")
        run_action(request, lambda: services.trust(user, member), done)
    else:
        raise Http404
    back = _number(request.POST.get("topic"))
    if back:
        return redirect("community_console:topic", back)
    return redirect("community_console:queue")
