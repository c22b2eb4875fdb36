"""Every change to a conversation goes through one function here.

Views, the API, the console's bulk actions, the demo loader and (later) the chat
consumer, e-mail intake and bot all call these. Each ``do_*`` runs in one transaction,
appends the timeline event and schedules side effects (e-mail) after commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal, overload

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.models import Team, User
from exdesk.accounts.permissions import answers_customers, assigns_others, sees_all_conversations
from exdesk.assistant import guard
from exdesk.core import fulltext, plainsql
from exdesk.customers.models import Customer
from exdesk.customers.services import find_or_create_customer

from . import attachments as files
from . import live
from .choices import (
    BOT_CHANNELS,
    PLATFORM_CHANNELS,
    REOPENED_BY_CUSTOMER,
    Channel,
    EventKind,
    Priority,
    Status,
)
from .models import Attachment, Category, Conversation, Event, SearchDocument, Tag

MAX_BODY_LENGTH = 20_000
MAX_SUBJECT_LENGTH = 200
# What goes back through the platform a Telegram or social conversation came from.
RELAYED_KINDS = {EventKind.AGENT_REPLY, EventKind.SURVEY, EventKind.INCIDENT_UPDATE}
CASE_FIELDS = ("coin", "network", "txid", "amount", "address")
# Text case fields and their column lengths, read from the model so they cannot drift.
CASE_FIELD_LENGTHS = {
    name: int(getattr(Conversation._meta.get_field(name), "max_length", 0) or 0)
    for name in ("coin", "network", "txid", "address")
}


# ---------------------------------------------------------------- checks


def check_body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: _("Write a message.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError({field: _("Use at most %(n)d characters.") % {"n": MAX_BODY_LENGTH}})
    return body


def check_can_answer(user: User, conversation: Conversation) -> None:
    if not answers_customers(user):
        raise PermissionDenied(_("Your role cannot change conversations."))


def check_category(slug: str) -> Category:
    try:
        return Category.objects.select_related("team").get(slug=slug)
    except Category.DoesNotExist:
        raise ValidationError({"category": _("Unknown category.")}) from None


def check_case_fields(fields: dict | None) -> dict:
    fields = {k: v for k, v in (fields or {}).items() if v not in (None, "")}
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Unknown field.")})
    if "amount" in fields:
        try:
            amount = Decimal(str(fields["amount"]))
        except ArithmeticError as exc:
            raise ValidationError({"amount": _("Enter a number.")}) from exc
        if not amount.is_finite() or amount < 0:
            raise ValidationError({"amount": _("Enter a positive number.")})
        # The column holds 18 digits before and 18 after the point (enough for wei).
        if amount >= Decimal(10) ** 18 or amount != amount.quantize(Decimal(10) ** -18):
            raise ValidationError({"amount": _("Use at most 18 digits after the point.")})
        fields["amount"] = amount
    for key, limit in CASE_FIELD_LENGTHS.items():
        if key in fields:
            fields[key] = str(fields[key]).strip()
            if len(fields[key]) > limit:
                raise ValidationError({key: _("Use at most %(n)d characters.") % {"n": limit}})
    return fields


# ---------------------------------------------------------------- internals


@overload
def _append(
    conversation: Conversation, kind: str, *, skip_if_stored: Literal[False] = ..., **values
) -> Event: ...


@overload
def _append(
    conversation: Conversation, kind: str, *, skip_if_stored: bool, **values
) -> Event | None: ...


def _append(conversation, kind, *, skip_if_stored=False, **values):
    """Add an event to the timeline. The caller holds the conversation's row lock (or has
    just created it), so the next ``seq`` cannot be taken twice. ``skip_if_stored``: an
    event whose ``client_id`` is stored already is not added again (None is returned)."""
    # On every message: one plain statement that also numbers the event.
    event = plainsql.insert(
        Event(conversation=conversation, kind=kind, **values),
        number=("seq", "conversation"),
        skip_conflicts=skip_if_stored,
    )
    if event is None:
        return None
    event.may_have_files = False  # until _attach says otherwise; saves the publisher a query
    transaction.on_commit(lambda: live.publish_event(event), robust=True)
    if kind in RELAYED_KINDS and conversation.channel in PLATFORM_CHANNELS:
        # An agent's or the bot's answer (or the survey) in a Telegram or social
        # conversation goes back through that platform (messaging.services.relay_reply).
        from exdesk.messaging.tasks import relay_reply

        _after_commit(relay_reply, event.pk)
    return event


def _attach(conversation: Conversation, event: Event, checked: Sequence, stored: list[str]):
    """Store checked uploads and attach them to the event."""
    kept = []
    for item in checked:
        path = files.store(item)
        stored.append(path)
        kept.append(files.StoredFile(path, item.name, item.content_type, item.size, item.sha256))
    _attach_stored(conversation, event, kept)


def _attach_stored(conversation: Conversation, event: Event, stored_files: Sequence) -> None:
    """Attach files already stored (path, original_name, content_type, size, sha256)."""
    for item in stored_files:
        event.may_have_files = True
        Attachment.objects.create(
            conversation=conversation,
            event=event,
            file=item.path,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )


def _index(conversation: Conversation, *texts: str) -> None:
    """Add the terms of new text to the conversation's search document.

    A chat adds a message every few seconds; rewriting its growing document each time
    cost more than storing the message (docs/decisions/0003-one-process-without-redis.md).
    Chats are indexed by a periodic task instead (tasks.index_recent_chats), a minute at
    most after the message."""
    if conversation.channel == Channel.CHAT:
        return
    new_terms = fulltext.index_text(*texts)
    doc, created = SearchDocument.objects.get_or_create(
        conversation=conversation, defaults={"terms": new_terms}
    )
    if not created and new_terms:
        doc.terms = f"{doc.terms} {new_terms}".strip()
        doc.save(update_fields=["terms"])


def index_new_messages(conversation_ids: Iterable[int]) -> None:
    """Add the terms of messages that came since each conversation was last indexed."""
    from .choices import MESSAGE_KINDS

    with transaction.atomic():
        for conversation_id in conversation_ids:
            doc = SearchDocument.objects.select_for_update().get(conversation_id=conversation_id)
            new = list(
                Event.objects.filter(conversation_id=conversation_id, seq__gt=doc.indexed_seq)
                .order_by("seq")
                .values_list("seq", "kind", "body")
            )
            if not new:
                continue
            bodies = [body for _seq, kind, body in new if kind in MESSAGE_KINDS]
            doc.terms = f"{doc.terms} {fulltext.index_text(*bodies)}".strip()
            doc.indexed_seq = new[-1][0]
            doc.save(update_fields=["terms", "indexed_seq"])


def _lock(conversation: Conversation) -> None:
    """Hold the conversation's row until commit and read it fresh.

    Appends to one timeline then happen one at a time, so event ids order each
    conversation (what a reconnecting client resumes from), and the "from" value of a
    change is the current one, not what the caller loaded earlier.
    """
    conversation.refresh_from_db(from_queryset=Conversation.objects.select_for_update())


def _touch(conversation: Conversation, **changes) -> None:
    for name, value in changes.items():
        setattr(conversation, name, value)
    conversation.updated_at = timezone.now()
    plainsql.update(conversation, [*changes, "updated_at"])


def _with_files(work, uploads: Iterable):
    """Check files first, then run ``work`` in one transaction; stored files never outlive a
    rolled-back transaction."""
    checked = files.check_files(uploads or [])
    stored: list[str] = []
    try:
        with transaction.atomic():
            return work(checked, stored)
    except BaseException:
        files.discard(stored)
        raise


def _once(conversation: Conversation | int, client_id: str | None, send) -> Event:
    """Store a message unless its sender's id is already stored: a retry, or a duplicate
    racing in parallel, hits the unique constraint and gets the stored event. (Retries
    are rare; looking first would cost every message a query.)"""
    try:
        return send()
    except IntegrityError:
        stored = (
            Event.objects.filter(conversation=conversation, client_id=client_id).first()
            if client_id
            else None
        )
        if stored is None:
            raise
        return stored


def check_client_id(client_id: str | None) -> str | None:
    if client_id is not None and not (0 < len(client_id) <= 100):
        raise ValidationError({"client_id": _("A message id has 1 to 100 characters.")})
    return client_id or None


# ---------------------------------------------------------------- the assistant

BOT_HANDED_OVER = "handed_over"
# The bot holds the chat (it greeted, or offered an article and awaits the verdict).
BOT_TALKING = ("greeted", "answering")
# Messages past this point of a timeline are not triaged: by then a person has the case,
# and a long chat should not keep the task queue busy.
TRIAGED_EVENTS = 20


def _triage(event_id: int) -> None:
    from exdesk.assistant.tasks import triage_message

    triage_message(event_id)


def _sla():
    """The SLA clocks (sla.services), told of each change in the same transaction."""
    from exdesk.sla import services as sla

    return sla


def _route() -> None:
    """Offer waiting conversations to agents (routing.tasks); after the change commits."""
    from exdesk.routing.tasks import request_routing

    request_routing()


def _masked(body: str, language: str) -> guard.Masked:
    """``body`` with secrets replaced by labels in the conversation's language: what is
    stored, indexed, published and mailed. The original goes nowhere."""
    from exdesk.assistant import safety

    return guard.mask(body, safety.mask_labels(language))


def _secret_shared(conv: Conversation, masked: guard.Masked) -> None:
    """The customer pasted a secret: record it, warn them in their language, and make
    the conversation a P0 case for the security team. Runs in the message's
    transaction, so the warning and the masked message land together."""
    from exdesk.assistant import safety

    safety.record_customer_secret(conv, masked.kinds)
    _append(
        conv,
        EventKind.AGENT_REPLY,
        body=safety.customer_warning(masked.kinds, conv.language),
        data={"bot": True, "author": safety.bot_name(conv.language), "guard": list(masked.kinds)},
    )
    if masked.funds_at_risk:
        team = Team.objects.filter(slug=safety.SECURITY_TEAM).first()
        changes: dict[str, Any] = {}
        if conv.priority != Priority.P0:
            _append(
                conv,
                EventKind.PRIORITY_CHANGE,
                data={"from": conv.priority, "to": Priority.P0, "by": "guard"},
            )
            changes["priority"] = Priority.P0
        if team is not None and conv.team_id != team.pk:
            _append(
                conv,
                EventKind.TEAM_CHANGE,
                data={
                    "from": conv.team.slug if conv.team else None,
                    "to": team.slug,
                    "by": "guard",
                },
            )
            changes["team"] = team
        _touch(conv, **changes)


def check_agent_text(conversation: Conversation, user: User, body: str) -> str:
    """An agent's reply or note, secrets masked. A reply that asks the customer for a
    password, 2FA code, seed phrase or private key is refused, and the attempt is
    recorded for QA (kept even though the reply is not)."""
    from exdesk.assistant import safety

    asked = guard.agent_asks_for_secret(body)
    if asked is not None:
        safety.record_agent_request(conversation, user, asked)
        raise ValidationError({"body": safety.agent_block_message()})
    return _masked(body, conversation.language).text


def check_internal_text(conversation: Conversation, body: str) -> str:
    """A note for staff (an internal note, an escalation's hand-off or outcome): checked
    and with secrets masked, never sent to the customer."""
    return _masked(check_body(body), conversation.language).text


def check_compliance_reply(conversation: Conversation, body: str) -> None:
    """A compliance case is answered only with an approved template, word for word: a
    free reply could tell the customer they are under review (tipping-off)."""
    from exdesk.assistant.selectors import compliance_templates

    approved = {
        t.strip()
        for t in compliance_templates(conversation.language).values_list("body", flat=True)
    }
    if body.strip() not in approved:
        raise ValidationError(
            {"body": _("Compliance cases are answered with an approved template only.")}
        )


def _after_commit(task, *args) -> None:
    # robust: the change is committed; a queue outage is logged, not turned into a 500
    # for an action that succeeded.
    transaction.on_commit(lambda: task(*args), robust=True)


# ---------------------------------------------------------------- creating


def do_create_conversation(
    *,
    customer: Customer,
    subject: str,
    body: str,
    channel: str = Channel.WEB,
    language: str = "en",
    category: Category | None = None,
    priority: str | None = None,
    fields: dict | None = None,
    tags: Iterable[str] = (),
    uploads: Iterable = (),
    notify_customer: bool = True,
    external_key: str | None = None,
    client_id: str | None = None,
    tracking_token: str | None = None,
    context_note: str = "",
    training_for: User | None = None,
) -> Conversation:
    """``context_note``: where the customer came from (a help-center article), kept as an
    internal note for the agent. ``training_for``: a drill of the academy, assigned to
    that trainee at once; no SLA clock, triage, bot, routing or mail."""
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Give your request a subject.")})
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise ValidationError(
            {"subject": _("Use at most %(n)d characters.") % {"n": MAX_SUBJECT_LENGTH}}
        )
    body = check_body(body)
    case_fields = check_case_fields(fields)
    tag_names = clean_tag_names(tags)
    subject = _masked(subject, language).text
    masked = _masked(body, language)
    body = masked.text

    def work(checked, stored):
        conversation = plainsql.insert(
            Conversation(
                customer=customer,
                subject=subject,
                channel=channel,
                language=language,
                category=category,
                team=category.team if category else None,
                priority=priority or (category.default_priority if category else Priority.P2),
                external_key=external_key or None,
                training=training_for is not None,
                assignee=training_for,
                bot_state=BOT_HANDED_OVER if training_for is not None else "",
                **({"tracking_token": tracking_token} if tracking_token else {}),
                **case_fields,
            )
        )
        if tag_names:
            conversation.tags.set([Tag.objects.get_or_create(name=n)[0] for n in tag_names])
        event = _append(
            conversation,
            EventKind.CUSTOMER_MESSAGE,
            author_customer=customer,
            body=body,
            client_id=check_client_id(client_id),
        )
        _attach(conversation, event, checked, stored)
        conversation.opening_event = event
        if context_note:
            _append(conversation, EventKind.INTERNAL_NOTE, body=context_note[:1000])
        if masked.found:
            _secret_shared(conversation, masked)
        if training_for is None:
            _sla().conversation_opened(conversation)
            _after_commit(_triage, event.pk)
            if channel not in BOT_CHANNELS or not settings.ASSISTANT_BOT_ENABLED:
                _after_commit(_route)  # a chat is routed once the bot has had its turn
        plainsql.insert(
            SearchDocument(
                conversation=conversation,
                terms=fulltext.index_text(subject, body),
                indexed_seq=event.seq,
            )
        )
        if notify_customer and customer.email and training_for is None:
            from .tasks import notify_customer_received

            _after_commit(notify_customer_received, conversation.pk)
        return conversation

    return _with_files(work, uploads)


def opening_event(conversation: Conversation) -> Event:
    """The event of the conversation's first message: kept on the instance
    ``do_create_conversation`` returned, read otherwise."""
    return conversation.opening_event or conversation.events.earliest("seq")


def do_receive_request(
    *,
    uid: str = "",
    email: str = "",
    name: str = "",
    customer_language: str = "en",
    external_key: str | None = None,
    **conversation: Any,
) -> Conversation:
    """A new request from outside (web form, API): find or create the customer and open
    the conversation, both or neither. With ``external_key``, a repeated call returns the
    conversation the first one opened."""
    for attempt in (1, 2):
        if external_key:
            existing = Conversation.objects.filter(external_key=external_key).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                customer = find_or_create_customer(
                    uid=uid, email=email, display_name=name, language=customer_language
                )
                return do_create_conversation(
                    customer=customer, external_key=external_key, **conversation
                )
        except IntegrityError:
            # A parallel call created the same customer or used the same key first. The
            # second attempt finds what it stored.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- messages


def do_add_customer_message(
    conversation: Conversation | int,
    body: str,
    uploads: Iterable = (),
    *,
    client_id: str | None = None,
    stored_files: Sequence = (),
    max_length: int = MAX_BODY_LENGTH,
) -> Event:
    """A message from the customer. ``stored_files`` are files already checked and stored
    (a chat upload: path, original_name, content_type, size, sha256). ``conversation``
    may be just its id: it is read under its lock anyway."""
    conversation_id = conversation if isinstance(conversation, int) else conversation.pk
    body = check_body(body)
    if len(body) > max_length:
        raise ValidationError({"body": _("Use at most %(n)d characters.") % {"n": max_length}})
    client_id = check_client_id(client_id)

    def work(checked, stored):
        conv = _lock_for_message(conversation_id)
        if conv.status == Status.CLOSED:
            retried = conv.events.filter(client_id=client_id).first() if client_id else None
            if retried is not None:
                return retried
            raise ValidationError(
                {"body": _("This request is closed. Please open a new one if you need more help.")}
            )
        masked = _masked(body, conv.language)
        event = _append(
            conv,
            EventKind.CUSTOMER_MESSAGE,
            author_customer=conv.customer,
            body=masked.text,
            client_id=client_id,
            skip_if_stored=True,
        )
        if event is None:  # this message id is stored already: a re-send
            return conv.events.get(client_id=client_id)
        if masked.found:
            _secret_shared(conv, masked)
        if conv.bot_state != BOT_HANDED_OVER and event.seq <= TRIAGED_EVENTS:
            # The assistant reads the first messages until a person has the conversation.
            _after_commit(_triage, event.pk)
        _attach(conv, event, checked, stored)
        _attach_stored(conv, event, stored_files)
        if conv.status in REOPENED_BY_CUSTOMER:
            _status_event(conv, Status.OPEN, actor=None)
        else:
            _touch(conv)
        _sla().customer_wrote(conv.pk)
        _index(conv, masked.text)
        return event

    if not uploads and not stored_files and connection.in_atomic_block:
        # Inside the caller's transaction (a chat group commit), without a savepoint of
        # its own: a refusal comes before any write, and a re-send is skipped by the
        # insert itself, so nothing here can leave the transaction half-done.
        return work((), [])
    return _once(conversation_id, client_id, lambda: _with_files(work, uploads))


def _lock_for_message(conversation_id: int) -> Conversation:
    """The conversation, locked, with its customer and what storing and publishing a
    customer message read (other fields load on first use). One plain statement: this
    runs for every chat message."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_FOR_MESSAGE_SQL[connection.vendor == "postgresql"], [conversation_id])
        row = cursor.fetchone()
    if row is None:
        raise Conversation.DoesNotExist(f"conversation {conversation_id} does not exist")
    conv = Conversation.from_db(
        connection.alias, _LOCKED_FIELDS, [conversation_id, *row[:7], bool(row[7]), row[8]]
    )
    conv.customer = Customer.from_db(connection.alias, _CUSTOMER_FIELDS, [row[5], *row[9:]])
    return conv


# Columns that need no conversion on the way out, in each model's field order (from_db
# takes them so).
_LOCKED_FIELDS = [
    "id",
    "channel",
    "status",
    "language",
    "team_id",
    "assignee_id",
    "customer_id",
    "bot_state",
    "restricted",
    "tracking_token",
]
_CUSTOMER_FIELDS = ["id", "uid", "display_name", "email"]
_LOCK_QUERY = (
    "SELECT c.channel, c.status, c.language, c.team_id, c.assignee_id, c.customer_id, "
    "c.bot_state, c.restricted, c.tracking_token, "
    "u.uid, u.display_name, u.email "
    "FROM conversations_conversation c JOIN customers_customer u ON u.id = c.customer_id "
    "WHERE c.id = %s"
)
# SQLite's write transaction already admits one writer; PostgreSQL locks the row.
_LOCK_FOR_MESSAGE_SQL = {False: _LOCK_QUERY, True: _LOCK_QUERY + " FOR UPDATE OF c"}


def do_reply(
    conversation: Conversation,
    user: User,
    body: str,
    uploads: Iterable = (),
    *,
    status: str | None = None,
    notify_customer: bool = True,
    client_id: str | None = None,
) -> Event:
    """A public answer to the customer, optionally setting the status in the same step."""
    check_can_answer(user, conversation)
    body = check_agent_text(conversation, user, check_body(body))
    client_id = check_client_id(client_id)
    if status is not None and status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})

    def work(checked, stored):
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conv.restricted:  # read under the lock: it may have become one since
            check_compliance_reply(conv, body)
        event = _append(
            conv, EventKind.AGENT_REPLY, author_user=user, body=body, client_id=client_id
        )
        _attach(conv, event, checked, stored)
        _sla().agent_replied(conv.pk)  # before a status in the same step can end the case
        changes = {}
        if conv.first_response_at is None:
            changes["first_response_at"] = event.created_at
        new_status = status or (Status.OPEN if conv.status == Status.NEW else None)
        if new_status and new_status != conv.status:
            for name, value in changes.items():
                setattr(conv, name, value)
            _status_event(conv, new_status, actor=user, extra_fields=list(changes))
        else:
            _touch(conv, **changes)
        _index(conv, body)
        # A live chat shows the reply at once; the customer can ask for a transcript.
        # A platform conversation gets the reply through its platform (_append relays it).
        if notify_customer and conv.customer.email and conv.channel not in BOT_CHANNELS:
            from .tasks import notify_customer_of_reply

            _after_commit(notify_customer_of_reply, event.pk)
        if conv.training:
            from exdesk.academy.tasks import drill_turn

            _after_commit(drill_turn, event.pk)  # the simulated customer answers
        return event

    return _once(conversation, client_id, lambda: _with_files(work, uploads))


