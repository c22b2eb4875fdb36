"""Formal complaints: deadlines with time travel, escalation levels, the written outcome
as the only way to solve one, the bot kept out, and the register export (audited)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditEntry
from exdesk.complaints import services
from exdesk.complaints.models import Complaint, StepKind
from exdesk.conversations import services as conversations
from exdesk.sla.models import StaffNotification

pytestmark = pytest.mark.django_db


def opened(agent, conversation=None, now=None):
    conversation = conversation or testing.conversation(subject="Liquidated unfairly")
    return services.open_complaint(
        agent,
        conversation,
        category="trading",
        summary="My position was liquidated during the outage.",
        now=now,
    )


def test_opening_starts_the_deadlines_and_keeps_the_bot_out(settings):
    settings.COMPLAINT_ACKNOWLEDGE_HOURS, settings.COMPLAINT_RESOLVE_DAYS = 24, 10
    agent = testing.staff("alice")
    now = timezone.now()
    complaint = opened(agent, now=now)
    conversation = complaint.conversation
    conversation.refresh_from_db()
    assert complaint.acknowledge_due == now + dt.timedelta(hours=24)
    assert complaint.resolve_due == now + dt.timedelta(days=10)
    assert conversation.bot_state == conversations.BOT_HANDED_OVER
    assert conversation.priority == "p1"
    assert conversation.tags.filter(name="complaint").exists()
    with pytest.raises(ValidationError):
        opened(agent, conversation)  # once


def test_only_the_written_outcome_solves_a_complaint():
    agent = testing.staff("alice")
    complaint = opened(agent, testing.conversation(channel="chat", subject="fees"))
    conversation = complaint.conversation
    with pytest.raises(ValidationError):
        conversations.do_change_status(conversation, agent, "solved")
    with pytest.raises(ValidationError):
        conversations.do_reply(conversation, agent, "Closing this.", status="solved")
    assert conversations.do_end_chat(conversation) is None  # the customer leaving the chat
    conversation.refresh_from_db()
    assert conversation.status != "solved"
    services.resolve(agent, complaint, "We refunded the fee of 12 USDT on 3 May.")
    conversation.refresh_from_db()
    assert conversation.status == "solved"
    outcome = conversation.events.filter(kind="agent_reply").last()
    assert outcome.body == "We refunded the fee of 12 USDT on 3 May."
    with pytest.raises(ValidationError):
        services.resolve(agent, complaint, "again")


def test_missed_deadlines_escalate_once_each_with_time_travel():
    agent = testing.staff("alice")
    officer = testing.staff("olga", role=Role.COMPLIANCE)
    boss = testing.staff("ada", role=Role.ADMIN)
    start = timezone.now()
    complaint = opened(agent, now=start)
    assert services.check_deadlines(start + dt.timedelta(hours=47)) == 0
    assert services.check_deadlines(start + dt.timedelta(hours=49)) == 1
    complaint.refresh_from_db()
    assert complaint.level == "officer"
    assert StaffNotification.objects.filter(user=officer, kind="complaint_overdue").count() == 1
    assert services.check_deadlines(start + dt.timedelta(hours=50)) == 0  # told once
    with pytest.raises(PermissionDenied):
        services.resolve(agent, complaint, "An agent's answer")  # it is the officer's now
    services.acknowledge(
        officer,
        complaint,
        "We received your complaint and will answer.",
        now=start + dt.timedelta(hours=51),
    )
    assert services.check_deadlines(start + dt.timedelta(days=16)) == 1
    complaint.refresh_from_db()
    assert complaint.level == "management"
    assert StaffNotification.objects.filter(user=boss, kind="complaint_overdue").exists()
    with pytest.raises(PermissionDenied):
        services.resolve(officer, complaint, "The officer's answer")
    services.resolve(
        boss,
        complaint,
        "Management's decision: compensation of 50 USDT.",
        now=start + dt.timedelta(days=17),
    )
    kinds = list(complaint.steps.values_list("kind", flat=True))
    assert kinds == [
        StepKind.OPENED,
        StepKind.OVERDUE,
        StepKind.ESCALATED,
        StepKind.ACKNOWLEDGED,
        StepKind.OVERDUE,
        StepKind.ESCALATED,
        StepKind.RESOLVED,
    ]


def test_escalating_by_hand_and_bad_input_change_nothing():
    agent = testing.staff("alice")
    complaint = opened(agent)
    with pytest.raises(ValidationError):
        services.escalate(agent, complaint, "   ")
    with pytest.raises(ValidationError):
        services.open_complaint(agent, testing.conversation(), category="nope", summary="x")
    services.escalate(agent, complaint, "Asks for a manager")
    services.escalate(agent, complaint, "Threatens to go to the regulator")
    with pytest.raises(ValidationError):
        services.escalate(agent, complaint, "once more")
    complaint.refresh_from_db()
    assert complaint.level == "management"
    assert Complaint.objects.count() == 1


def test_the_register_is_exported_and_audited_for_officers_only():
    agent = testing.staff("alice")
    complaint = opened(agent)
    services.resolve(agent, complaint, "Refunded.")
    officer = testing.signed_in(testing.staff("olga", role=Role.COMPLIANCE))
    page = officer.get(reverse("complaints:register"))
    assert complaint.reference in page.content.decode()
    got = officer.get(reverse("complaints:export", args=["csv"]))
    lines = got.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Reference,Conversation,Customer UID")
    assert lines[1].startswith(f"{complaint.reference},{complaint.conversation.reference},")
    assert "Refunded." in lines[1] and "opened by alice (agent)" in lines[1]
    entry = AuditEntry.objects.get(action="export")
    assert entry.target_type == "complaints:register" and entry.detail == "csv rows=1"
    agent_client = testing.signed_in(agent)
    assert agent_client.get(reverse("complaints:register")).status_code == 403
    assert agent_client.get(reverse("complaints:export", args=["csv"])).status_code == 403


def test_an_agent_opens_and_answers_a_complaint_from_the_conversation_page():
    agent = testing.staff("alice")
    conversation = testing.conversation(subject="Withdrawal fee too high")
    client = testing.signed_in(agent)
    client.post(
        reverse("complaints:open", args=[conversation.pk]),
        {"category": "fees", "summary": "Charged twice"},
    )
    complaint = Complaint.objects.get(conversation=conversation)
    page = client.get(reverse("conversations:detail", args=[conversation.pk]))
    assert complaint.reference in page.content.decode()
    client.post(reverse("complaints:acknowledge", args=[complaint.pk]), {"text": "Received."})
    client.post(reverse("complaints:resolve", args=[complaint.pk]), {"text": "Refunded 5 USDT."})
    complaint.refresh_from_db()
    assert complaint.state == "resolved" and complaint.outcome == "Refunded 5 USDT."
