"""Official-channel verification in a real browser: the public check without JavaScript
needs, at phone width, and the console registry; axe-core on each page."""

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.trust.demo import seed_demo_channels
from exdesk.trust.models import OfficialChannel

from .conftest import check_accessibility, fits_phone_width, sign_in_with_session

pytestmark = pytest.mark.browser


@pytest.fixture
def registry(transactional_db):
    admin = testing.staff("trust.admin", Role.ADMIN, teams=())
    seed_demo_channels(admin)
    return admin


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_visitor_checks_channels_on_a_phone(new_page, registry, language):
    page = new_page(
        viewport={"width": 360, "height": 740},
        locale="zh-CN" if language == "zh-hans" else "en-US",
        java_script_enabled=False,
    )
    page.goto(f"/verify/{language}/")
    page.locator("#verify-q").fill("support@dem0exchange.example")
    page.locator("form.verify-form button[type=submit]").click()
    page.wait_for_url("**?q=*")
    assert page.locator(".verdict-lookalike").count() == 1
    page.locator("#verify-q").fill("https://t.me/DemoExchange")
    page.locator("form.verify-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".verdict-official").count() == 1
    assert page.watch.clean(), vars(page.watch)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_verify_page_is_accessible_and_fits_a_phone(new_page, registry, language):
    page = new_page(viewport={"width": 360, "height": 740})
    queries = ["", "?q=demoexchange-support.com", "?q=demoexchange.example", "?q=%2B12025550143"]
    for query in queries:
        page.goto(f"/verify/{language}/{query}")
        assert fits_phone_width(page), page.url
        check_accessibility(page)
    page.goto(f"/verify/{language}/?q=" + "a" * 600)
    assert page.locator("#verify-error").count() == 1
    check_accessibility(page)
    assert page.watch.clean(), vars(page.watch)


def test_a_supervisor_manages_the_registry(new_page, live_server, registry):
    supervisor = testing.staff("sup.trust", Role.SUPERVISOR)
    page = new_page()
    sign_in_with_session(page, supervisor, live_server.url)
    page.goto("/console/")
    page.get_by_role("link", name="Official channels").click()
    page.wait_for_url("**/console/trust/")
    check_accessibility(page)
    page.get_by_role("link", name="Add an official channel").click()
    page.wait_for_url("**/console/trust/new/")
    check_accessibility(page)
    page.get_by_label("Kind").select_option("x")
    page.get_by_label("Value").fill("https://x.com/DemoExchangeNews")
    page.get_by_label("Label").fill("News")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/console/trust/")
    assert OfficialChannel.objects.filter(kind="x", normalized="demoexchangenews").exists()
    page.get_by_role("button", name="Deactivate demoexchangenews").click()
    page.wait_for_url("**/console/trust/")
    assert not OfficialChannel.objects.get(normalized="demoexchangenews").active
    check_accessibility(page)
    assert page.watch.clean(), vars(page.watch)