def do_add_note(
    conversation: Conversation,
    user: User,
    body: str,
    uploads: Iterable = (),
    *,
    client_id: str | None = None,
) -> Event:
    """An internal note: staff only, never shown or sent to the customer."""
    body = check_internal_text(conversation, body)
    client_id = check_client_id(client_id)

    def work(checked, stored):
        _lock(conversation)
        event = _append(
            conversation,
            EventKind.INTERNAL_NOTE,
            author_user=user,
            body=body,
            client_id=client_id,
            # Written on a compliance case: stays hidden from others after it is handed back.
            data={"restricted": True} if conversation.restricted else {},
        )
        _attach(conversation, event, checked, stored)
        _touch(conversation)
        _index(conversation, body)
        return event

    return _once(conversation, client_id, lambda: _with_files(work, uploads))


# ---------------------------------------------------------------- properties


def _status_event(conv: Conversation, status: str, actor: User | None, extra_fields=()) -> Event:
    if status == Status.SOLVED and _open_complaint(conv):
        raise ValidationError(_("A complaint is solved by sending its written outcome."))
    old = conv.status
    conv.status = status
    fields = ["status", *extra_fields]
    if status == Status.SOLVED:
        conv.solved_at = timezone.now()
        fields.append("solved_at")
    elif old in (Status.SOLVED, Status.CLOSED) and conv.solved_at is not None:
        conv.solved_at = None
        fields.append("solved_at")
    _touch(conv, **{f: getattr(conv, f) for f in fields})
    _sla().status_changed(conv.pk, old, status)
    if status == Status.SOLVED and not conv.training:
        from exdesk.quality.tasks import ask_for_feedback, review_solved

        _after_commit(review_solved, conv.pk)  # the automatic quality review
        _after_commit(ask_for_feedback, conv.pk)  # the customer's satisfaction survey
        from exdesk.analytics.tasks import refresh_conversation

        _after_commit(refresh_conversation, conv.pk)  # the dashboards, before the sweep
    return _append(
        conv, EventKind.STATUS_CHANGE, author_user=actor, data={"from": old, "to": status}
    )


