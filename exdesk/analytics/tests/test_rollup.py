"""Facts are read from what really happened on a conversation: replies, transfers,
reopens, the bot, the SLA and the customer's rating. Drills never have facts."""

import datetime as dt

import pytest
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.analytics import rollup
from exdesk.analytics.models import ConversationFact, RollupState
from exdesk.conversations import services as conversations
from exdesk.conversations.models import Conversation
from exdesk.quality.feedback import record_feedback

pytestmark = pytest.mark.django_db


def fact_of(conversation) -> ConversationFact:
    rollup.refresh([conversation.pk])
    return ConversationFact.objects.get(conversation=conversation)


def test_a_served_transferred_reopened_and_rated_case(django_capture_on_commit_callbacks):
    alice = testing.staff("alice")
    bob = testing.staff("bob")
    lead = testing.staff("sam", role=Role.SUPERVISOR)
    conversation = testing.conversation(channel="email", language="zh-hans")
    conversations.do_assign(conversation, lead, alice)
    conversations.do_reply(conversation, alice, "We are checking the deposit.")
    conversations.do_assign(conversation, lead, bob)  # a transfer
    with django_capture_on_commit_callbacks(execute=True):
        conversations.do_change_status(conversation, bob, "solved")
    conversations.do_reopen(conversation, "The customer wrote again.")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.do_change_status(conversation, bob, "solved")
    conversation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        record_feedback(conversation, score=2, comment="slow")

    fact = ConversationFact.objects.get(conversation=conversation)  # written by the tasks
    assert (fact.channel, fact.language, fact.agent_id, fact.status) == (
        "email",
        "zh-hans",
        bob.pk,
        "solved",
    )
    assert (fact.transfers, fact.reopens, fact.csat, fact.open) == (1, 1, 2, False)
    assert fact.messages == 2  # the question and the reply
    assert fact.first_response_seconds == pytest.approx(
        (conversation.first_response_at - conversation.created_at).total_seconds()
    )
    assert fact.resolution_seconds == pytest.approx(
        (conversation.solved_at - conversation.created_at).total_seconds()
    )
    assert not fact.bot_answered and not fact.contained


def test_the_bot_contains_a_chat_or_hands_it_off():
    agent = testing.staff("alice")
    contained = testing.conversation(channel="chat")
    handed = testing.conversation(channel="chat")
    for conversation in (contained, handed):
        conversations.do_assistant_turn(
            conversation.pk,
            triage={},
            replies=[("Here is the article on deposits.", {"author": "exdesk bot"})],
        )
    conversations.do_reply(handed, agent, "Let me look at it myself.")
    for conversation in (contained, handed):
        conversations.do_change_status(conversation, agent, "solved")
    first, second = fact_of(contained), fact_of(handed)
    assert (first.bot_answered, first.contained, first.handed_off) == (True, True, False)
    assert (second.bot_answered, second.contained, second.handed_off) == (True, False, True)
    assert first.first_response_seconds is None  # a bot answer is not a person's


def test_an_automatic_triage_is_no_transfer():
    testing.team("security")
    conversation = testing.conversation()
    conversations.do_assistant_turn(
        conversation.pk, triage={"team": testing.team("security")}, replies=[]
    )
    assert fact_of(conversation).transfers == 0


def test_drills_have_no_facts():
    trainee = testing.staff("tina")
    drill = conversations.do_create_conversation(
        customer=testing.customer(), subject="Drill", body="Help", training_for=trainee
    )
    real = testing.conversation()
    assert rollup.refresh([drill.pk, real.pk]) == 1
    assert not ConversationFact.objects.filter(conversation=drill).exists()
    # One that becomes a drill loses its facts.
    Conversation.objects.filter(pk=real.pk).update(training=True)
    rollup.refresh([real.pk])
    assert not ConversationFact.objects.exists()


def test_the_sweep_reads_only_what_changed_since_its_last_run():
    agent = testing.staff("alice")
    old = testing.conversation()
    new = testing.conversation()
    start = timezone.now()
    assert rollup.sweep(now=start) == 2  # the first sweep reads everything
    later = start + dt.timedelta(minutes=30)
    Conversation.objects.filter(pk=old.pk).update(updated_at=start - dt.timedelta(hours=1))
    Conversation.objects.filter(pk=new.pk).update(updated_at=start - dt.timedelta(hours=1))
    assert rollup.sweep(now=later) == 0
    conversations.do_reply(new, agent, "Done.")  # touches it now
    Conversation.objects.filter(pk=new.pk).update(updated_at=later + dt.timedelta(minutes=1))
    assert rollup.sweep(now=later + dt.timedelta(minutes=2)) == 1
    assert ConversationFact.objects.get(conversation=new).first_response_seconds is not None
    assert RollupState.objects.get(name=rollup.SWEEP).watermark == later + dt.timedelta(minutes=2)


def test_a_breached_target_is_an_sla_miss():
    from exdesk.sla.models import SlaClock

    met = testing.conversation()
    missed = testing.conversation()
    now = timezone.now()
    for conversation, breached in ((met, None), (missed, now)):
        SlaClock.objects.create(
            conversation=conversation,
            metric="first_response",
            target_seconds=600,
            started_at=now,
            breached_at=breached,
        )
    none = testing.conversation()
    SlaClock.objects.filter(conversation=none).delete()
    assert (fact_of(met).sla_met, fact_of(missed).sla_met) == (True, False)
    assert fact_of(none).sla_met is None
