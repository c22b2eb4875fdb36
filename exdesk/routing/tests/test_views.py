"""The live queue page: supervisors only, queue order, pins from the page."""

import pytest
from django.urls import reverse

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.accounts.models import ApiToken
from exdesk.conversations.choices import Priority
from exdesk.conversations.models import Conversation
from exdesk.routing.models import RoutingPin

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return testing.signed_in(testing.staff("sue", Role.SUPERVISOR))


def test_only_supervisors_see_the_queue(supervisor):
    agent = testing.signed_in(testing.staff("amy", Role.AGENT))
    assert agent.get(reverse("routing:queue")).status_code == 403
    assert agent.post(reverse("routing:pin"), {}).status_code == 403
    page = supervisor.get(reverse("routing:queue"))
    assert page.status_code == 200
    assert reverse("routing:queue") in page.content.decode()  # in the navigation


def test_the_queue_lists_waiting_conversations_in_routing_order(supervisor):
    normal = testing.conversation(subject="Normal question")
    urgent = testing.conversation(subject="Account drained")
    Conversation.objects.filter(pk=urgent.pk).update(priority=Priority.P0)
    vip_customer = testing.customer(vip_tier=3)
    vip = testing.conversation(subject="VIP question", who=vip_customer)
    taken = testing.conversation(subject="Already taken")
    Conversation.objects.filter(pk=taken.pk).update(assignee=testing.staff("bob"))
    text = supervisor.get(reverse("routing:queue")).content.decode()
    assert text.index(urgent.reference) < text.index(vip.reference) < text.index(normal.reference)
    assert taken.reference not in text


def test_a_supervisor_pins_from_the_page_and_bad_input_is_explained(supervisor):
    conversation = testing.conversation()
    bob = testing.staff("bob")
    response = supervisor.post(
        reverse("routing:pin"),
        {"conversation": conversation.reference, "target": f"agent:{bob.pk}"},
    )
    assert response.status_code == 302
    assert RoutingPin.objects.get(conversation=conversation).agent == bob
    page = supervisor.get(reverse("routing:queue")).content.decode()
    assert "Unpin" in page
    missing = supervisor.post(
        reverse("routing:pin"),
        {"conversation": "EXD-999999", "target": f"agent:{bob.pk}"},
        follow=True,
    )
    assert "No conversation has that number." in missing.content.decode()
    no_target = supervisor.post(
        reverse("routing:pin"),
        {"conversation": str(conversation.pk), "target": "agent:x"},
        follow=True,
    )
    assert "Pin the conversation to one agent or one team." in no_target.content.decode()
    supervisor.post(reverse("routing:unpin", args=[conversation.pk]))
    assert not RoutingPin.objects.exists()


def test_the_staffing_page_plans_agents_and_explains_bad_input(supervisor):
    agent = testing.signed_in(testing.staff("amy", Role.AGENT))
    assert agent.get(reverse("routing:staffing")).status_code == 403
    assert supervisor.get(reverse("routing:staffing")).status_code == 200
    query = {
        "arrivals_per_hour": "200",
        "handling_seconds": "180",
        "target_seconds": "20",
        "service_level": "80",
        "max_occupancy": "100",
    }
    page = supervisor.get(reverse("routing:staffing"), query)
    text = page.content.decode()
    assert page.status_code == 200 and "14 agents" in text and "10.00 Erlangs" in text
    assert "88 %" in text or "89 %" in text  # what 14 agents achieve
    bad = supervisor.get(reverse("routing:staffing"), {**query, "service_level": "150"})
    assert bad.status_code == 400 and "14 agents" not in bad.content.decode()


def test_the_staffing_api(supervisor):
    _token, key = ApiToken.issue(testing.staff("robot", Role.ADMIN), "planning")
    headers = {"Authorization": f"Bearer {key}"}
    url = "/api/v1/staffing"
    response = supervisor.get(
        url, {"arrivals_per_hour": 200, "handling_seconds": 180}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["agents"] == 14
    assert response.json()["service_level"] == pytest.approx(0.888, abs=0.001)
    refused = supervisor.get(
        url, {"arrivals_per_hour": -1, "handling_seconds": 180}, headers=headers
    )
    assert refused.status_code == 422
    assert (
        supervisor.get(url, {"arrivals_per_hour": 200, "handling_seconds": 180}).status_code == 401
    )
