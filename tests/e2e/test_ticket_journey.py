"""A customer files a ticket with a screenshot; an agent answers; they talk it through."""

import pytest

from exdesk import testing
from exdesk.conversations.models import Conversation

from .conftest import check_accessibility, fits_phone_width
from .pages import Console, TicketForm, TrackingPage

pytestmark = pytest.mark.browser


def test_customer_and_agent_talk_through_a_ticket(new_page):
    testing.category("deposit", "general")
    agent = testing.staff("alice", teams=("general",))

    # The customer files a ticket with a screenshot.
    customer = new_page()
    form = TicketForm(customer).open()
    check_accessibility(customer)
    form.submit(
        subject="USDT deposit not credited",
        description="Sent 250 USDT on TRC20 an hour ago. TxID in the screenshot.",
        email="trader@example.com",
        files=[("screenshot.png", "image/png", testing.PNG_BYTES)],
    )
    assert "/support/t/" in customer.url
    assert "We received your request" in customer.content()
    check_accessibility(customer)
    tracking = TrackingPage(customer, customer.url)
    conversation = Conversation.objects.get(subject="USDT deposit not credited")
    assert conversation.attachments.get().content_type == "image/png"

    # The agent signs in with password and TOTP, finds it, sees the screenshot, replies.
    agent_page = new_page()
    console = Console(agent_page)
    agent_page.goto("/console/")
    check_accessibility(agent_page)
    console.sign_in(agent)
    check_accessibility(agent_page)
    console.search("TRC20")
    console.open_conversation("USDT deposit not credited")
    check_accessibility(agent_page)
    screenshot = agent_page.get_by_role("img", name="screenshot.png")
    assert screenshot.evaluate("img => img.complete && img.naturalWidth") == 1
    console.reply("Thanks. The deposit needs 20 confirmations; it should arrive within minutes.")
    assert "Reply sent" in agent_page.content()

    # The customer sees the reply and answers.
    tracking.open()
    assert "needs 20 confirmations" in customer.content()
    tracking.answer("It has arrived now, thank you!")
    assert "Your answer was sent" in customer.content()

    # The agent sees the answer.
    agent_page.reload()
    assert "It has arrived now, thank you!" in agent_page.content()
    for page in (customer, agent_page):
        assert page.watch.clean(), vars(page.watch)


def test_public_pages_work_without_javascript_on_a_phone(new_page):
    testing.category("deposit", "general")
    phone = new_page(java_script_enabled=False, viewport={"width": 360, "height": 740})
    phone.goto("/")
    assert fits_phone_width(phone)
    form = TicketForm(phone).open()
    assert fits_phone_width(phone)
    form.submit(subject="KYC failed", description="My selfie was rejected", email="a@example.org")
    assert "/support/t/" in phone.url
    assert fits_phone_width(phone)
    TrackingPage(phone, phone.url).answer("Here is more detail.")
    assert "Here is more detail." in phone.content()
    # By subject: a late write of the test before can outlive its flush on the live server.
    assert Conversation.objects.get(subject="KYC failed").events.count() == 2
