"""Incident mode: declaring links the conversations it concerns, the bot answers with the
approved script, and every status update reaches each linked conversation exactly once
through its own channel."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.conversations.models import Conversation
from exdesk.incidents import services
from exdesk.incidents.models import DeliveryState, IncidentLink, UpdateDelivery

pytestmark = pytest.mark.django_db

SCRIPT_EN = "TRC20 withdrawals are delayed while the network recovers. Your funds are safe."
SCRIPT_ZH = "TRC20 网络恢复中，提现有延迟。您的资金安全。"


def declare(user, **extra):
    fields = {
        "title_en": "TRC20 withdrawals delayed",
        "title_zh": "TRC20 提现延迟",
        "script_en": SCRIPT_EN,
        "script_zh": SCRIPT_ZH,
        "networks": "TRC20",
        "intents": "withdrawal_delay",
        "keywords": "tron, 波场",
        **extra,
    }
    return services.declare(user, **fields)


def test_only_supervisors_declare_and_both_languages_are_required():
    with pytest.raises(PermissionDenied):
        declare(testing.staff("alice"))
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    with pytest.raises(ValidationError):
        declare(supervisor, script_zh="  ")
    assert not IncidentLink.objects.exists()


def test_declaring_links_the_open_conversations_it_concerns():
    by_network = testing.conversation(subject="Withdrawal pending")
    Conversation.objects.filter(pk=by_network.pk).update(network="trc20")
    by_intent = testing.conversation(subject="Where is my money")
    Conversation.objects.filter(pk=by_intent.pk).update(intent="withdrawal_delay")
    by_word = testing.conversation(subject="波场转账", body="我的波场提现还没到")
    unrelated = testing.conversation(subject="KYC question", body="How long does KYC take?")
    solved = testing.conversation(subject="Tron withdrawal")
    Conversation.objects.filter(pk=solved.pk).update(status="solved")

    incident = declare(testing.staff("sam", role=Role.SUPERVISOR))
    linked = set(incident.links.values_list("conversation_id", flat=True))
    assert linked == {by_network.pk, by_intent.pk, by_word.pk}
    assert unrelated.pk not in linked and solved.pk not in linked
    assert by_word.tags.filter(name=f"incident-{incident.pk}").exists()
    assert not services.link(incident, by_word, by="match")  # once


def test_updates_reach_every_linked_conversation_once_through_its_channel(
    django_capture_on_commit_callbacks,
):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    chat = testing.conversation(channel="chat", subject="tron withdrawal")
    email = testing.conversation(
        channel="email", subject="tron", language="zh-hans", who=testing.customer(email="li@x.cn")
    )
    incident = declare(supervisor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the broadcast task
        update = services.post_update(
            supervisor,
            incident,
            status="identified",
            body_en="The network is back; withdrawals resume within the hour.",
            body_zh="网络已恢复，提现将在一小时内恢复。",
        )
    assert services.delivery_counts(update) == {"pending": 0, "sent": 2, "failed": 0}
    chat_update = chat.events.get(kind="incident_update")
    assert "withdrawals resume" in chat_update.body
    assert "网络已恢复" in email.events.get(kind="incident_update").body
    assert len([m for m in mail.outbox if m.to == ["li@x.cn"]]) == 1
    assert services.broadcast(update.pk) == 0  # again: nothing twice
    assert chat.events.filter(kind="incident_update").count() == 1


def test_a_broadcast_resumes_with_only_the_pending_deliveries():
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    cases = [testing.conversation(subject=f"tron {n}") for n in range(5)]
    incident = declare(supervisor)
    with pytest.MonkeyPatch.context() as patch:
        # The worker "dies" before its task runs: the deliveries wait, pending.
        patch.setattr("exdesk.incidents.tasks.broadcast_update", lambda pk: None)
        update = services.post_update(
            supervisor, incident, status="monitoring", body_en="Better.", body_zh="好转。"
        )
    assert services.delivery_counts(update)["pending"] == 5
    first_two = list(update.deliveries.order_by("pk")[:2])
    for delivery in first_two:
        assert services.deliver([delivery.pk]) == (1, {})
    assert services.resume_unfinished() == 3
    for case in cases:
        assert case.events.filter(kind="incident_update").count() == 1
    assert not UpdateDelivery.objects.filter(state=DeliveryState.PENDING).exists()


def test_resolving_sends_the_final_word_and_can_solve_the_linked_cases(
    django_capture_on_commit_callbacks,
):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    case = testing.conversation(subject="tron withdrawal")
    incident = declare(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve(
            supervisor, incident, body_en="Resolved.", body_zh="已解决。", solve_linked=True
        )
    case.refresh_from_db()
    incident.refresh_from_db()
    assert case.status == "solved" and not incident.active
    assert case.events.filter(kind="incident_update").count() == 1
    with pytest.raises(ValidationError):
        services.post_update(supervisor, incident, status="monitoring", body_en="x", body_zh="y")
    assert services.banner() is None


def test_a_new_chat_about_it_gets_the_script_and_is_linked(settings):
    settings.ASSISTANT_BOT_ENABLED = True
    from exdesk.assistant.services import triage_event

    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    incident = declare(supervisor)
    assert services.banner() == incident
    chat = conversations.do_create_conversation(
        customer=testing.customer(),
        subject="Chat",
        body="My TRC20 withdrawal is stuck for two hours",
        channel="chat",
        notify_customer=False,
    )
    triage_event(chat.events.get(kind="customer_message").pk)
    answer = chat.events.filter(kind="agent_reply").last()
    assert answer is not None and SCRIPT_EN in answer.body
    assert IncidentLink.objects.filter(incident=incident, conversation=chat).exists()


def test_a_delivery_that_fails_rolls_back_alone_and_is_marked_failed(monkeypatch):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    cases = [testing.conversation(subject=f"tron {n}") for n in range(3)]
    incident = declare(supervisor)
    monkeypatch.setattr("exdesk.incidents.tasks.broadcast_update", lambda pk: None)
    update = services.post_update(
        supervisor, incident, status="monitoring", body_en="Better.", body_zh="好转。"
    )
    original = conversations.do_incident_update

    def broken_for_the_second(conversation, body, incident_id):
        if conversation.pk == cases[1].pk:
            original(conversation, body, incident_id)  # written, then undone
            raise RuntimeError("the mail relay refused it")
        return original(conversation, body, incident_id)

    monkeypatch.setattr(services.conversations, "do_incident_update", broken_for_the_second)
    assert services.broadcast(update.pk) == 2
    assert services.delivery_counts(update) == {"pending": 0, "sent": 2, "failed": 1}
    failed = UpdateDelivery.objects.get(state=DeliveryState.FAILED)
    assert failed.conversation_id == cases[1].pk and "refused" in failed.error
    assert [c.events.filter(kind="incident_update").count() for c in cases] == [1, 0, 1]


def test_declaring_reads_the_first_messages_of_all_recent_conversations_at_once():
    """The first customer message of each open conversation comes with it (one query),
    however many there are; only the first message counts, as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supervisor = testing.staff("sam", role=Role.SUPERVISOR)

    def open_conversations(n: int, batch: str) -> None:
        for i in range(n):
            testing.conversation(subject=f"Question {batch}{i}", body="How do I verify my ID?")

    def declared_counting(word: str):
        with CaptureQueriesContext(connection) as queries:
            incident = declare(supervisor, networks="", intents="", keywords=word)
        return incident, len(queries)

    open_conversations(3, "a")
    by_body = testing.conversation(subject="Transfer", body="My solana transfer is missing")
    first, with_four = declared_counting("solana")
    assert list(first.links.values_list("conversation_id", flat=True)) == [by_body.pk]

    open_conversations(26, "b")
    by_body = testing.conversation(subject="Transfer", body="Where is my polygon deposit?")
    later_word = testing.conversation(subject="Hello", body="Hi there")
    conversations.do_add_customer_message(later_word, "It is about polygon too")
    second, with_32 = declared_counting("polygon")
    assert list(second.links.values_list("conversation_id", flat=True)) == [by_body.pk]
    assert with_32 == with_four
