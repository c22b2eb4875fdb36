"""The public status page on a phone, without JavaScript, in both languages, with axe;
the help center shows the incident's banner."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.incidents import services

from .conftest import check_accessibility, fits_phone_width

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_a_trader_reads_the_status_page_and_subscribes_without_javascript(new_page, live_server):
    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    services.declare(
        supervisor,
        title_en="ERC20 deposits delayed",
        title_zh="ERC20 充值延迟",
        script_en="Deposits are credited after the node catches up.",
        script_zh="节点同步完成后充值将入账。",
        networks="ERC20",
    )
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/status/en/")
    expect(page.get_by_role("heading", name="ERC20 deposits delayed")).to_be_visible()
    assert fits_phone_width(page)
    page.get_by_label("E-mail address").fill("trader@example.com")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("Check your inbox: confirm with the link we sent.")).to_be_visible()
    assert any(m.to == ["trader@example.com"] for m in mail.outbox)

    page = new_page(viewport=PHONE)  # axe-core runs as a script
    page.goto("/status/en/")
    check_accessibility(page)
    page.goto("/status/zh-hans/")
    expect(page.get_by_role("heading", name="ERC20 充值延迟")).to_be_visible()
    check_accessibility(page)
    page.goto("/help/en/")
    expect(page.get_by_role("status").filter(has_text="ERC20 deposits delayed")).to_be_visible()
    assert fits_phone_width(page)
    check_accessibility(page)
