"""The analytics pages in a real browser, axe-core on each: the dashboard with its
filters, a number opened to the conversations behind it, agent performance, the top and
rising questions, the e-mail reports; and an agent who sees only their own figures."""

import pytest
from playwright.sync_api import expect

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.analytics import rollup
from exdesk.conversations import services as conversations

from .conftest import check_accessibility, sign_in_with_session

pytestmark = pytest.mark.browser


@pytest.fixture
def desk():
    alice = testing.staff("alice")
    made = []
    for channel, subject in (("chat", "USDT on the wrong network"), ("email", "KYC review")):
        conversation = testing.conversation(channel=channel, subject=subject)
        conversations.do_assign(conversation, alice, alice)
        conversations.do_reply(conversation, alice, "We are on it.")
        made.append(conversation)
    conversations.do_change_status(made[0], alice, "solved")
    rollup.sweep()
    return alice, made


def test_a_supervisor_reads_filters_and_opens_the_numbers(new_page, live_server, desk):
    _alice, made = desk
    page = new_page()
    sign_in_with_session(page, testing.staff("sam", role=Role.SUPERVISOR), live_server.url)
    page.goto("/console/analytics/")
    expect(page.get_by_role("heading", name="Analytics", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Channel", exact=True).select_option("chat")
    page.get_by_label("Time zone", exact=True).fill("Asia/Kolkata")
    page.get_by_role("button", name="Show").click()
    conversations_card = page.locator(".stat").filter(has_text="Conversations")
    expect(conversations_card.get_by_role("link")).to_have_text("1")
    conversations_card.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Conversations behind a figure")).to_be_visible()
    expect(page.get_by_role("link", name=made[0].reference)).to_be_visible()
    expect(page.get_by_role("link", name=made[1].reference)).to_have_count(0)
    check_accessibility(page)

    page.goto("/console/analytics/?start=2026-05-02&end=2026-05-01")
    expect(page.get_by_text("The start date is after the end date.")).to_be_visible()

    for path, heading in (
        ("/console/analytics/agents/", "Agent performance"),
        ("/console/analytics/topics/", "Top and rising questions"),
        ("/console/analytics/reports/", "E-mail reports"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check_accessibility(page)
    page.get_by_label("Frequency", exact=True).select_option("weekly")
    page.get_by_role("button", name="Send me this report").click()
    expect(page.get_by_text("The report will reach you by e-mail.")).to_be_visible()
    expect(page.get_by_role("cell", name="Every Monday")).to_be_visible()


def test_an_agent_sees_only_their_own_figures(new_page, live_server, desk):
    alice, _made = desk
    page = new_page()
    sign_in_with_session(page, alice, live_server.url)
    page.goto("/console/")
    page.get_by_role("link", name="My figures").click()
    expect(page.get_by_role("heading", name="Agent performance")).to_be_visible()
    expect(page.get_by_role("rowheader")).to_have_text(["alice"])
    expect(page.get_by_role("link", name="CSV")).to_have_count(0)  # no export
    check_accessibility(page)
    response = page.goto("/console/analytics/")
    assert response.status == 403
