"""Channels in a real browser: a Telegram conversation with its identity panel and the
relayed reply's delivery state, an e-mail with quoted history folded away, and the mail
quarantine; axe-core on each page."""

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.customers.models import Customer
from exdesk.messaging import services
from exdesk.messaging.models import InboundMail
from exdesk.messaging.tests.mails import mail

from .conftest import check_accessibility, sign_in_with_session

pytestmark = pytest.mark.browser


def test_an_agent_links_a_telegram_identity_and_sees_the_delivery(new_page, live_server):
    agent = testing.staff("tg.agent", Role.AGENT)
    known = testing.customer(uid="U-4242", email="li.wei@example.com")
    received = services.receive_platform_message(
        platform="telegram",
        external_id="777001",
        update_key="1",
        text="My withdrawal to TRC20 is stuck for two hours",
        handle="liwei_trader",
    )
    conversation = received.conversation
    testing.services.do_reply(conversation, agent, "We are checking it with the wallet team.")
    page = new_page()
    sign_in_with_session(page, agent, live_server.url)
    page.goto(f"/console/c/{conversation.pk}/")
    panel = page.locator("section[aria-labelledby=identity-heading]")
    assert panel.get_by_text("@liwei_trader").count() == 1
    # The bot is not configured on this desk: the reply says so instead of pretending.
    assert page.locator(".delivery-failed").first.is_visible()
    check_accessibility(page)
    page.get_by_label("Exchange UID or e-mail of the customer").fill("U-4242")
    page.get_by_role("button", name="Link to customer").click()
    page.wait_for_url(f"**/console/c/{conversation.pk}/")
    assert panel.get_by_text("Yes, merged by an agent").count() == 1
    check_accessibility(page)
    page.goto(f"/console/customers/{known.pk}/")
    assert page.get_by_role("link", name=conversation.reference, exact=False).count() == 1
    check_accessibility(page)
    assert page.watch.clean(), vars(page.watch)


def test_a_supervisor_reviews_the_quarantine_and_folded_quotes(new_page, live_server, settings):
    Customer.objects.create(email="alice@example.com", display_name="Alice")
    spoofed, _ = services.store_inbound(
        mail(
            sender="alice@example.com",
            subject="Please reset my 2FA",
            headers={"Authentication-Results": "mx.exdesk.invalid; spf=fail; dmarc=fail"},
        ),
        via="smtp",
    )
    services.ingest(spoofed.pk)
    reply, _ = services.store_inbound(
        mail(
            sender="bob@example.com",
            body="It arrived, thanks.\n\nOn Mon, Support wrote:\n> Please wait a little.",
        ),
        via="smtp",
    )
    services.ingest(reply.pk)
    reply.refresh_from_db()
    supervisor = testing.staff("mail.sup", Role.SUPERVISOR)
    page = new_page()
    sign_in_with_session(page, supervisor, live_server.url)
    page.goto(f"/console/c/{reply.conversation_id}/")
    quoted = page.locator("details.quoted")
    assert not quoted.locator(".event-body").is_visible()  # folded away
    quoted.locator("summary").click()
    assert quoted.get_by_text("Please wait a little.").is_visible()
    check_accessibility(page)
    page.goto("/console/")
    page.get_by_role("link", name="Mail quarantine").click()
    page.wait_for_url("**/console/channels/mail/quarantine/")
    assert page.get_by_text("Please reset my 2FA").count() == 1
    check_accessibility(page)
    page.get_by_role(
        "button", name=f"Release into a new conversation: message {spoofed.pk}"
    ).click()
    page.wait_for_url("**/console/c/*/")
    assert page.get_by_text("Released from quarantine").count() >= 1
    assert InboundMail.objects.get(pk=spoofed.pk).reviewed_by == supervisor
    assert page.watch.clean(), vars(page.watch)
