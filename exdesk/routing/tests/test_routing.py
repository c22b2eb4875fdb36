"""The routing service on the real database: who gets each waiting conversation, the
queue, hand-backs when an agent leaves, and supervisors' pins."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.accounts.models import Skill
from exdesk.assistant.models import Intent
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, Priority, Status
from exdesk.conversations.models import Conversation, Event
from exdesk.routing import services
from exdesk.routing.models import ConsoleConnection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def routing_on(settings, django_capture_on_commit_callbacks):
    """Routing runs after each commit, as in production (tasks run inline in tests)."""
    settings.ROUTING_ENABLED = True

    class Commits:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            return self.capture.__enter__()

        def __exit__(self, *exc):
            return self.capture.__exit__(*exc)

    return Commits


def online(username, *, languages=(), skills=(), max_chats=3, teams=("general",), **extra):
    user = testing.staff(username, teams=teams, **extra)
    user.languages, user.max_chats = list(languages), max_chats
    user.save()
    user.skills.set([Skill.objects.get_or_create(slug=s, defaults={"name": s})[0] for s in skills])
    services.connect(user, f"channel-{username}")
    services.set_presence(user, "online")
    return user


def chat(routing_on, body="help", **extra) -> Conversation:
    with routing_on():
        conversation = testing.conversation(channel=Channel.CHAT, body=body, **extra)
    conversation.refresh_from_db()
    return conversation


def assignee(conversation):
    conversation.refresh_from_db()
    return conversation.assignee


def test_a_new_conversation_goes_to_an_eligible_online_agent(routing_on):
    english = online("alice", languages=["en"])
    conversation = chat(routing_on)
    assert assignee(conversation) == english
    assert conversation.status == Status.OPEN
    event = Event.objects.filter(conversation=conversation, kind="assignment_change").get()
    assert event.data == {"from": None, "to": "alice", "by": "routing"}


def test_language_and_team_decide_who_may_take_it(routing_on):
    online("alice", languages=["en"])
    other_team = online("bob", languages=["zh-hans"], teams=("vip",))
    chinese = online("chen", languages=["zh-hans"])
    conversation = chat(routing_on, language="zh-hans")
    assert assignee(conversation) == chinese
    assert assignee(conversation) != other_team


def test_the_least_loaded_then_the_longest_idle_agent_gets_it(routing_on):
    alice, bob = online("alice"), online("bob")
    first, second = chat(routing_on, "one"), chat(routing_on, "two")
    assert {assignee(first), assignee(second)} == {alice, bob}  # one each, not both to one


def test_the_intents_skill_is_required(routing_on):
    Intent.objects.filter(slug="deposit_not_credited").update(skill_slug="deposits")
    generalist = online("alice")
    specialist = online("dana", skills=["deposits"])
    # Created without routing; the assistant's reading then routes it.
    deposit, other = testing.conversation(), testing.conversation(subject="Hello")
    with routing_on():
        conversations.do_assistant_turn(deposit.pk, triage={"intent": "deposit_not_credited"})
    assert assignee(deposit) == specialist
    with routing_on():
        conversations.do_assistant_turn(other.pk, triage={"intent": ""})
    assert assignee(other) == generalist  # anyone may; the less loaded does


def test_when_nobody_has_room_it_waits_and_the_first_free_slot_takes_the_most_urgent(
    routing_on,
):
    alice = online("alice", max_chats=1)
    first = chat(routing_on, "first")
    assert assignee(first) == alice
    normal = chat(routing_on, "normal")
    urgent = chat(routing_on, "urgent")
    Conversation.objects.filter(pk=urgent.pk).update(priority=Priority.P1)
    assert assignee(normal) is None and assignee(urgent) is None
    with routing_on():
        conversations.do_change_status(first, alice, Status.SOLVED)
    assert assignee(urgent) == alice
    assert assignee(normal) is None


def test_a_p0_goes_to_a_full_agent_one_over_capacity(routing_on):
    alice = online("alice", max_chats=1)
    chat(routing_on, "first")
    # Made without triage (which would send a real theft report to the Security team).
    urgent = testing.conversation(channel=Channel.CHAT, body="urgent", priority=Priority.P0)
    with routing_on():
        services.route_waiting()
    assert assignee(urgent) == alice


def test_an_agent_who_goes_away_hands_back_unanswered_chats(routing_on):
    alice = online("alice")
    answered, unanswered = chat(routing_on, "one"), chat(routing_on, "two")
    conversations.do_reply(answered, alice, "hello, looking into it")
    bob = testing.staff("bob")
    with routing_on():
        services.set_presence(alice, "away")
    assert assignee(answered) == alice  # answered: she keeps it
    assert assignee(unanswered) is None
    back = Event.objects.filter(conversation=unanswered, kind="assignment_change").last()
    assert back.data["reason"] == "away"
    with routing_on():
        services.connect(bob, "channel-bob")
        services.set_presence(bob, "online")
    assert assignee(unanswered) == bob


def test_chats_of_an_agent_whose_console_went_silent_are_handed_back(routing_on):
    alice = online("alice")
    conversation = chat(routing_on)
    ConsoleConnection.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    with routing_on():
        assert services.hand_back_from_absent_agents() == 1
    assert assignee(conversation) is None
    assert alice.pk not in [a.id for a in services.agents_snapshot()]


def test_a_chat_the_bot_is_answering_waits_for_the_handover(routing_on, settings):
    settings.ASSISTANT_BOT_ENABLED = True
    online("alice")
    conversation = testing.conversation(channel=Channel.CHAT, body="hello")
    with routing_on():
        conversations.do_assistant_turn(conversation.pk, triage={}, bot_state="answering")
        services.route_waiting()
    assert assignee(conversation) is None
    with routing_on():
        conversations.do_assistant_turn(conversation.pk, triage={}, bot_state="handed_over")
    assert assignee(conversation) is not None


def test_a_supervisor_pins_a_conversation_to_an_agent_who_then_gets_it(routing_on):
    online("alice")
    boss = testing.staff("boss", role=Role.SUPERVISOR)
    bob = testing.staff("bob")
    with routing_on():
        conversation = testing.conversation(channel=Channel.WEB)
        conversations.do_assign(conversation, boss, None)
    Conversation.objects.filter(pk=conversation.pk).update(assignee=None)
    with routing_on():
        services.pin(conversation, boss, agent=bob)
    assert assignee(conversation) is None  # bob is offline: it waits for him
    with routing_on():
        services.connect(bob, "channel-bob")
        services.set_presence(bob, "online")
    assert assignee(conversation) == bob
    with routing_on():
        services.unpin(conversation, boss)
    assert not hasattr(Conversation.objects.get(pk=conversation.pk), "routing_pin_cache")


def test_only_supervisors_pin_and_a_pin_names_one_target(routing_on):
    agent = testing.staff("alice")
    boss = testing.staff("boss", role=Role.SUPERVISOR)
    conversation = testing.conversation()
    with pytest.raises(PermissionDenied):
        services.pin(conversation, agent, agent=agent)
    with pytest.raises(ValidationError):
        services.pin(conversation, boss)
    with pytest.raises(ValidationError):
        services.pin(conversation, boss, agent=agent, team=testing.team("vip"))
    quinn = testing.staff("quinn", role=Role.QA_REVIEWER)
    with pytest.raises(ValidationError):
        services.pin(conversation, boss, agent=quinn)


def test_a_team_pin_moves_the_conversation_and_keeps_it_there(routing_on):
    online("alice")
    vip_agent = online("victor", teams=("vip",))
    boss = testing.staff("boss", role=Role.SUPERVISOR, teams=("general", "vip"))
    Conversation.objects.all().delete()
    testing.staff("idle")  # nobody else online in vip
    conversation = testing.conversation()  # routing off for its creation
    with routing_on():
        services.pin(conversation, boss, team=testing.team("vip"))
    assert assignee(conversation) == vip_agent


def test_a_new_chat_is_left_to_the_bot_for_its_first_turn(routing_on, settings):
    settings.ASSISTANT_BOT_ENABLED = True
    online("alice")
    conversation = testing.conversation(channel=Channel.CHAT, body="hi")  # not read yet
    with routing_on():
        services.route_waiting()
    assert assignee(conversation) is None
    late = timezone.now() - services.bot_first_turn() - dt.timedelta(seconds=1)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=late)
    with routing_on():
        services.route_waiting()
    assert assignee(conversation) is not None  # the bot is late: a person gets it