@transaction.atomic
def do_change_status(conversation: Conversation, user: User, status: str) -> Event | None:
    check_can_answer(user, conversation)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conv.status == status:
        return None
    event = _status_event(conv, status, actor=user)
    conversation.status, conversation.solved_at = conv.status, conv.solved_at
    _after_commit(_route)  # a solved case frees room; a reopened one may wait again
    return event


@transaction.atomic
def do_change_priority(conversation: Conversation, user: User, priority: str) -> Event | None:
    check_can_answer(user, conversation)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    return _set_priority(conversation, priority, author_user=user)


def _open_complaint(conversation: Conversation) -> bool:
    from exdesk.complaints.services import blocks_solving

    return blocks_solving(conversation)


@transaction.atomic
def do_hand_to_people(conversation: Conversation, *, priority: str | None = None) -> None:
    """The bot stops answering this conversation (a formal complaint), and its priority
    rises to at least ``priority``."""
    _lock(conversation)
    if conversation.bot_state != BOT_HANDED_OVER:
        _touch(conversation, bot_state=BOT_HANDED_OVER)
    if priority and priority < conversation.priority:  # "p0" < "p1" < "p2" < "p3"
        _set_priority(conversation, priority, data={"by": "exdesk"})


@transaction.atomic
def do_system_priority(conversation: Conversation, priority: str, by: str) -> Event | None:
    """exdesk itself changes the priority (``by``: "sla" when a breach rule raises it)."""
    return _set_priority(conversation, priority, data={"by": by})


