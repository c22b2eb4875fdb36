"""Callback requests in a real browser: a customer asks for a call at phone width, by
keyboard, in both languages and without JavaScript; an agent works the console's list.
axe-core on every page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from exdesk import testing
from exdesk.conversations.choices import Channel, Status
from exdesk.telephony import services
from exdesk.telephony.models import CallbackRequest

from .conftest import check_accessibility, fits_phone_width, sign_in_with_session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def local(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("language", "zone", "phone", "country"),
    [
        ("en", "Europe/London", "+44 20 7946 0958", ""),
        ("zh-hans", "Asia/Shanghai", "138 0013 8000", "CN"),
    ],
)
def test_a_customer_requests_a_call_back_by_keyboard_at_phone_width(
    new_page, language, zone, phone, country
):
    page = new_page(
        viewport=PHONE, locale="zh-CN" if language == "zh-hans" else "en-GB", timezone_id=zone
    )
    path = f"/help/{language}/callback/"
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == (
        "zh-Hans" if language == "zh-hans" else "en"
    )
    check_accessibility(page)
    assert fits_phone_width(page)
    # The script picked the browser's time zone.
    assert page.locator("#id_time_zone").input_value() == zone

    # Sent empty: every error is tied to its field, and the page stays accessible.
    with page.expect_navigation():
        page.locator("#id_topic").press("Enter")
    assert page.locator("[aria-invalid=true]").count() >= 3
    assert page.locator("#id_phone").get_attribute("aria-describedby") == (
        "id_phone_helptext id_phone_error"
    )
    check_accessibility(page)
    assert fits_phone_width(page)

    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=1)
    if country:
        page.locator("#id_country").select_option(country)
    page.locator("#id_phone").fill(phone)
    page.locator("#id_name").fill("Wang Fang")
    page.locator("#id_language").select_option(language)
    page.locator("#id_window_start").fill(local(start, zone))
    page.locator("#id_window_end").fill(local(start - dt.timedelta(hours=1), zone))
    page.locator("#id_topic").fill("Withdrawal stuck")
    with page.expect_navigation():
        page.locator("#id_topic").press("Enter")
    assert page.locator("#id_window_end").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_window_end_error").is_visible()
    assert not CallbackRequest.objects.exists()

    page.locator("#id_window_end").fill(local(start + dt.timedelta(hours=2), zone))
    page.locator("#id_window_end").focus()
    page.keyboard.press("Tab")  # on to the submit button
    page.keyboard.press("Enter")
    page.wait_for_url("**/support/t/**")
    requested = CallbackRequest.objects.get()
    assert requested.phone in ("+442079460958", "+8613800138000")
    assert (requested.language, requested.time_zone) == (language, zone)
    assert requested.due_at == start + dt.timedelta(hours=2)
    assert requested.conversation.channel == Channel.PHONE
    assert requested.phone in page.locator("main").inner_text()
    check_accessibility(page)
    assert page.watch.clean(), vars(page.watch)


def test_the_form_works_without_javascript(new_page):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/help/en/callback/")
    assert page.locator("#id_time_zone").input_value() == "UTC"
    page.locator("#id_phone").fill("+61 491 570 156")
    page.locator("#id_name").fill("Jack")
    page.locator("#id_topic").fill("Account locked")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/support/t/**")
    requested = CallbackRequest.objects.get()
    assert (requested.phone, requested.window_start) == ("+61491570156", None)
    assert fits_phone_width(page)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_agent_works_the_callback_list(new_page, live_server, language):
    agent = testing.staff("li")
    late = services.request_callback(
        phone="+8613800138000", name="Wang Fang", language="zh-hans", topic="2FA reset"
    )
    CallbackRequest.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - dt.timedelta(minutes=10)
    )
    services.request_callback(
        phone="+442079460958", name="Alice", language="en", topic="Deposit missing"
    )
    page = new_page()
    sign_in_with_session(page, agent, live_server.url)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto("/console/phone/callbacks/")
    check_accessibility(page)
    cards = page.locator("main li.card")
    assert cards.count() == 2
    assert cards.first.locator(".sla-breached").count() == 1  # said in words, not colour
    assert cards.nth(1).locator(".sla-breached").count() == 0

    card = cards.first
    card.locator("select[name=state]").select_option("done")
    card.locator("textarea[name=note]").fill("Called, reset arranged.")
    card.locator("textarea[name=note]").focus()
    page.keyboard.press("Tab")  # on to the card's "Log outcome" button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    late.refresh_from_db()
    assert late.state == "done"
    assert late.conversation.status == Status.SOLVED
    assert page.locator("main li.card").count() == 1
    check_accessibility(page)

    phone = new_page(viewport=PHONE)
    sign_in_with_session(phone, agent, live_server.url)
    phone.goto("/console/phone/callbacks/")
    assert fits_phone_width(phone)
    assert page.watch.clean(), vars(page.watch)
