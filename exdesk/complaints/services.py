"""Complaints' rules: opening one, the acknowledgement and the written outcome (both
sent to the customer in the conversation), escalation by hand or when a deadline passes,
and the register."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.choices import HANDLES_COMPLAINTS, MANAGES_COMPLAINTS, Role
from exdesk.accounts.models import User
from exdesk.accounts.permissions import handles_complaints, manages_complaints
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Priority, Status
from exdesk.conversations.models import Conversation

from .models import (
    LEVELS,
    Complaint,
    ComplaintCategory,
    ComplaintState,
    ComplaintStep,
    Level,
    StepKind,
)

TAG = "complaint"
MAX_TEXT = 10_000


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Write this before sending.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("Keep it under 10,000 characters.")})
    return value


def _step(complaint: Complaint, kind: str, by: User | None, note: str = "", at=None) -> None:
    ComplaintStep.objects.create(
        complaint=complaint,
        kind=kind,
        level=complaint.level,
        by=by,
        note=note,
        at=at or timezone.now(),
    )


def may_act_at(user: User, level: str) -> bool:
    """Who may answer a complaint at its level: the agent level anyone who answers
    customers, then the complaints officers, then management."""
    if level == Level.MANAGEMENT:
        return manages_complaints(user)
    if level == Level.OFFICER:
        return handles_complaints(user)
    return True


def open_complaint(
    user: User, conversation: Conversation, *, category: str, summary: str, now=None
) -> Complaint:
    """Make a conversation a formal complaint: deadlines start, the bot stays out, and it
    can be solved only by sending the written outcome."""
    conversations.check_can_answer(user, conversation)
    if conversation.training:
        raise ValidationError(_("A drill cannot be a complaint."))
    if category not in ComplaintCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    summary = _text(summary, "summary")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                conversation=conversation,
                category=category,
                summary=summary,
                opened_by=user,
                opened_at=now,
                acknowledge_due=now + dt.timedelta(hours=settings.COMPLAINT_ACKNOWLEDGE_HOURS),
                resolve_due=now + dt.timedelta(days=settings.COMPLAINT_RESOLVE_DAYS),
            )
            _step(complaint, StepKind.OPENED, user, at=now)
            conversations.do_add_system_tag(conversation, TAG)
            conversations.do_hand_to_people(conversation, priority=Priority.P1)
    except IntegrityError:
        raise ValidationError(_("This conversation is already a complaint.")) from None
    return complaint


def acknowledge(user: User, complaint: Complaint, message: str, now=None) -> Complaint:
    """The acknowledgement, sent to the customer as a reply, with the complaint's
    reference and the date they will have an answer by."""
    message = _text(message, "message")
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.state != ComplaintState.OPEN:
            raise ValidationError(_("This complaint is already acknowledged."))
        conversations.do_reply(complaint.conversation, user, message)
        complaint.state, complaint.acknowledged_at = ComplaintState.ACKNOWLEDGED, now
        complaint.save(update_fields=["state", "acknowledged_at"])
        _step(complaint, StepKind.ACKNOWLEDGED, user, at=now)
    return complaint


def escalate(user: User | None, complaint: Complaint, reason: str, now=None) -> Complaint:
    """To the next level (agent → officer → management); its people are told."""
    reason = _text(reason, "reason")
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if user is not None:
            conversations.check_can_answer(user, complaint.conversation)
        if complaint.state == ComplaintState.RESOLVED:
            raise ValidationError(_("This complaint is closed."))
        index = LEVELS.index(Level(complaint.level))
        if index + 1 >= len(LEVELS):
            raise ValidationError(_("This complaint is already with management."))
        complaint.level = LEVELS[index + 1]
        complaint.save(update_fields=["level"])
        _step(complaint, StepKind.ESCALATED, user, reason, at=now)
        _tell_level(complaint, "complaint_escalated")
    return complaint


def _tell_level(complaint: Complaint, kind: str) -> None:
    from exdesk.sla.services import notify

    roles = MANAGES_COMPLAINTS if complaint.level == Level.MANAGEMENT else HANDLES_COMPLAINTS
    if complaint.level == Level.AGENT:
        return
    people = User.objects.filter(is_active=True, role__in=roles)
    if complaint.level == Level.OFFICER:
        # Officers are supervisors and compliance officers, not every administrator.
        people = people.exclude(role=Role.ADMIN) or people
    notify(people, complaint.conversation, kind, complaint.reference)


def resolve(user: User, complaint: Complaint, outcome: str, now=None) -> Complaint:
    """The written outcome, sent to the customer; the complaint and its conversation are
    then solved. The only way a complaint's conversation is solved."""
    outcome = _text(outcome, "outcome")
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.state == ComplaintState.RESOLVED:
            raise ValidationError(_("This complaint is closed."))
        if not may_act_at(user, complaint.level):
            raise PermissionDenied(_("This complaint is with a higher level."))
        complaint.state, complaint.resolved_at = ComplaintState.RESOLVED, now
        complaint.outcome, complaint.resolved_by = outcome, user
        if complaint.acknowledged_at is None:
            complaint.acknowledged_at = now  # the outcome acknowledges it too
        complaint.save()
        _step(complaint, StepKind.RESOLVED, user, at=now)
        conversations.do_reply(complaint.conversation, user, outcome, status=Status.SOLVED)
    return complaint


def blocks_solving(conversation: Conversation) -> bool:
    """An open complaint is solved only by its written outcome (resolve)."""
    return (
        Complaint.objects.filter(conversation=conversation)
        .exclude(state=ComplaintState.RESOLVED)
        .exists()
    )


def check_deadlines(now=None) -> int:
    """Missed deadlines escalate, each once: no acknowledgement in time goes to the
    officers, no outcome in time to management. Returns how many were escalated."""
    now = now or timezone.now()
    moved = 0
    late_ack = Complaint.objects.filter(state=ComplaintState.OPEN, acknowledge_due__lte=now)
    late_outcome = Complaint.objects.exclude(state=ComplaintState.RESOLVED).filter(
        resolve_due__lte=now
    )
    for deadline, complaints, target in (
        ("acknowledge", late_ack, Level.OFFICER),
        ("resolve", late_outcome, Level.MANAGEMENT),
    ):
        for complaint in complaints:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        _step(complaint, StepKind.OVERDUE, None, deadline, at=now)
                except IntegrityError:
                    continue  # told before
                locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
                if LEVELS.index(Level(locked.level)) < LEVELS.index(target):
                    locked.level = target
                    locked.save(update_fields=["level"])
                    _step(locked, StepKind.ESCALATED, None, deadline, at=now)
                _tell_level(locked, "complaint_overdue")
                moved += 1
    return moved


def register(since: dt.datetime | None = None, until: dt.datetime | None = None):
    """The complaints register: one row per complaint, for the regulator."""
    complaints = Complaint.objects.select_related("conversation__customer", "resolved_by")
    if since is not None:
        complaints = complaints.filter(opened_at__gte=since)
    if until is not None:
        complaints = complaints.filter(opened_at__lt=until)
    return complaints.order_by("opened_at", "id").prefetch_related("steps")