def _set_priority(conversation: Conversation, priority: str, data=None, **author) -> Event | None:
    _lock(conversation)
    old = conversation.priority
    if old == priority:
        return None
    _touch(conversation, priority=priority)
    _sla().conditions_changed(conversation.pk)
    _after_commit(_route)  # a higher priority moves it up the queue
    return _append(
        conversation,
        EventKind.PRIORITY_CHANGE,
        data={"from": old, "to": priority, **(data or {})},
        **author,
    )


@transaction.atomic
def do_record_sla_breach(conversation: Conversation, metric: str) -> Event:
    """A target was missed: the timeline says which, for the agent and for reports."""
    _lock(conversation)
    _touch(conversation)
    return _append(conversation, EventKind.SLA_BREACH, data={"metric": metric, "by": "sla"})


def check_assignee(actor: User, conversation: Conversation, assignee: User | None) -> None:
    check_can_answer(actor, conversation)
    if assignee is not None and assignee != actor and not assigns_others(actor):
        raise PermissionDenied(_("Your role can only assign conversations to yourself."))
    if assignee is None:
        return
    from .selectors import assignable_staff

    if not assignable_staff(conversation).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("This person cannot answer this conversation (role or team).")}
        )


@transaction.atomic
def do_assign(conversation: Conversation, actor: User, assignee: User | None) -> Event | None:
    check_assignee(actor, conversation, assignee)
    _lock(conversation)
    old = conversation.assignee
    if old == assignee:
        return None
    changes: dict = {"assignee": assignee}
    if assignee is not None and conversation.status == Status.NEW:
        changes["status"] = Status.OPEN
    _touch(conversation, **changes)
    return _append(
        conversation,
        EventKind.ASSIGNMENT_CHANGE,
        author_user=actor,
        data={
            "from": old.username if old else None,
            "to": assignee.username if assignee else None,
        },
    )


