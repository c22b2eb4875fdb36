"""Customer education in real browsers: a reader on a phone opens Learn, follows a
tutorial series, marks two steps done and sees "2 of 5"; the article page says which
step it is; the security campaign shows in the help center and in the chat widget; a
webinar registration is confirmed (and mailed). The series page and the registration
form also work with JavaScript off. axe-core runs on every page visited with scripts on
(docs/education.md)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.devserver import running_exdesk
from exdesk.education import services
from exdesk.education.models import TutorialProgress, WebinarRegistration
from exdesk.helpcenter import services as helpcenter
from exdesk.helpcenter.models import Category, Section

from .conftest import check_accessibility, fits_phone_width, open_page, sign_in_with_session
from .pages import ChatWidget
from .test_live_chat import postgres_server_url, web_workers

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
CAMPAIGN = {
    "title_en": "Support never asks for your password, 2FA codes or seed phrase",
    "title_zh": "客服绝不会索要您的密码、验证码或助记词",
    "body_en": "Never share them, not even with us.\nCheck the anti-phishing code in our mail.",
    "body_zh": "任何人索要都不要给，包括我们。\n核对邮件里的防钓鱼码。",
}
STEPS = [
    ("choose-network", "Choosing the right network"),
    ("how-to-deposit", "How to deposit crypto"),
    ("memo-tag", "Deposits that need a memo"),
    ("confirmations", "Block confirmations"),
    ("deposit-not-credited", "My deposit has not arrived"),
]


@pytest.fixture
def learning(transactional_db):
    """A published series of five live articles, a running campaign and a webinar."""
    cache.clear()  # rate-limit counters of earlier tests
    trainer = testing.staff("tom", role=Role.TRAINER)
    category = Category.objects.create(
        slug="deposits-withdrawals", name_en="Deposits & withdrawals", name_zh_hans="充值与提币"
    )
    section = Section.objects.create(
        category=category, slug="deposits", name_en="Deposits", name_zh_hans="充值"
    )
    series = services.create_series(
        trainer, language="en", slug="first-deposit", title="Your first deposit", published=True
    )
    for slug, title in STEPS:
        article = helpcenter.create_article(
            None,
            section=section,
            language="en",
            slug=slug,
            title=title,
            description=f"What to know: {title.lower()}.",
            body=f"## {title}\n\nRead this before you send anything.",
        )
        helpcenter.approve(None, article)
        services.add_step(trainer, series, article)
    now = timezone.now()
    services.create_campaign(
        trainer,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        article_slug_en="how-to-deposit",
        **CAMPAIGN,
    )
    webinar = services.create_webinar(
        trainer,
        language="en",
        title="Live: your first deposit",
        description="We deposit together, step by step, and answer your questions.",
        starts_at=now + dt.timedelta(days=4),
        duration_minutes=45,
        host_name="Mei Lin",
        join_url="https://meet.example.com/first-deposit",
        capacity=100,
    )
    return {"series": series, "webinar": webinar}


def test_a_reader_follows_a_series_sees_the_campaign_and_registers(new_page, learning):
    page = new_page(viewport=PHONE)
    page.goto("/learn/en/")
    expect(page.get_by_role("heading", name="Learn", exact=True)).to_be_visible()
    note = page.get_by_role("note", name="Security reminder")
    expect(note).to_contain_text(CAMPAIGN["title_en"])
    expect(note.get_by_role("link", name="How to deposit crypto")).to_be_visible()
    assert fits_phone_width(page)
    check_accessibility(page)

    page.get_by_role("link", name="Your first deposit", exact=True).click()
    page.wait_for_url("**/learn/en/series/first-deposit/")
    expect(page.get_by_text("0 of 5 steps done")).to_be_visible()
    assert fits_phone_width(page)
    check_accessibility(page)
    for _ in range(2):
        page.get_by_role("button", name="Mark as done").first.click()
        page.wait_for_load_state()
        check_accessibility(page)
    expect(page.get_by_text("2 of 5 steps done")).to_be_visible()
    progress = page.get_by_role("progressbar", name="2 of 5 steps done")
    expect(progress).to_have_attribute("value", "2")
    expect(page.get_by_role("button", name="Mark as not done")).to_have_count(2)
    assert TutorialProgress.objects.count() == 2
    assert fits_phone_width(page)
    check_accessibility(page)

    page.locator(".learn-steps").get_by_role("link", name="How to deposit crypto").click()
    page.wait_for_url("**/help/en/articles/how-to-deposit/?series=first-deposit")
    series_nav = page.get_by_role("navigation", name="Tutorial series")
    expect(series_nav).to_contain_text("Step 2 of 5 in Your first deposit")
    expect(page.get_by_role("note", name="Security reminder")).to_be_visible()
    assert fits_phone_width(page)
    check_accessibility(page)
    series_nav.get_by_role("link", name="Next: Deposits that need a memo").click()
    page.wait_for_url("**/help/en/articles/memo-tag/?series=first-deposit")
    expect(page.get_by_text("Step 3 of 5 in Your first deposit")).to_be_visible()
    check_accessibility(page)

    page.goto("/learn/en/")
    page.get_by_role("link", name="Live: your first deposit").click()
    page.wait_for_url(f"**/learn/en/webinars/{learning['webinar'].pk}/")
    assert fits_phone_width(page)
    check_accessibility(page)
    page.get_by_label("Your name").fill("Wang Lei")
    page.get_by_label("Your e-mail").fill("wang.lei@example.com")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.")).to_be_visible()
    check_accessibility(page)
    assert WebinarRegistration.objects.get().email == "wang.lei@example.com"
    [confirmation] = [m for m in mail.outbox if m.to == ["wang.lei@example.com"]]
    assert "https://meet.example.com/first-deposit" in confirmation.body

    page.goto("/learn/zh-hans/")  # the Chinese listing: the campaign in Chinese, no series yet
    expect(page.get_by_role("note")).to_contain_text(CAMPAIGN["title_zh"])
    assert fits_phone_width(page)
    check_accessibility(page)


def test_the_series_and_the_registration_work_without_javascript(new_page, learning):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/learn/en/series/first-deposit/")
    expect(page.get_by_text("0 of 5 steps done")).to_be_visible()
    page.get_by_role("button", name="Mark as done").nth(2).click()
    page.wait_for_load_state()
    expect(page.get_by_text("1 of 5 steps done")).to_be_visible()
    page.get_by_role("button", name="Mark as not done").click()
    page.wait_for_load_state()
    expect(page.get_by_text("0 of 5 steps done")).to_be_visible()
    assert fits_phone_width(page)

    page.goto(f"/learn/en/webinars/{learning['webinar'].pk}/")
    page.get_by_label("Your name").fill("Li Na")
    page.get_by_label("Your e-mail").fill("li.na@example.com")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.")).to_be_visible()
    expect(page.get_by_text("Places left")).to_be_visible()
    assert WebinarRegistration.objects.filter(email="li.na@example.com").exists()
    assert fits_phone_width(page)


def test_a_trainer_manages_education_in_the_console(new_page, live_server, learning):
    trainer = testing.staff("tina", role=Role.TRAINER)
    webinar = learning["webinar"]
    services.register(webinar, name="Ann", email="ann@example.com")
    page = new_page()
    sign_in_with_session(page, trainer, live_server.url)
    page.goto("/console/")
    page.get_by_role("link", name="Customer education").click()
    page.wait_for_url("**/console/education/")
    expect(page.get_by_role("button", name=f"End now: {CAMPAIGN['title_en']}")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Your first deposit", exact=True).click()
    expect(page.get_by_role("button", name="Move step 2 up")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Move step 2 up").click()
    expect(page.get_by_text("The step is moved.")).to_be_visible()
    check_accessibility(page)
    steps = [s.article.slug for s in learning["series"].steps.order_by("position")]
    assert steps[:2] == ["how-to-deposit", "choose-network"]
    for path in (
        "/console/education/series/new/",
        "/console/education/campaigns/new/",
        "/console/education/webinars/new/",
        f"/console/education/webinars/{webinar.pk}/",
    ):
        page.goto(path)
        check_accessibility(page)
    expect(page.get_by_role("cell", name="ann@example.com")).to_be_visible()
    page.get_by_role("button", name="Cancel the webinar").click()
    expect(
        page.get_by_text("The webinar is cancelled; registrants are told by e-mail.")
    ).to_be_visible()
    check_accessibility(page)
    assert [m.subject for m in mail.outbox if m.to == ["ann@example.com"]][-1] == (
        "Cancelled: Live: your first deposit"
    )


# The chat widget needs WebSockets, which pytest-django's live server does not speak: a
# real exdesk runs for this one test, with a campaign on its own database.
SETUP = f"""
import datetime as dt
from django.utils import timezone
from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.education import services
from exdesk.helpcenter import services as helpcenter
from exdesk.helpcenter.models import Category, Section
category = Category.objects.create(slug="safety", name_en="Safety", name_zh_hans="安全")
section = Section.objects.create(category=category, slug="safety", name_en="Safety",
                                 name_zh_hans="安全")
