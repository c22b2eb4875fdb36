"""The case library: solved conversations, anonymised, reviewed, then taught from."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.conversations.choices import EventKind, Status

from .anonymise import Anonymiser, names_of
from .models import Case, CaseStatus, Module, Scenario

ENDED = (Status.SOLVED, Status.CLOSED)


def make_case(conversation, user, module: Module | None = None) -> Case:
    """A draft case from a solved conversation: its public turns (the customer's
    messages and the agents' replies), anonymised with the names and UID exdesk knows."""
    if conversation.status not in ENDED:
        raise ValidationError(_("Only a solved conversation can become a case."))
    if conversation.training:
        raise ValidationError(_("A training drill cannot become a case."))
    events = list(
        conversation.events.filter(kind__in=[EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_REPLY])
        .select_related("author_user")
        .order_by("seq")
    )
    names = names_of(conversation.customer.display_name)
    for event in events:
        if event.author_user is not None:
            names += [*names_of(event.author_user.get_full_name()), event.author_user.username]
    anonymiser = Anonymiser(names=names, known_uids=[conversation.customer.uid or ""])
    turns = []
    for event in events:
        who = "customer" if event.kind == EventKind.CUSTOMER_MESSAGE else "agent"
        text, _made = anonymiser.text(event.body)
        turns.append(f"{who}: {text}")
    subject, _made = anonymiser.text(conversation.subject)
    return Case.objects.create(
        title=subject[:200],
        language=conversation.language,
        source=conversation,
        transcript="\n\n".join(turns),
        replacements=[
            {"kind": kind, "placeholder": placeholder}
            for (kind, _value), placeholder in anonymiser.placeholders.items()
        ],
        intent=conversation.intent or "",
        module=module,
        created_by=user,
    )


def edit_case(case: Case, user, *, title: str, transcript: str) -> Case:
    if case.status == CaseStatus.PUBLISHED:
        raise ValidationError(_("A published case is not edited; make a new one."))
    if not title.strip() or not transcript.strip():
        raise ValidationError(_("A case needs a title and a transcript."))
    case.title, case.transcript = title.strip()[:200], transcript.strip()
    case.status = CaseStatus.DRAFT  # an edit goes back through review
    case.save(update_fields=["title", "transcript", "status"])
    return case


def submit_case(case: Case, user) -> Case:
    if case.status != CaseStatus.DRAFT:
        raise ValidationError(_("Only a draft is submitted for review."))
    case.status = CaseStatus.IN_REVIEW
    case.save(update_fields=["status"])
    return case


def publish_case(case: Case, reviewer) -> Case:
    """Published only after a second person reviewed it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.IN_REVIEW:
            raise ValidationError(_("Only a case in review is published."))
        if case.created_by_id == reviewer.pk:
            raise PermissionDenied(_("Another trainer reviews your case."))
        case.status = CaseStatus.PUBLISHED
        case.reviewed_by = reviewer
        case.published_at = timezone.now()
        case.save(update_fields=["status", "reviewed_by", "published_at"])
    return case


def drill_from_case(case: Case, user) -> Scenario:
    """A drill seeded by a published case: the customer opens with the case's first
    message and answers each of the trainee's replies with the case's next one, so a
    trainee can serve the real (anonymised) conversation again. Scored on the common
    rubric: first response, no secret asked, tone."""
    if case.status != CaseStatus.PUBLISHED:
        raise ValidationError(_("Only a published case seeds a drill."))
    said = [
        text
        for who, _sep, text in (p.partition(": ") for p in case.transcript.split("\n\n"))
        if who == "customer" and text.strip()
    ]
    if not said:
        raise ValidationError(_("The case has no customer message to start from."))
    language = "zh-hans" if case.language.startswith("zh") else "en"
    scenario, _created = Scenario.objects.update_or_create(
        key=f"case-{case.pk}",
        language=language,
        defaults={
            "module": case.module,
            "title": case.title,
            "persona": {"name": _("Customer"), "mood": "worried"},
            "opening": said[0],
            "facts": {"case": case.pk},
            "script": {"replay": said[1:], "ignored": {"upset": "…"}},
            "rubric": {"first_response_seconds": 120},
            "active": True,
        },
    )
    return scenario