def do_take(conversation: Conversation, user: User) -> Event | None:
    return do_assign(conversation, user, user)


# Statuses in which a conversation waits for routing when nobody has it.
ROUTED_STATUSES = (Status.NEW, Status.OPEN)


@transaction.atomic
def do_route(conversation_id: int, agent: User) -> Event | None:
    """Routing hands a waiting conversation to ``agent`` — only if nobody has taken it
    since routing looked and it still waits."""
    conversation = Conversation.objects.get(pk=conversation_id)
    _lock(conversation)
    if conversation.assignee_id is not None or conversation.status not in ROUTED_STATUSES:
        return None
    changes: dict = {"assignee": agent}
    if conversation.status == Status.NEW:
        changes["status"] = Status.OPEN
    _touch(conversation, **changes)
    return _append(
        conversation,
        EventKind.ASSIGNMENT_CHANGE,
        data={"from": None, "to": agent.username, "by": "routing"},
    )


@transaction.atomic
def do_hand_back(
    conversation_id: int, agent: User, reason: str, *, even_if_answered: bool = False
) -> Event | None:
    """``agent`` gives back a conversation they have not answered yet (they went
    offline), or one a breach rule re-routes: it waits for routing again."""
    conversation = Conversation.objects.get(pk=conversation_id)
    _lock(conversation)
    if conversation.assignee_id != agent.pk:
        return None
    if conversation.first_response_at is not None and not even_if_answered:
        return None
    _touch(conversation, assignee=None)
    _after_commit(_route)
    return _append(
        conversation,
        EventKind.ASSIGNMENT_CHANGE,
        data={"from": agent.username, "to": None, "by": "routing", "reason": reason},
    )


