"""The assistant on real conversations: the guard before storage, triage, the bot's turn."""

import copy
import pickle

import pytest
from django.core.exceptions import ValidationError
from mnemonic import Mnemonic

from exdesk import testing
from exdesk.assistant import services
from exdesk.assistant.models import (
    GuardDirection,
    GuardRecord,
    Intent,
    IntentExample,
    IntentModel,
)
from exdesk.chat import services as chat
from exdesk.chat.services import Visitor
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import EventKind, Priority
from exdesk.conversations.models import Conversation, Event, SearchDocument
from exdesk.helpcenter import starter

pytestmark = pytest.mark.django_db

SEED = Mnemonic("english").to_mnemonic(bytes(range(16)))


def test_the_default_taxonomy_is_seeded_with_enough_examples():
    assert Intent.objects.count() >= 30
    for intent in Intent.objects.all():
        for language in ("en", "zh-hans"):
            examples = IntentExample.objects.filter(
                intent=intent, language=language, held_out=False
            )
            assert examples.count() >= 20, (intent.slug, language)


def test_a_pasted_seed_phrase_is_never_stored_and_makes_a_p0_security_case():
    testing.team("security")
    conv = testing.conversation(body="hello", team_slug="general")
    event = conversations.do_add_customer_message(conv, f"support said to send this: {SEED}")
    stored = Event.objects.get(pk=event.pk).body
    assert SEED.split()[0] not in stored and "seed phrase hidden" in stored
    conv.refresh_from_db()
    assert conv.priority == Priority.P0 and conv.team.slug == "security"
    warning = conv.events.filter(kind=EventKind.AGENT_REPLY).last()
    assert warning.data["bot"] and "never ask" in warning.body
    assert GuardRecord.objects.get(conversation=conv).kinds == ["seed_phrase"]
    assert not Event.objects.filter(body__contains=SEED.split()[3]).exists()


def test_a_new_ticket_is_masked_in_subject_body_and_search_index():
    conv = testing.conversation(subject="card 4111 1111 1111 1111", body=f"seed: {SEED}")
    first = conv.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert "4111 1111 1111 1111" not in conv.subject and "1111" in conv.subject
    assert SEED.split()[0] not in first.body
    terms = SearchDocument.objects.get(conversation=conv).terms
    assert SEED.split()[0] not in terms


def test_the_warning_is_in_the_customers_language():
    conv = testing.conversation(body="你好", language="zh-hans")
    conversations.do_add_customer_message(conv, f"我的助记词 {SEED}")
    warning = conv.events.filter(kind=EventKind.AGENT_REPLY).last()
    assert "助记词" in warning.body and "never" not in warning.body


def test_an_agent_asking_for_a_seed_phrase_is_blocked_and_recorded():
    agent = testing.staff("amy")
    conv = testing.conversation()
    with pytest.raises(ValidationError) as refused:
        conversations.do_reply(conv, agent, "Please send me your seed phrase to verify.")
    assert "seed phrase" in str(refused.value)
    assert not conv.events.filter(kind=EventKind.AGENT_REPLY).exists()
    record = GuardRecord.objects.get(direction=GuardDirection.AGENT)
    assert record.user == agent and "seed phrase" in record.excerpt
    # A warning about secrets is a normal reply.
    conversations.do_reply(conv, agent, "We will never ask for your seed phrase or password.")


def test_triage_reads_intent_facts_and_raises_security_to_p0(django_capture_on_commit_callbacks):
    testing.team("security")
    with django_capture_on_commit_callbacks(execute=True):
        conv = testing.conversation(
            subject="help",
            body="someone logged into my account and changed my email, I am locked out",
        )
    conv.refresh_from_db()
    assert conv.intent == "account_stolen" and conv.intent_confidence > 0
    assert conv.priority == Priority.P0 and conv.team.slug == "security"
    # A ticket gets the safety steps at once (the bot does not otherwise answer tickets).
    [warning] = _bot_messages(conv)
    assert "security specialist" in warning.body and "article" not in warning.data
    with django_capture_on_commit_callbacks(execute=True):
        deposit = testing.conversation(
            subject="deposit",
            body="sent 250 USDT on TRC20 to TJ1c9jAPyuRNtR6o5b6rAMDx8xCXyjtVnb 3 hours ago, "
            "not credited",
        )
    deposit.refresh_from_db()
    assert deposit.intent == "deposit_not_credited" and not _bot_messages(deposit)
    assert deposit.coin == "USDT" and deposit.network == "TRC20" and deposit.amount == 250


