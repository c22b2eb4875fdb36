"""Reads with access checks. Views never fetch a conversation or customer another way."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from exdesk.accounts.models import User
from exdesk.accounts.permissions import (
    knows_of_compliance_cases,
    sees_all_conversations,
    sees_compliance_cases,
    trains,
)
from exdesk.core import fulltext
from exdesk.customers.models import Customer

from .choices import ACTIVE_STATUSES, Channel, Priority, Status
from .models import Attachment, Conversation, Event, SearchDocument


def visible_conversations(user: User) -> QuerySet[Conversation]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Conversation.objects.none()
    conversations = Conversation.objects.all()
    if not trains(user):
        # A drill is the trainee's, and the trainers'.
        conversations = conversations.filter(Q(training=False) | Q(assignee=user))
    if not sees_compliance_cases(user):
        # Whatever else the role sees: a compliance case is the compliance officers'.
        conversations = conversations.filter(restricted=False)
    if sees_all_conversations(user):
        return conversations
    return conversations.filter(
        Q(team__in=user.teams.all())  # the agent's teams
        | Q(assignee=user)  # assigned to them, whatever the team
        | Q(team__isnull=True)  # not yet triaged to a team
    )


def timeline(user: User, conversation: Conversation) -> QuerySet[Event]:
    """The conversation's events for ``user``: notes written while it was a compliance
    case stay the compliance officers' after it is handed back."""
    events = conversation.events.select_related("author_user", "author_customer")
    if not sees_compliance_cases(user):
        events = events.exclude(data__has_key="restricted")  # set only to true
    return events.prefetch_related("attachments")


def compliance_cases_known_to(user: User) -> list[Conversation]:
    """Open compliance cases whose existence (reference and age, nothing else) ``user``
    may know of without seeing them; empty for everyone else."""
    if not knows_of_compliance_cases(user) or sees_compliance_cases(user):
        return []
    return list(
        Conversation.objects.filter(restricted=True, status__in=ACTIVE_STATUSES)
        .only("pk", "created_at")
        .order_by("created_at")[:50]
    )


