"""Reading for the analytics pages: the conversations behind a number."""

from __future__ import annotations

from django.core.paginator import Paginator

from exdesk.accounts.models import User
from exdesk.conversations.selectors import visible_conversations

from .metrics import Filters, facts_behind

PAGE_SIZE = 50


def conversations_behind(user: User, filters: Filters, show: str, page_number) -> dict:
    """One page of the conversations a dashboard number counts, newest first, as far as
    ``user`` may see them (a compliance case is counted but only its officers open it).
    Raises ValueError for an unknown number."""
    ids = facts_behind(filters, show).values_list("conversation_id", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(page_number)
    wanted = list(page.object_list)
    found = {
        conversation.pk: conversation
        for conversation in visible_conversations(user)
        .filter(pk__in=wanted)
        .select_related("assignee", "team")
    }
    return {
        "page": page,
        "conversations": [found[pk] for pk in wanted if pk in found],
        "hidden": sum(1 for pk in wanted if pk not in found),
    }
