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


def test_queue_position_and_expected_wait():
    first, second = chat("first"), chat("second")
    assert services.queue_status(first)["position"] == 1
    assert services.queue_status(second)["position"] == 2
    # With no history, a first answer is expected within the default time per round.
    default = int(services.DEFAULT_FIRST_RESPONSE.total_seconds())
    assert services.queue_status(second)["wait_seconds"] == 2 * default

    alice = online("alice")
    conversations.do_reply(first, alice, "hello")
    Conversation.objects.filter(pk=first.pk).update(
        first_response_at=first.created_at + dt.timedelta(seconds=40)
    )
    assert services.queue_status(first) is None  # answered: no longer waiting
    assert services.queue_status(second) == {"position": 1, "wait_seconds": 40}
    online("bob")
    third = chat("third")
    # Two agents take two chats per round.
    assert services.queue_status(third) == {"position": 2, "wait_seconds": 40}
