"""Routing in a running exdesk: a customer's new chat goes to the online agent without
anyone taking it, and the supervisor's live queue shows who is at their desk
(docs/routing.md)."""

import re
import time

import pytest
from playwright.sync_api import expect

from exdesk.devserver import running_exdesk

from .conftest import check_accessibility
from .pages import ChatWidget
from .test_live_chat import (  # noqa: F401 - fixtures, resolved against this module's server
    SECRET,
    SETUP,
    agent,
    agent_cookie,
    new_page,
    postgres_server_url,
    shell,
    stored,
    web_workers,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server():
    setup = SETUP + (
        "from exdesk.accounts.choices import Role\n"
        "testing.staff('sue', Role.SUPERVISOR)\n"
        "security = testing.team('security')\n"
        "security.escalation_kind = 'security'\n"
        "security.save()\n"
        "testing.staff('chen', teams=('security',))\n"
    )
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=setup,
        env={"EXDESK_CHAT_IDENTITY_SECRET": SECRET, "EXDESK_ASSISTANT_BOT": "0"},
    ) as running:
        yield running


def eventually(read, expected, seconds=30.0):
    deadline = time.monotonic() + seconds
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    return value


def test_a_new_chat_goes_to_the_online_agent_and_the_queue_shows_her_desk(
    server,
    new_page,  # noqa: F811 - the imported fixture
    agent,  # noqa: F811
):
    console = agent()
    visitor = new_page()
    widget = ChatWidget(visitor).visit().open()
    widget.say("Hello, my withdrawal is stuck")
    conversation = visitor.evaluate("window.exdeskWidget.state().conversation")

    # Nobody took it: routing gave it to alice, the one agent online.
    assert (
        eventually(
            lambda: stored(server, conversation, "getattr(c.assignee, 'username', None)"), "alice"
        )
        == "alice"
    )
    console.page.goto(f"/console/c/{conversation}/")
    expect(console.page.locator("main")).to_contain_text("Assignee: alice")

    supervisor = signed_in_page(server, new_page, "sue")
    supervisor.goto("/console/queue/")
    desks = supervisor.get_by_test_id("desks")
    expect(desks).to_contain_text("alice")
    expect(desks).to_contain_text("1 / 3")
    expect(supervisor.get_by_test_id("live-queue")).to_contain_text("Nobody is waiting.")
    check_accessibility(supervisor)

    supervisor.get_by_role("link", name="Staffing").click()
    supervisor.get_by_label("Conversations an hour").fill("200")
    supervisor.get_by_role("button", name="Calculate").click()
    expect(supervisor.get_by_test_id("staffing-plan")).to_contain_text("14 agents")
    check_accessibility(supervisor)


def signed_in_page(server, new_page, username):  # noqa: F811
    header = shell(
        server,
        "from exdesk import testing; from exdesk.accounts.models import User; "
        f"print(testing.session_cookie(User.objects.get(username='{username}')))",
    )
    name, value = header.split("=", 1)
    page = new_page()
    page.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    return page


def test_targets_count_down_a_breach_reaches_the_supervisor_and_an_agent_escalates(
    server,
    new_page,  # noqa: F811
):
    ticket = int(
        shell(
            server,
            "from exdesk import testing; from exdesk.conversations import services; "
            "from exdesk.accounts.models import User; c = testing.conversation(); "
            "services.do_assign(c, User.objects.get(username='alice'), "
            "User.objects.get(username='alice')); print(c.pk)",
        )
    )
    alice = signed_in_page(server, new_page, "alice")
    alice.goto(f"/console/c/{ticket}/")
    targets = alice.get_by_role("region", name="Service levels")
    expect(targets).to_contain_text("First response")
    expect(targets.locator(".sla-ok").first).to_contain_text("left")
    check_accessibility(alice)

    # The first-response deadline passes (moved into the past on the server's database).
    shell(
        server,
        "import datetime as dt; from django.utils import timezone; "
        "from exdesk.sla.models import SlaClock; from exdesk.sla import services; "
        f"SlaClock.objects.filter(conversation_id={ticket}, metric='first_response').update("
        "due_at=timezone.now() - dt.timedelta(minutes=3), "
        "warn_at=timezone.now() - dt.timedelta(minutes=30)); print(services.fire_due())",
    )
    supervisor = signed_in_page(server, new_page, "sue")
    supervisor.goto("/console/?view=all")
    # Missed (and given the raised priority's new deadline, it stays marked missed).
    expect(supervisor.locator(".sla-breached").first).to_contain_text(re.compile("missed|overdue"))
    check_accessibility(supervisor)
    supervisor.get_by_role("link", name="Notifications").click()
    expect(supervisor.get_by_role("main")).to_contain_text("A service-level target was missed")
    check_accessibility(supervisor)

    # The agent hands the case to Security with a reason and a note, by keyboard.
    alice.goto(f"/console/c/{ticket}/")
    alice.get_by_label("Escalate to").select_option("security")
    # The escalation form's reason (the exchange panel beside it has reasons of its own).
    alice.locator("#escalate-reason").fill("Login from an unknown device")
    alice.get_by_label("Hand-off note").fill("Customer did not sign in; asks to freeze.")
    alice.get_by_label("Hand-off note").press("Tab")
    alice.keyboard.press("Enter")
    expect(alice.locator(".messages")).to_contain_text("Escalated")
    assert stored(server, ticket, "c.team.slug") == "security"
    chen = signed_in_page(server, new_page, "chen")
    chen.goto(f"/console/c/{ticket}/")
    expect(chen.get_by_role("region", name="Escalation")).to_contain_text("Hand-off note")
    check_accessibility(chen)