def access_conversation(user: User, pk) -> Conversation:
    """The conversation, or 404 for anyone who may not see it (no hint that it exists)."""
    try:
        return (
            visible_conversations(user)
            .select_related("customer", "team", "assignee", "category")
            .get(pk=int(pk))
        )
    except (Conversation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def access_conversations(user: User, pks) -> list[Conversation]:
    """Several conversations in one query; 404 if any of them is not visible."""
    try:
        wanted = {int(pk) for pk in pks}
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    found = list(visible_conversations(user).filter(pk__in=wanted).order_by("pk"))
    if len(found) != len(wanted):
        raise Http404
    return found


def visible_ids(user: User, ids) -> list[int]:
    """Which of these conversation ids the user may see, in one query."""
    return list(visible_conversations(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def conversation_by_token(token: str) -> Conversation:
    if not token or len(token) > 64:
        raise Http404
    try:
        return Conversation.objects.select_related("customer").get(tracking_token=token)
    except Conversation.DoesNotExist as exc:
        raise Http404 from exc


def access_attachment(user: User, pk) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("event").get(pk=int(pk))
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    access_conversation(user, attachment.conversation_id)
    return attachment


def public_attachment(conversation: Conversation, pk) -> Attachment:
    """An attachment the customer may download: theirs or an agent's public reply's."""
    from .choices import PUBLIC_KINDS

    try:
        return Attachment.objects.get(
            pk=int(pk), conversation=conversation, event__kind__in=PUBLIC_KINDS
        )
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def assignable_staff(conversation: Conversation) -> QuerySet[User]:
    """Who may be assigned this conversation: people who answer and can see it."""
    from exdesk.accounts.choices import ANSWERS_CUSTOMERS, SEES_ALL_CONVERSATIONS

    staff = User.objects.filter(is_active=True, role__in=ANSWERS_CUSTOMERS)
    if conversation.restricted:
        from exdesk.accounts.choices import SEES_COMPLIANCE_CASES

        staff = staff.filter(role__in=SEES_COMPLIANCE_CASES)
    if conversation.team_id:
        staff = staff.filter(Q(teams=conversation.team_id) | Q(role__in=SEES_ALL_CONVERSATIONS))
    return staff.distinct().order_by("username")


def find_assignable(conversation: Conversation, username: str) -> User | None:
    return assignable_staff(conversation).filter(username=username).first()


def visible_customers(user: User) -> QuerySet[Customer]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Customer.objects.none()
    customers = Customer.objects.filter(simulated=False)  # drills' customers are not
    if sees_all_conversations(user):
        return customers
    visible = visible_conversations(user).filter(customer=OuterRef("pk"))
    return customers.filter(Exists(visible))


def access_customer(user: User, pk) -> Customer:
    try:
        return visible_customers(user).get(pk=int(pk))
    except (Customer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- live console

# A chat "waits" while nobody holds it and it is not parked with the customer or solved.
WAITING_CHAT_STATUSES = (Status.NEW, Status.OPEN)


def console_summary(user: User) -> dict[str, int]:
    """The console's live counters, over what ``user`` may see, in one query:
    unassigned chats waiting for an agent, and the user's own unsolved conversations."""
    counts = visible_conversations(user).aggregate(
        unassigned_chats=Count(
            "pk",
            filter=Q(
                channel=Channel.CHAT,
                assignee__isnull=True,
                status__in=WAITING_CHAT_STATUSES,
            ),
        ),
        mine_open=Count("pk", filter=Q(assignee=user, status__in=ACTIVE_STATUSES)),
    )
    return {name: int(value or 0) for name, value in counts.items()}


# ---------------------------------------------------------------- inbox

INBOX_VIEWS = ("mine", "unassigned", "teams", "all")


@dataclass
class InboxFilters:
    view: str = "mine"
    status: str = ""
    priority: str = ""
    channel: str = ""
    tag: str = ""
    language: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> InboxFilters:
        def pick(name: str, allowed) -> str:
            value = params.get(name, "")
            return value if value in allowed else ""

        return cls(
            view=params.get("view") if params.get("view") in INBOX_VIEWS else "mine",
            status=pick("status", {*Status.values, "active"}),
            priority=pick("priority", Priority.values),
            channel=pick("channel", Channel.values),
            tag=params.get("tag", "").strip()[:40],
            language=pick("language", {"en", "zh-hans"}),
            q=params.get("q", "").strip()[:200],
        )


def inbox(user: User, filters: InboxFilters) -> QuerySet[Conversation]:
    # Drills stay out of everyone's lists but the trainee's (trainers open them from
    # the academy's pages).
    conversations = visible_conversations(user).filter(Q(training=False) | Q(assignee=user))
    if filters.view == "mine":
        conversations = conversations.filter(assignee=user)
    elif filters.view == "unassigned":
        conversations = conversations.filter(assignee__isnull=True)
    elif filters.view == "teams":
        conversations = conversations.filter(team__in=user.teams.all())
    if filters.status == "active":
        conversations = conversations.filter(status__in=ACTIVE_STATUSES)
    elif filters.status:
        conversations = conversations.filter(status=filters.status)
    if filters.priority:
        conversations = conversations.filter(priority=filters.priority)
    if filters.channel:
        conversations = conversations.filter(channel=filters.channel)
    if filters.language:
        conversations = conversations.filter(language=filters.language)
    if filters.tag:
        conversations = conversations.filter(tags__name=filters.tag)
    if filters.q:
        conversations = conversations.filter(pk__in=search_ids(filters.q))
    from exdesk.sla.selectors import with_next_deadline

    return with_next_deadline(
        conversations.select_related("customer", "assignee", "team").prefetch_related("tags")
    )


def search_ids(query: str):
    """Conversation ids whose subject or messages contain every term of ``query``."""
    terms = fulltext.terms(query)[:20]
    if not terms:
        return SearchDocument.objects.none().values("conversation_id")
    if connection.vendor == "postgresql":
        # Exact term containment on a GIN-indexed array: no text-search parser or locale
        # decides what a Chinese "word" is; the terms already are the words.
        return RawSQL(
            "SELECT conversation_id FROM conversations_searchdocument "
            "WHERE string_to_array(terms, ' ') @> %s::text[]",
            [terms],
        )
    # SQLite (the two supported databases): the FTS5 table from migration 0002.
    match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return RawSQL(
        "SELECT rowid FROM conversations_searchdocument_fts "
        "WHERE conversations_searchdocument_fts MATCH %s",
        [match],
    )
