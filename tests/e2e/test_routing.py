"""Routing in a running exdesk: a customer's new chat goes to the online agent without
anyone taking it, and the supervisor's live queue shows who is at their desk
(docs/routing.md)."""

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
    setup = (
        SETUP + "from exdesk.accounts.choices import Role\ntesting.staff('sue', Role.SUPERVISOR)\n"
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

    header = shell(
        server,
        "from exdesk import testing; from exdesk.accounts.models import User; "
        "print(testing.session_cookie(User.objects.get(username='sue')))",
    )
    name, value = header.split("=", 1)
    supervisor = new_page()
    supervisor.context.add_cookies([{"name": name, "value": value, "url": server.url}])
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