@transaction.atomic
def do_escalate(
    conversation_id: int,
    actor: User,
    team: Team,
    *,
    kind: str,
    reason: str,
    note: str,
    restricted: bool,
) -> Event:
    """To the specialist ``team``'s queue (routing.escalate keeps the record)."""
    conversation = Conversation.objects.get(pk=conversation_id)
    _lock(conversation)
    old = conversation.team
    _touch(conversation, team=team, assignee=None, restricted=conversation.restricted or restricted)
    return _append(
        conversation,
        EventKind.ESCALATION,
        author_user=actor,
        body=note,
        data={
            "kind": kind,
            "reason": reason,
            "from": old.slug if old else None,
            "to": team.slug,
            # Notes written on a compliance case stay the compliance officers'.
            **({"restricted": True} if restricted else {}),
        },
    )


@transaction.atomic
def do_end_escalation(
    conversation_id: int,
    actor: User,
    team: Team | None,
    agent: User | None,
    *,
    kind: str,
    outcome: str,
) -> Event:
    """Back from the specialist team to ``team`` and ``agent`` (routing if none)."""
    conversation = Conversation.objects.get(pk=conversation_id)
    _lock(conversation)
    old = conversation.team
    _touch(conversation, team=team, assignee=agent, restricted=False)
    if agent is None:
        _after_commit(_route)
    return _append(
        conversation,
        EventKind.ESCALATION_BACK,
        author_user=actor,
        body=outcome,
        data={
            "kind": kind,
            "from": old.slug if old else None,
            "to": team.slug if team else None,
            "assignee": agent.username if agent else None,
        },
    )


@transaction.atomic
def do_change_team(conversation: Conversation, user: User, team: Team | None) -> Event | None:
    check_can_answer(user, conversation)
    _lock(conversation)
    old = conversation.team
    if old == team:
        return None
    changes: dict = {"team": team}
    # The assignee keeps the case only if they can still see it.
    assignee = conversation.assignee
    if (
        assignee
        and team
        and not sees_all_conversations(assignee)
        and not assignee.teams.filter(pk=team.pk).exists()
    ):
        changes["assignee"] = None
    _touch(conversation, **changes)
    return _append(
        conversation,
        EventKind.TEAM_CHANGE,
        author_user=user,
        data={"from": old.slug if old else None, "to": team.slug if team else None},
    )


def clean_tag_names(names: Iterable[str]) -> list[str]:
    """Normalised, unique, sorted tag names, or a ValidationError naming ``tags``."""
    cleaned = []
    for name in names:
        name = (name or "").strip().lower().replace(" ", "-")
        if not name:
            continue
        if len(name) > 40 or not all(ch.isalnum() or ch in "-_" for ch in name):
            raise ValidationError({"tags": _("A tag has at most 40 letters, digits, - or _.")})
        cleaned.append(name)
    return sorted(set(cleaned))


def _tags(names: Iterable[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=n)[0] for n in clean_tag_names(names)]


