"""Incident mode's rules: declaring, matching conversations, status updates sent once to
every linked conversation (resumable after a crash), resolving."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.models import User
from exdesk.accounts.permissions import manages_incidents
from exdesk.complaints.services import blocks_solving
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import ACTIVE_STATUSES, EventKind, Status
from exdesk.conversations.models import Conversation, Event

from . import selectors
from .live import publish_notice
from .models import (
    DeliveryState,
    Incident,
    IncidentLink,
    IncidentStatus,
    IncidentUpdate,
    UpdateDelivery,
)

# Open conversations this recent are linked when an incident is declared.
LOOK_BACK = dt.timedelta(hours=2)
# A broadcast sends this many updates per transaction, then pauses: customers' channels
# and the mail relay are not flooded, and live chat writes are not held up.
BROADCAST_BATCH = 200
BROADCAST_PAUSE_SECONDS = 0.0
MAX_LIST_ITEMS = 20


def check_can_manage(user: User) -> None:
    if not manages_incidents(user):
        raise PermissionDenied


def clean_list(text_or_items: str | Iterable[str]) -> list[str]:
    """ "TRC20, ERC20" or ["TRC20"] → ["TRC20", "ERC20"]: trimmed, no repeats."""
    if isinstance(text_or_items, str):
        items = re.split(r"[,，\n]", text_or_items)
    else:
        items = list(text_or_items)
    found: list[str] = []
    for item in items:
        item = item.strip()[:60]
        if item and item.lower() not in {f.lower() for f in found}:
            found.append(item)
    if len(found) > MAX_LIST_ITEMS:
        raise ValidationError(_("At most %(n)d items.") % {"n": MAX_LIST_ITEMS})
    return found


def _check_text(**texts: str) -> dict[str, str]:
    cleaned = {name: (value or "").strip() for name, value in texts.items()}
    missing = [name for name, value in cleaned.items() if not value]
    if missing:
        raise ValidationError({name: _("Write this in both languages.") for name in missing})
    return cleaned


@transaction.atomic
def declare(
    user: User,
    *,
    title_en: str,
    title_zh: str,
    script_en: str,
    script_zh: str,
    kind: str = "incident",
    severity: str = "major",
    products: Iterable[str] | str = (),
    networks: Iterable[str] | str = (),
    intents: Iterable[str] | str = (),
    keywords: Iterable[str] | str = (),
    expected_update_at: dt.datetime | None = None,
    public: bool = True,
    now: dt.datetime | None = None,
) -> Incident:
    """Declare an incident; open conversations of the last two hours that match it are
    linked at once, later ones as they arrive (link_if_matching)."""
    check_can_manage(user)
    now = now or timezone.now()
    texts = _check_text(
        title_en=title_en, title_zh=title_zh, script_en=script_en, script_zh=script_zh
    )
    incident = Incident(
        **texts,
        kind=kind,
        severity=severity,
        products=clean_list(products),
        networks=clean_list(networks),
        intents=clean_list(intents),
        keywords=clean_list(keywords),
        expected_update_at=expected_update_at,
        public=public,
        declared_by=user,
        started_at=now,
    )
    incident.full_clean()
    incident.save()
    transaction.on_commit(publish_notice, robust=True)  # the widgets' banner, at once
    if incident.public:
        from .tasks import mail_status_subscribers

        transaction.on_commit(lambda: mail_status_subscribers(incident.pk), robust=True)
    recent = _with_first_message(
        Conversation.objects.filter(
            training=False, status__in=ACTIVE_STATUSES, created_at__gte=now - LOOK_BACK
        ).select_related("customer")
    )
    for conversation in recent:
        if matches(incident, conversation, _first_words(conversation)):
            link(incident, conversation, by="match", now=now)
    return incident


def _with_first_message(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Each conversation with its first customer message as ``first_message``, in the
    same query (not one query per conversation)."""
    first = Event.objects.filter(
        conversation=OuterRef("pk"), kind=EventKind.CUSTOMER_MESSAGE
    ).order_by("seq")
    return conversations.annotate(first_message=Subquery(first.values("body")[:1]))


def _first_words(conversation: Conversation) -> str:
    """The subject and the first customer message (annotated by _with_first_message)."""
    return f"{conversation.subject} {getattr(conversation, 'first_message', None) or ''}"