@pytest.fixture
def bot(settings, django_capture_on_commit_callbacks):
    """Sends a chat message and runs what its commit schedules (triage, the bot)."""
    settings.ASSISTANT_BOT_ENABLED = True
    starter.load()

    def send(body: str, language: str = "en", conversation: Conversation | None = None):
        visitor = Visitor(language=language, conversation_id=conversation and conversation.pk)
        with django_capture_on_commit_callbacks(execute=True):
            event, _opened = chat.send_message(visitor, body=body, client_id=body[:90])
        conv = event.conversation
        conv.refresh_from_db()
        return conv

    return send


def _bot_messages(conv: Conversation):
    return list(conv.events.filter(kind=EventKind.AGENT_REPLY, data__bot=True).order_by("seq"))


def test_the_bot_answers_a_chinese_question_with_the_right_article(bot):
    conv = bot("我从别的平台提了USDT过来，两个小时了还没到账", "zh-hans")
    [answer] = _bot_messages(conv)
    assert answer.data["article"]["url"].endswith("/help/zh-hans/articles/deposit-not-credited/")
    assert "这篇文章" in answer.body or "文章" in answer.body
    # "No" hands over to a person, with the assistant's summary for the agent.
    conv = bot("没用，转人工", "zh-hans", conv)
    assert conv.bot_state == conversations.BOT_HANDED_OVER
    note = conv.events.filter(kind=EventKind.INTERNAL_NOTE).last()
    assert note.data["intent"] == "deposit_not_credited"


def test_the_bot_never_answers_security_intents(bot):
    testing.team("security")
    conv = bot("my account was hacked and someone withdrew all my BTC")
    [message] = _bot_messages(conv)
    assert "article" not in message.data and "security specialist" in message.body
    assert conv.priority == Priority.P0 and conv.bot_state == conversations.BOT_HANDED_OVER


def test_a_seed_phrase_in_chat_is_masked_for_the_console(bot):
    testing.team("security")
    conv = bot(SEED)
    assert not Event.objects.filter(conversation=conv, body__contains=SEED.split()[5]).exists()
    conv.refresh_from_db()
    assert conv.priority == Priority.P0


def test_the_live_model_follows_edited_examples():
    before = services.live_model.get()
    intent = Intent.objects.get(slug="listing")
    IntentExample.objects.create(intent=intent, language="en", text="list my memecoin please")
    after = services.live_model.get()
    assert after is not before
    stored = services.retrain()
    assert stored.metrics["examples"] >= 36 * 40 and stored.metrics["accuracy"] > 0.7
    assert services.live_model.get().predict("when will you list my token").label == "listing"


def test_a_model_stored_by_an_earlier_version_is_not_run(caplog):
    from_examples = services.live_model.get()
    old = copy.copy(from_examples)
    del old.format  # as pickled before models carried a format
    IntentModel.objects.create(artifact=pickle.dumps(old), metrics={})
    with caplog.at_level("WARNING"):
        model = services.live_model.get()
    assert model is from_examples  # still the one trained from the examples
    assert "predates this version" in caplog.text
    stored = services.retrain()
    assert services.live_model.get() is not from_examples and stored.pk


def test_a_hello_is_greeted_once_and_one_article_is_all_the_bot_offers(bot):
    conv = bot("hello")
    [greeting] = _bot_messages(conv)
    assert "article" not in greeting.data and conv.bot_state == "greeted"
    conv = bot("my USDT deposit has not arrived after two hours", conversation=conv)
    assert conv.bot_state == "answering" and "article" in _bot_messages(conv)[-1].data
    conv = bot("how long do withdrawals take", conversation=conv)
    assert conv.bot_state == conversations.BOT_HANDED_OVER
    assert len(_bot_messages(conv)) == 3  # hello, the article, "passing you to a person"
