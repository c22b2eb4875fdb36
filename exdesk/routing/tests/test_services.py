import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel
from exdesk.conversations.models import Conversation
from exdesk.routing import services
from exdesk.routing.models import ConsoleConnection

pytestmark = pytest.mark.django_db


def online(username: str, role: str = Role.AGENT):
    user = testing.staff(username, role=role)
    services.set_presence(user, "online")
    services.connect(user, f"channel-{username}")
    return user


def chat(body: str = "help") -> Conversation:
    return testing.conversation(channel=Channel.CHAT, body=body)


def test_an_agent_is_online_only_by_choice_and_with_a_live_socket():
    alice = online("alice")
    assert list(services.online_agents()) == [alice]
    services.set_presence(alice, "away")
    assert not services.online_agents().exists()
    services.set_presence(alice, "online")
    services.disconnect("channel-alice")
    assert not services.online_agents().exists()  # the socket went: presence dropped


def test_a_socket_of_a_killed_process_stops_counting():
    online("alice")
    stale = timezone.now() - services.STALE - dt.timedelta(seconds=1)
    ConsoleConnection.objects.update(seen_at=stale)
    assert not services.online_agents().exists()
    services.heartbeat("channel-alice")
    assert services.online_agents().exists()


def test_roles_that_do_not_answer_customers_are_never_online_for_chat():
    online("quinn", role=Role.QA_REVIEWER)
    assert not services.online_agents().exists()


def test_unknown_presence_is_refused():
    with pytest.raises(ValidationError):
        services.set_presence(testing.staff("alice"), "sleeping")


@pytest.mark.parametrize(
    ("hours", "now", "open_"),
    [
        ("24/7", "03:00", True),
        ("09:00-18:00", "08:59", False),
        ("09:00-18:00", "09:00", True),
        ("09:00-18:00", "18:00", False),
        ("22:00-06:00", "23:30", True),
        ("22:00-06:00", "05:59", True),
        ("22:00-06:00", "12:00", False),
    ],
)
def test_chat_hours(settings, hours, now, open_):
    settings.CHAT_HOURS = hours
    moment = dt.datetime.combine(dt.date(2026, 12, 2), dt.time.fromisoformat(now), tzinfo=dt.UTC)
    assert services.within_chat_hours(moment) is open_


def test_availability_says_why_nobody_answers(settings):
    settings.CHAT_HOURS = "24/7"
    assert services.availability() == (False, "no_agents")
    online("alice")
    assert services.availability() == (True, None)
    now = timezone.localtime().time()
    start = (dt.datetime.combine(dt.date.today(), now) + dt.timedelta(hours=2)).time()
    end = (dt.datetime.combine(dt.date.today(), now) + dt.timedelta(hours=3)).time()
    settings.CHAT_HOURS = f"{start:%H:%M}-{end:%H:%M}"
    assert services.availability() == (False, "closed_hours")


def test_queue_position_and_expected_wait_from_the_desk():
    first, second = chat("first"), chat("second")
    assert services.queue_status(first)["position"] == 1
    assert services.queue_status(second)["position"] == 2
    # Nobody online: a position but no estimate.
    assert services.queue_status(second)["wait_seconds"] is None

    alice = online("alice")  # three places (max_chats 3), all free
    assert services.queue_status(second)["wait_seconds"] == 0
    alice.max_chats = 1
    alice.save()
    # One place: the second waits for a chat to end (5 minutes with no history).
    default = int(services.DEFAULT_CHAT_HANDLING.total_seconds())
    assert services.queue_status(second)["wait_seconds"] == default

    conversations.do_reply(first, alice, "hello")
    conversations.do_change_status(first, alice, "solved")
    Conversation.objects.filter(pk=first.pk).update(
        first_response_at=first.created_at, solved_at=first.created_at + dt.timedelta(seconds=90)
    )
    assert services.queue_status(first) is None  # answered: no longer waiting
    assert services.queue_status(second) == {"position": 1, "wait_seconds": 0}
    conversations.do_take(second, alice)  # alice's one place is taken
    third = chat("third")
    assert services.queue_status(third) == {"position": 1, "wait_seconds": 90}


def test_a_p0_chat_is_ahead_in_the_queue_whatever_its_age():
    older = chat("older")
    urgent = testing.conversation(channel=Channel.CHAT, body="stolen", priority="p0")
    assert services.queue_status(urgent)["position"] == 1
    assert services.queue_status(older)["position"] == 2
