"""Reads of the exchange toolkit's rows, through the conversation access layer."""

from __future__ import annotations

from django.http import Http404

from exdesk.accounts.models import User
from exdesk.conversations import selectors as conversation_selectors

from .models import AccountAction


def access_action(user: User, pk) -> AccountAction:
    """The action, or 404 for anyone who may not see its conversation."""
    try:
        action = AccountAction.objects.select_related(
            "customer", "conversation", "requested_by", "approved_by"
        ).get(pk=int(pk))
    except (AccountAction.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    conversation_selectors.access_conversation(user, action.conversation_id)
    return action