@transaction.atomic
def do_set_tags(conversation: Conversation, user: User, names: Iterable[str]) -> Event | None:
    check_can_answer(user, conversation)
    new_tags = _tags(names)
    _lock(conversation)
    old = sorted(conversation.tags.values_list("name", flat=True))
    new = sorted(t.name for t in new_tags)
    if old == new:
        return None
    conversation.tags.set(new_tags)
    _touch(conversation)
    return _append(
        conversation, EventKind.TAG_CHANGE, author_user=user, data={"from": old, "to": new}
    )


@transaction.atomic
def do_add_system_note(conversation: Conversation, body: str) -> Event:
    """A staff-only note written by exdesk itself (what a channel noticed about a message)."""
    _lock(conversation)
    _touch(conversation)
    return _append(conversation, EventKind.INTERNAL_NOTE, body=body, data={"by": "exdesk"})


@transaction.atomic
def do_add_system_tag(conversation: Conversation, name: str) -> Event | None:
    """A tag exdesk itself adds (an incident's), on the timeline like any tag change."""
    _lock(conversation)
    old = sorted(conversation.tags.values_list("name", flat=True))
    if name in old:
        return None
    conversation.tags.add(*_tags([name]))
    _touch(conversation)
    data = {"from": old, "to": sorted([*old, name]), "by": "exdesk"}
    return _append(conversation, EventKind.TAG_CHANGE, data=data)


def do_incident_update(conversation: Conversation, body: str, incident_id: int) -> Event:
    """An incident's status update to the customer, through the conversation's own
    channel: live in the chat, relayed to Telegram or social, mailed otherwise. Runs in
    the caller's transaction, which also marks the delivery done."""
    _lock(conversation)
    _touch(conversation)
    event = _append(
        conversation, EventKind.INCIDENT_UPDATE, body=body, data={"incident": incident_id}
    )
    if conversation.channel not in BOT_CHANNELS and conversation.customer.email:
        from .tasks import notify_customer_of_reply

        _after_commit(notify_customer_of_reply, event.pk)
    return event


@transaction.atomic
def do_record_call(conversation: Conversation, data: dict, body: str = "") -> Event:
    """A phone call (telephony.services): who called whom, when, for how long, the
    recording or voicemail. Staff-only, like an account event."""
    _lock(conversation)
    _touch(conversation)
    return _append(conversation, EventKind.CALL, body=body, data=data)


@transaction.atomic
def do_record_account_event(
    conversation: Conversation, actor: User | None, data: dict, body: str = ""
) -> Event:
    """What happened to the trader's exchange account (a freeze asked, approved, done or
    failed; a recovery step ticked): staff-only, on the timeline for the record."""
    _lock(conversation)
    _touch(conversation)
    return _append(conversation, EventKind.ACCOUNT_ACTION, author_user=actor, body=body, data=data)


@transaction.atomic
def do_add_tag(conversation: Conversation, user: User, name: str) -> Event | None:
    # Read the current tags under the lock, or a parallel change would be overwritten.
    _lock(conversation)
    current = list(conversation.tags.values_list("name", flat=True))
    return do_set_tags(conversation, user, [*current, name])


# ---------------------------------------------------------------- bulk

BULK_ACTIONS = {"take", "status", "priority", "add_tag"}


