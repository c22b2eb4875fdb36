"""Reads with access checks: a callback is seen by whoever may see its conversation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from exdesk.accounts.models import User
from exdesk.conversations.selectors import visible_conversations

from .choices import OPEN_CALLBACK_STATES
from .models import CallbackRequest


def visible_callbacks(user: User) -> QuerySet[CallbackRequest]:
    return CallbackRequest.objects.filter(conversation__in=visible_conversations(user))


def open_callbacks(user: User) -> QuerySet[CallbackRequest]:
    """Callbacks still to make, the one due first at the top."""
    return (
        visible_callbacks(user)
        .filter(state__in=OPEN_CALLBACK_STATES)
        .select_related("conversation__assignee")
        .order_by("due_at", "pk")
    )


def access_callback(user: User, pk) -> CallbackRequest:
    """The callback, or 404 for anyone who may not see its conversation."""
    try:
        return visible_callbacks(user).select_related("conversation").get(pk=int(pk))
    except (CallbackRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
