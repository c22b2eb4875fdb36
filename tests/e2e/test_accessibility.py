"""axe-core on every page, in both languages, plus phone width for public pages."""

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.accounts.models import User
from exdesk.conversations import services

from .conftest import check_accessibility, fits_phone_width, sign_in_with_session

pytestmark = pytest.mark.browser


@pytest.fixture
def desk():
    supervisor = testing.staff("sup", role=Role.ADMIN)
    supervisor.is_staff = True
    supervisor.save()
    conversation = testing.conversation(
        subject="Withdrawal pending review",
        fields={"coin": "USDT", "network": "TRC20", "txid": "ab" * 32, "amount": "120"},
        tags=["vip"],
    )
    services.do_add_customer_message(conversation, "Screenshot", [("s.png", testing.PNG_BYTES)])
    services.do_reply(conversation, supervisor, "We are checking.", notify_customer=False)
    services.do_add_note(conversation, supervisor, "Risk review queue")
    services.do_change_priority(conversation, supervisor, "p0")
    return supervisor, conversation


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_public_pages(new_page, desk, language):
    _staff, conversation = desk
    page = new_page(locale="zh-CN" if language == "zh-hans" else "en-US")
    paths = ["/", "/support/new/", f"/support/t/{conversation.tracking_token}/"]
    for path in paths:
        page.goto(path)
        check_accessibility(page)
    # The form with every error showing.
    page.goto("/support/new/")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    check_accessibility(page)
    phone = new_page(viewport={"width": 360, "height": 740})
    for path in paths:
        phone.goto(path)
        assert fits_phone_width(phone), path
    assert page.watch.clean(), vars(page.watch)


def test_sign_in_pages(new_page):
    testing.staff("alice")
    User.objects.create_user("newbie", password=testing.PASSWORD)
    page = new_page()
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Continue").click()
    check_accessibility(page)  # with the error shown
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/login/verify/")
    check_accessibility(page)
    enrolling = new_page()
    enrolling.goto("/accounts/login/")
    enrolling.get_by_label("Username").fill("newbie")
    enrolling.get_by_label("Password").fill(testing.PASSWORD)
    enrolling.get_by_role("button", name="Continue").click()
    enrolling.wait_for_url("**/login/enroll/")
    check_accessibility(enrolling)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_console_pages(new_page, live_server, desk, language):
    staff, conversation = desk
    page = new_page()
    sign_in_with_session(page, staff, live_server.url)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    for path in [
        "/console/",
        "/console/?view=all&status=active",
        f"/console/c/{conversation.pk}/",
        f"/console/customers/{conversation.customer.pk}/",
        "/console/audit/",
    ]:
        page.goto(path)
        check_accessibility(page)
    assert page.watch.clean(), vars(page.watch)


def test_api_docs_load_nothing_from_other_hosts(new_page):
    page = new_page()
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui", timeout=15_000)
    assert page.watch.foreign_requests == []


def test_the_accessibility_check_itself_catches_violations(new_page):
    page = new_page()
    page.goto("/")
    page.set_content("<html><body><img src='/static/exdesk/favicon.svg'><input></body></html>")
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
