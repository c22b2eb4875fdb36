"""The exchange account beside a conversation, in a real browser against a real sandbox
exchange and a real in-process EVM: the panel loads, a stolen account is reported and
frozen in one click, a deposit is diagnosed, and every page passes axe-core."""

import pytest
from playwright.sync_api import expect

from exdesk import testing
from exdesk.exchange.sandbox.chain import DemoChain
from exdesk.exchange.sandbox.server import running_sandbox

from .conftest import check_accessibility, sign_in_with_session

pytestmark = pytest.mark.browser

TRADER = "10000001"
SECRET = "e2e-exchange-secret"


@pytest.fixture
def exchange(settings, tmp_path):
    with running_sandbox(tmp_path / "sandbox.sqlite3", {"exdesk": SECRET}, DemoChain()) as url:
        settings.EXCHANGE_URL, settings.EXCHANGE_KEY_ID, settings.EXCHANGE_SECRET = (
            url,
            "exdesk",
            SECRET,
        )
        settings.CHAIN_RPC_URLS = {"ETH": url.removesuffix("/exdesk/v1") + "/chain/evm"}
        yield url


def test_the_agent_sees_the_account_freezes_it_and_diagnoses_a_deposit(
    new_page, live_server, exchange
):
    from django.core.cache import cache

    cache.clear()
    agent = testing.staff("agent1")
    case = testing.conversation(
        subject="Account hacked, please help",
        who=testing.customer(uid=TRADER, email="li.wei@example.com"),
    )
    page = new_page()
    sign_in_with_session(page, agent, live_server.url)

    page.goto(f"/console/c/{case.pk}/")
    panel = page.locator("#exchange-account")
    expect(panel.locator("[data-exchange-loaded]")).to_be_visible()
    expect(panel).to_contain_text(TRADER)
    expect(panel.get_by_role("table", name="Recent deposits")).to_be_visible()
    check_accessibility(page)

    page.goto(f"/console/exchange/conversations/{case.pk}/")
    page.get_by_role("button", name="Report stolen account").click()
    expect(page.get_by_role("heading", name="Recovery checklist")).to_be_visible()
    page.get_by_role("button", name="Freeze account").click()
    expect(page.locator(".exchange-profile")).to_contain_text("Frozen")
    expect(page.locator("[data-action-status=done]")).to_contain_text("Freeze the account")
    page.get_by_role("button", name="Mark done: The account is frozen at the exchange.").click()
    expect(page.locator(".recovery-steps li.done")).to_have_count(1)
    check_accessibility(page)

    # The pending ETH deposit, from its row in the deposits table.
    pending = page.get_by_role("table", name="Recent deposits").locator("tr", has_text="Pending")
    pending.filter(has_text="ETH").first.get_by_role("link", name="Diagnose").click()
    diagnosis = page.locator(".diagnosis")
    expect(diagnosis).to_have_attribute("data-outcome", "pending")
    expect(diagnosis).to_contain_text("Next step:")
    check_accessibility(page)

    withdrawals = page.get_by_role("table", name="Recent withdrawals")
    withdrawals.get_by_role("link", name="Where is it?").first.click()
    expect(page.locator("#withdrawal-check .diagnosis")).to_contain_text("Next step:")
    check_accessibility(page)
    assert page.watch.clean(), vars(page.watch)


def test_a_silent_exchange_is_shown_as_unavailable(new_page, live_server, settings):
    import socket

    from django.core.cache import cache

    cache.clear()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    settings.EXCHANGE_URL = f"http://127.0.0.1:{listener.getsockname()[1]}/exdesk/v1"
    settings.EXCHANGE_SECRET = "x"
    settings.EXCHANGE_READ_TIMEOUT = 0.3
    try:
        agent = testing.staff("agent1")
        case = testing.conversation(who=testing.customer(uid=TRADER))
        page = new_page()
        sign_in_with_session(page, agent, live_server.url)
        page.goto(f"/console/c/{case.pk}/")
        warning = page.locator("#exchange-account [data-exchange-unavailable]")
        expect(warning).to_contain_text("The exchange is not answering.")
        check_accessibility(page)
    finally:
        listener.close()
