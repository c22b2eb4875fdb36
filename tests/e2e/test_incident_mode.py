"""Incident mode in real browsers: a supervisor declares an incident and the banner
appears in an open chat widget; a customer asking about the affected network gets the
approved script from the bot and their chat is linked; an update reaches the linked
chat once (docs/incidents.md)."""

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
    web_workers,
)

pytestmark = pytest.mark.browser

SCRIPT = "TRC20 withdrawals are queued while the network recovers; your funds are safe."
UPDATE = "The TRC20 network is back; queued withdrawals go out within the hour."


@pytest.fixture(scope="module")
def server():
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=SETUP,
        env={
            "EXDESK_CHAT_IDENTITY_SECRET": SECRET,
            "EXDESK_ASSISTANT_BOT": "1",
            "EXDESK_BOT_FIRST_TURN_SECONDS": "180",
        },
    ) as running:
        yield running


def test_declare_banner_script_link_and_one_update(
    server,
    new_page,  # noqa: F811 - the imported fixture
    agent,  # noqa: F811
):
    header = shell(
        server,
        "from exdesk import testing; from exdesk.accounts.choices import Role; "
        "print(testing.session_cookie(testing.staff('sam', role=Role.SUPERVISOR)))",
    )
    name, value = header.split("=", 1)
    agent()  # someone online: the widget offers the chat
    visitor = new_page()
    widget = ChatWidget(visitor).visit().open()
    widget.wait_connected()
    banner = visitor.get_by_test_id("exdesk-incident")
    expect(banner).to_be_hidden()

    supervisor = new_page()
    supervisor.context.add_cookies([{"name": name, "value": value, "url": server.url}])
    supervisor.goto("/console/incidents/declare/")
    check_accessibility(supervisor)
    supervisor.get_by_label("Title (English)").fill("TRC20 withdrawals delayed")
    supervisor.get_by_label("Title (Chinese)").fill("TRC20 提现延迟")
    supervisor.get_by_label("Affected networks").fill("TRC20")
    supervisor.get_by_label("Keywords").fill("TRC20, tron")
    supervisor.get_by_label("Customer script (English)").fill(SCRIPT)
    supervisor.get_by_label("Customer script (Chinese)").fill(
        "TRC20 网络恢复中，提现排队处理；资金安全。"
    )
    declared_at = time.monotonic()
    supervisor.get_by_role("button", name="Declare", exact=True).click()
    expect(banner).to_contain_text("TRC20 withdrawals delayed", timeout=5_000)
    seconds = time.monotonic() - declared_at
    print(f"\nincident banner in the widget {seconds:.2f} s after the declaration")
    assert seconds <= 2.0
    expect(supervisor.get_by_text("The incident is declared.")).to_be_visible()
    check_accessibility(supervisor)
    check_accessibility(visitor)

    widget.say("My TRC20 withdrawal has not arrived after two hours")
    answer = visitor.locator(".msg-agent").filter(has_text=SCRIPT)
    expect(answer).to_be_visible(timeout=180_000)  # the worker may still load its models
    conversation = visitor.evaluate("window.exdeskWidget.state().conversation")
    linked = shell(
        server,
        "from exdesk.incidents.models import IncidentLink; "
        f"print(IncidentLink.objects.filter(conversation_id={int(conversation)}).count())",
    )
    assert linked == "1"

    supervisor.get_by_label("Update (English)").fill(UPDATE)
    supervisor.get_by_label("Update (Chinese)").fill(
        "TRC20 网络已恢复，排队的提现将在一小时内发出。"
    )
    supervisor.get_by_role("button", name="Send the update").click()
    expect(
        supervisor.get_by_text("The update is on its way to every linked conversation.")
    ).to_be_visible()
    expect(visitor.locator(".msg-agent").filter(has_text=UPDATE)).to_have_count(1, timeout=15_000)
    expect(banner).to_contain_text(UPDATE)  # the banner says the latest word too
    visitor.wait_for_timeout(1500)  # nothing more arrives
    expect(visitor.locator(".msg-agent").filter(has_text=UPDATE)).to_have_count(1)
    sent = shell(
        server,
        "from exdesk.conversations.models import Event; print(Event.objects.filter("
        f"conversation_id={int(conversation)}, kind='incident_update').count())",
    )
    assert sent == "1"