def matches(
    incident: Incident,
    conversation: Conversation,
    text: str = "",
    *,
    intent: str = "",
    networks: Iterable[str] = (),
) -> bool:
    """Does the incident concern this conversation: its intent, a network it names, or
    one of the incident's words in the customer's text. ``intent`` and ``networks``: what
    the assistant just read, before it is stored on the conversation."""
    if not incident.active or conversation.training:
        return False
    if {conversation.intent, intent} & set(incident.intents) - {""}:
        return True
    named = {n.lower() for n in (conversation.entities or {}).get("networks", [])}
    named.update(n.lower() for n in networks)
    if conversation.network:
        named.add(conversation.network.lower())
    if named & {n.lower() for n in incident.networks}:
        return True
    lowered = f"{conversation.subject} {text or ''}".lower()
    return any(word.lower() in lowered for word in incident.keywords)


def find_for(
    conversation: Conversation, *, intent: str = "", networks: Iterable[str] = (), text: str = ""
) -> Incident | None:
    """The active incident this conversation belongs to (already linked, or matching
    now); nothing is written."""
    if conversation.training:
        return None
    active = active_incidents()
    if not active:
        return None
    linked = set(
        IncidentLink.objects.filter(conversation=conversation, incident__in=active).values_list(
            "incident_id", flat=True
        )
    )
    for incident in active:
        if incident.pk in linked or matches(
            incident, conversation, text, intent=intent, networks=networks
        ):
            return incident
    return None


def active_incidents() -> list[Incident]:
    return list(Incident.objects.filter(resolved_at__isnull=True))