@transaction.atomic
def do_bulk(user: User, conversations: Sequence[Conversation], action: str, value: str) -> int:
    """Apply one action to many conversations; all of them or none."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Unknown bulk action.")})
    changed = 0
    for conversation in conversations:
        if action == "take":
            event = do_take(conversation, user)
        elif action == "status":
            event = do_change_status(conversation, user, value)
        elif action == "priority":
            event = do_change_priority(conversation, user, value)
        else:
            event = do_add_tag(conversation, user, value)
        changed += event is not None
    return changed


# ---------------------------------------------------------------- chat


@transaction.atomic
def do_end_chat(conversation: Conversation) -> Event | None:
    """The customer closes the chat window for good: the case is solved unless it is
    already over."""
    _lock(conversation)
    if conversation.status in (Status.SOLVED, Status.CLOSED) or _open_complaint(conversation):
        return None  # a complaint stays open until its written outcome is sent
    _after_commit(_route)  # the agent has room again
    return _status_event(conversation, Status.SOLVED, actor=None)


@transaction.atomic
def do_reopen(conversation: Conversation, reason: str) -> Event | None:
    """exdesk reopens a solved case (a customer's bad rating, as the operator chose),
    with a staff note saying why; routing offers it again."""
    _lock(conversation)
    if conversation.status not in (Status.SOLVED, Status.CLOSED):
        return None
    event = _status_event(conversation, Status.OPEN, actor=None)
    do_add_system_note(conversation, reason)
    _after_commit(_route)
    return event


MAX_RATING_COMMENT = 1000


@transaction.atomic
@transaction.atomic
def do_send_survey(conversation: Conversation, body: str) -> Event:
    """The satisfaction survey as a message of the conversation, where the customer
    reads it (a Telegram or social thread relays it); no status or clock changes."""
    conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
    return _append(conv, EventKind.SURVEY, body=body)


def do_rate(conversation: Conversation, score, comment: str = "") -> Event:
    """The customer's satisfaction (1-5, optional comment); a later rating replaces it."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    comment = (comment or "").strip()
    if len(comment) > MAX_RATING_COMMENT:
        raise ValidationError(
            {"comment": _("Use at most %(n)d characters.") % {"n": MAX_RATING_COMMENT}}
        )
    _lock(conversation)
    _touch(conversation, rating=score, rating_comment=comment)
    return _append(
        conversation,
        EventKind.RATING,
        author_customer=conversation.customer,
        body=comment,
        data={"score": score},
    )


def do_mark_read(conversation: Conversation, *, by_customer: bool, seq) -> int:
    """Read receipts only move forward; returns the stored value."""
    try:
        seq = int(seq)
    except (TypeError, ValueError):
        raise ValidationError({"seq": _("Enter a number.")}) from None
    field = "customer_read_seq" if by_customer else "staff_read_seq"
    Conversation.objects.filter(pk=conversation.pk, **{f"{field}__lt": seq}).update(**{field: seq})
    return max(seq, getattr(conversation, field))


@transaction.atomic
def do_convert_to_ticket(conversation: Conversation, user: User) -> Event | None:
    """A chat that needs more time becomes a follow-up ticket: the same conversation and
    timeline, now answered by e-mail and the tracking page."""
    check_can_answer(user, conversation)
    _lock(conversation)
    if conversation.channel != Channel.CHAT:
        raise ValidationError({"channel": _("Only a chat can become a follow-up ticket.")})
    index_new_messages([conversation.pk])  # from now on each message is indexed at once
    _touch(conversation, channel=Channel.WEB)
    _sla().conditions_changed(conversation.pk)
    event = _append(
        conversation,
        EventKind.CHANNEL_CHANGE,
        author_user=user,
        data={"from": Channel.CHAT, "to": Channel.WEB},
    )
    if conversation.customer.email:
        from .tasks import notify_customer_received

        _after_commit(notify_customer_received, conversation.pk)
    return event


# ---------------------------------------------------------------- the assistant's changes


def _assistant_change(conv: Conversation, kind: str, old, new) -> None:
    _append(conv, kind, data={"from": old, "to": new, "by": "assistant"})


@transaction.atomic
def do_assistant_turn(
    conversation_id: int,
    *,
    triage: dict,
    replies: Sequence[tuple[str, dict]] = (),
    note: tuple[str, dict] | None = None,
    bot_state: str | None = None,
) -> Conversation:
    """What the assistant read from a message, and what it said and noted, under one lock.

    ``triage``: intent, confidence, sentiment, entities, and priority / team / category
    hints. Priority only ever rises, the team changes only while nobody is assigned, and
    case fields a person filled are kept. ``replies`` are shown to the customer as
    support's (``data["bot"]``); ``note`` is an internal note for the agent. The chat
    message path waits for this lock, so everything is computed before it is taken."""
    conv = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=conversation_id)
    )
    entities = triage.get("entities") or {}
    merged = dict(conv.entities)
    for key, values in entities.items():
        known = merged.get(key, [])
        merged[key] = known + [v for v in values if v not in known]
    changes: dict[str, Any] = {
        "intent": triage.get("intent", ""),
        "intent_confidence": triage.get("confidence"),
        "sentiment": triage.get("sentiment", ""),
        "entities": merged,
    }
    changes.update(_case_fields_from(conv, entities))
    priority, team, category = triage.get("priority"), triage.get("team"), triage.get("category")
    if priority and priority < conv.priority:  # "p0" < "p1" < "p2" < "p3"
        _assistant_change(conv, EventKind.PRIORITY_CHANGE, conv.priority, priority)
        changes["priority"] = priority
    if team is not None and conv.assignee_id is None and conv.team_id != team.pk:
        _assistant_change(
            conv, EventKind.TEAM_CHANGE, conv.team.slug if conv.team else None, team.slug
        )
        changes["team"] = team
    if category is not None and conv.category_id is None:
        changes["category"] = category
    for body, data in replies:
        _append(conv, EventKind.AGENT_REPLY, body=body, data={**data, "bot": True})
    if note is not None:
        body, data = note
        _append(conv, EventKind.INTERNAL_NOTE, body=body, data={**data, "by": "assistant"})
    if bot_state is not None:
        changes["bot_state"] = bot_state
    _touch(conv, **changes)
    if "priority" in changes:
        _sla().conditions_changed(conv.pk)
    if conv.assignee_id is None:
        _after_commit(_route)
    return conv


def _case_fields_from(conv: Conversation, entities: dict) -> dict[str, Any]:
    """Blank structured fields filled from the first fact of each kind."""
    found: dict[str, Any] = {}
    if not conv.coin and entities.get("coins"):
        found["coin"] = entities["coins"][0][: CASE_FIELD_LENGTHS["coin"]]
    if not conv.network and entities.get("networks"):
        found["network"] = entities["networks"][0][: CASE_FIELD_LENGTHS["network"]]
    if not conv.txid and entities.get("txids"):
        found["txid"] = entities["txids"][0][: CASE_FIELD_LENGTHS["txid"]]
    if not conv.address and entities.get("addresses"):
        address = entities["addresses"][0]
        found["address"] = address["address"][: CASE_FIELD_LENGTHS["address"]]
        if not conv.network and "network" not in found:
            found["network"] = address["network"][: CASE_FIELD_LENGTHS["network"]]
    if conv.amount is None and entities.get("amounts"):
        with contextlib.suppress(ArithmeticError, KeyError, TypeError):
            found["amount"] = Decimal(entities["amounts"][0]["value"])
    return found