article = helpcenter.create_article(None, section=section, language="en", slug="common-scams",
                                    title="Common scams", body="Scammers pretend to be support.")
helpcenter.approve(None, article)
now = timezone.now()
services.create_campaign(
    testing.staff("tom", role=Role.TRAINER),
    starts_at=now - dt.timedelta(hours=1),
    ends_at=now + dt.timedelta(days=1),
    article_slug_en="common-scams",
    **{CAMPAIGN!r},
)
"""


@pytest.fixture(scope="module")
def server():
    with running_exdesk(
        postgres_server_url=postgres_server_url(),
        web_workers=web_workers(),
        setup_code=SETUP,
        env={"EXDESK_ASSISTANT_BOT": "0", "EXDESK_ROUTING": "0"},
    ) as running:
        yield running


@pytest.fixture
def widget_page(browser, server):
    contexts = []

    def make(**options):
        context, page = open_page(browser, server.url, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def test_the_chat_widget_shows_the_campaign_in_its_language(widget_page, server):
    visitor = widget_page(viewport=PHONE)
    widget = ChatWidget(visitor).visit().open()
    widget.wait_connected()
    campaign = visitor.get_by_test_id("exdesk-campaign")
    expect(campaign).to_be_visible()
    expect(campaign).to_contain_text(CAMPAIGN["title_en"])
    expect(campaign).to_contain_text("Never share them, not even with us.")
    assert campaign.get_attribute("role") == "note"
    link = visitor.get_by_test_id("exdesk-campaign-link")
    expect(link).to_have_text("Common scams")
    assert link.get_attribute("href") == f"{server.url}/help/en/articles/common-scams/"
    check_accessibility(visitor)
    visitor.locator("#exdesk-lang").select_option("zh-Hans")
    expect(campaign).to_contain_text(CAMPAIGN["title_zh"])
    expect(campaign).to_contain_text("核对邮件里的防钓鱼码。")
    expect(link).to_have_count(0)  # no Chinese article was given
    check_accessibility(visitor)
    assert visitor.watch.clean(), visitor.watch.__dict__