def link(incident: Incident, conversation: Conversation, *, by: str, now=None) -> bool:
    """Link once (False when it already was) and tag the conversation. A conversation
    linked late gets the script from the bot or the agent, and every update from then on."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            IncidentLink.objects.create(
                incident=incident, conversation=conversation, linked_at=now, by=by
            )
    except IntegrityError:
        return False
    conversations.do_add_system_tag(conversation, f"incident-{incident.pk}")
    return True


def link_by_agent(user: User, incident: Incident, conversation: Conversation) -> bool:
    conversations.check_can_answer(user, conversation)
    return link(incident, conversation, by="agent")


def post_update(
    user: User,
    incident: Incident,
    *,
    status: str,
    body_en: str,
    body_zh: str,
    expected_update_at: dt.datetime | None = None,
    solves_linked: bool = False,
    now: dt.datetime | None = None,
) -> IncidentUpdate:
    """A status update; every linked conversation gets it through its own channel (the
    broadcast runs in the task queue). ``solves_linked``: only with the final one."""
    check_can_manage(user)
    if status not in IncidentStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if not incident.active:
        raise ValidationError(_("This incident is resolved."))
    texts = _check_text(body_en=body_en, body_zh=body_zh)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        update = IncidentUpdate.objects.create(
            incident=locked,
            status=status,
            author=user,
            created_at=now,
            solves_linked_by=user if solves_linked and status == IncidentStatus.RESOLVED else None,
            **texts,
        )
        locked.status = status
        locked.expected_update_at = expected_update_at
        fields = ["status", "expected_update_at"]
        if status == IncidentStatus.RESOLVED:
            locked.resolved_at = now
            fields.append("resolved_at")
        locked.save(update_fields=fields)
        _queue_deliveries(update)
    from .tasks import broadcast_update

    transaction.on_commit(publish_notice, robust=True)
    transaction.on_commit(lambda: broadcast_update(update.pk), robust=True)
    if incident.public:
        from .tasks import mail_status_subscribers

        transaction.on_commit(lambda: mail_status_subscribers(incident.pk, update.pk), robust=True)
    incident.refresh_from_db()
    return update


def _queue_deliveries(update: IncidentUpdate) -> int:
    """One pending delivery per linked conversation, all written before any is sent."""
    linked = IncidentLink.objects.filter(incident_id=update.incident_id).values_list(
        "conversation_id", flat=True
    )
    rows = [UpdateDelivery(update=update, conversation_id=pk) for pk in linked.iterator()]
    UpdateDelivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def resolve(
    user: User,
    incident: Incident,
    *,
    body_en: str,
    body_zh: str,
    solve_linked: bool = False,
    now: dt.datetime | None = None,
) -> IncidentUpdate:
    """The final update; with ``solve_linked`` the linked open conversations are solved
    once it has reached them."""
    return post_update(
        user,
        incident,
        status=IncidentStatus.RESOLVED,
        body_en=body_en,
        body_zh=body_zh,
        solves_linked=solve_linked,
        now=now,
    )


def deliver(delivery_ids: Iterable[int]) -> tuple[int, dict[int, str]]:
    """Send pending deliveries in one transaction that also marks each sent: exactly
    once even if the worker dies at any point. A delivery that fails rolls back alone
    (its savepoint) and is returned with the reason. Returns (sent, {id: failure})."""
    sent, failed = 0, {}
    with transaction.atomic():
        deliveries = (
            UpdateDelivery.objects.select_for_update(skip_locked=True)
            .select_related("update__incident", "conversation__customer")
            .filter(pk__in=list(delivery_ids), state=DeliveryState.PENDING)
            .order_by("pk")
        )
        for delivery in deliveries:
            try:
                with transaction.atomic():
                    _send_one(delivery)
            except Exception as error:  # one bad conversation must not stop the rest
                failed[delivery.pk] = str(error)[:300]
            else:
                sent += 1
    return sent, failed


def _send_one(delivery: UpdateDelivery) -> None:
    update, conversation = delivery.update, delivery.conversation
    language = conversation.language or "en"
    body = f"{update.incident.title_in(language)}\n\n{update.body_in(language)}"
    conversations.do_incident_update(conversation, body, update.incident_id)
    delivery.state, delivery.sent_at = DeliveryState.SENT, timezone.now()
    delivery.save(update_fields=["state", "sent_at"])
    solver = update.solves_linked_by
    if (
        solver is not None
        and conversation.status in ACTIVE_STATUSES
        and not blocks_solving(conversation)  # a complaint waits for its written outcome
    ):
        conversations.do_change_status(conversation, solver, Status.SOLVED)


# Deliveries per transaction: commits are what a broadcast spends its time on.
DELIVERIES_PER_COMMIT = 50


def broadcast(update_id: int, *, batch: int = BROADCAST_BATCH, pause: float | None = None) -> int:
    """Send every pending delivery of an update; returns how many went now. Safe to run
    again (after a crash, or twice at once): only pending deliveries are sent."""
    pause = BROADCAST_PAUSE_SECONDS if pause is None else pause
    per_commit = min(batch, DELIVERIES_PER_COMMIT)
    sent = 0
    while True:
        pending = list(
            UpdateDelivery.objects.filter(update_id=update_id, state=DeliveryState.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not pending:
            break
        for start in range(0, len(pending), per_commit):
            went, failed = deliver(pending[start : start + per_commit])
            sent += went
            for pk, reason in failed.items():
                UpdateDelivery.objects.filter(pk=pk, state=DeliveryState.PENDING).update(
                    state=DeliveryState.FAILED, error=reason
                )
        if pause:
            time.sleep(pause)
    IncidentUpdate.objects.filter(pk=update_id, broadcast_done_at__isnull=True).update(
        broadcast_done_at=timezone.now()
    )
    return sent


def delivery_counts(update: IncidentUpdate) -> dict[str, int]:
    return selectors.delivery_counts([update.pk])[update.pk]


def resume_unfinished() -> int:
    """Run every update's broadcast that has pending deliveries (after a crash)."""
    waiting = (
        UpdateDelivery.objects.filter(state=DeliveryState.PENDING)
        .order_by()
        .values_list("update_id", flat=True)
        .distinct()
    )
    return sum(broadcast(update_id) for update_id in list(waiting))


def customer_message(incident: Incident, language: str) -> str:
    """What a customer asking about it is told: the approved script and the latest
    update, in their language."""
    latest = selectors.latest_update(incident)
    parts = [incident.script_in(language)]
    if latest is not None:
        parts.append(latest.body_in(language))
    return "\n\n".join(parts)


def banner() -> Incident | None:
    """The public incident the help center and the widget announce: the most severe
    active one, newest first."""
    order = {"critical": 0, "major": 1, "minor": 2}
    active = [i for i in active_incidents() if i.public]
    return min(
        active, key=lambda i: (order.get(i.severity, 3), -i.started_at.timestamp()), default=None
    )
