"""The help center in a real browser: search in both languages, read, vote, contact
support with the article as context; axe-core on every help-center and knowledge-base page."""

from urllib.parse import urlparse

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Conversation
from exdesk.helpcenter import services, starter
from exdesk.helpcenter.models import Article, ArticleFeedback, SearchQuery

from .conftest import check_accessibility, fits_phone_width, sign_in_with_session

pytestmark = pytest.mark.browser


@pytest.fixture
def kb(transactional_db):
    starter.load()
    testing.category("deposit")


def test_a_visitor_searches_in_both_languages_reads_votes_and_contacts_support(new_page, kb):
    page = new_page(locale="zh-CN")
    page.goto("/help/zh-hans/")
    page.locator("#kb-q").fill("提币一直在审核中")
    page.locator("form.kb-search button").click()
    page.wait_for_url("**/help/zh-hans/search/**")
    assert page.locator(".kb-results mark").count() > 0
    page.locator(".kb-results a[href*='withdrawal-pending']").first.click()
    page.wait_for_url("**/help/zh-hans/articles/withdrawal-pending/")
    assert (
        page.locator("h1").inner_text()
        == Article.objects.get(language="zh-hans", slug="withdrawal-pending").live_version.title
    )
    page.locator("form.kb-vote button[value=yes]").click()
    page.wait_for_url("**/withdrawal-pending/#feedback")
    assert ArticleFeedback.objects.get().helpful is True
    assert SearchQuery.objects.get().clicked_article.slug == "withdrawal-pending"

    page.goto("/help/en/")
    page.locator("#kb-q").fill("withdrawl stuck pending")  # misspelt, as typed
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/en/search/**")
    page.locator(".kb-results h2 a").first.click()
    page.wait_for_url("**/help/en/articles/**")
    page.locator("form.kb-vote button[value=no]").click()
    page.wait_for_url("**feedback=no**")
    page.locator("input[name=reason][value=not_my_question]").check()
    page.locator("#feedback-comment").fill("I need the fee for TRC20")
    page.locator("#feedback button[type=submit]").click()
    page.wait_for_url("**#feedback")
    vote = ArticleFeedback.objects.get(language="en")
    assert (vote.helpful, vote.reason) == (False, "not_my_question")

    article_url = page.url.split("#")[0]
    page.locator("a[href*='/support/new/?article=']").click()
    page.wait_for_url("**/support/new/?article=*")
    article_path = urlparse(article_url).path
    assert page.locator(f"main a[href='{article_path}']").count() == 1  # "about the article"
    page.locator("#id_subject").fill("Withdrawal stuck")
    page.locator("#id_description").fill("Pending for six hours, TxID not shown yet.")
    page.locator("#id_email").fill("trader@example.com")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/support/t/**")
    note = Conversation.objects.get().events.get(kind=EventKind.INTERNAL_NOTE)
    assert article_path in note.body
    assert page.watch.clean(), vars(page.watch)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_help_center_pages_are_accessible_and_fit_a_phone(new_page, kb, language):
    page = new_page(locale="zh-CN" if language == "zh-hans" else "en-US")
    paths = [
        f"/help/{language}/",
        f"/help/{language}/deposits-withdrawals/",
        f"/help/{language}/sections/deposits/",
        f"/help/{language}/articles/confirmations/",
        f"/help/{language}/articles/wrong-network/?feedback=no",
        f"/help/{language}/search/?q=usdt+充值+deposit",
        f"/help/{language}/search/?q=zzzqqq",
        f"/help/{language}/glossary/",
    ]
    for path in paths:
        page.goto(path)
        check_accessibility(page)
    phone = new_page(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    for path in paths:
        phone.goto(path)
        assert fits_phone_width(phone), path
    assert page.watch.clean(), vars(page.watch)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_knowledge_base_console_pages_are_accessible(new_page, live_server, kb, language):
    reviewer = testing.staff("rev", role=Role.SUPERVISOR)
    agent = testing.staff("agent")
    article = Article.objects.get(language="en", slug="memo-tag")
    services.save_version(agent, article, title="Memo and tag", description="", body="New **text**")
    services.submit_for_review(agent, article)
    page = new_page()
    sign_in_with_session(page, reviewer, live_server.url)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    for path in [
        "/console/kb/",
        "/console/kb/?only=stale",
        "/console/kb/?status=in_review",
        f"/console/kb/{article.pk}/",
        f"/console/kb/{article.pk}/edit/",
        f"/console/kb/{article.pk}/diff/",
        f"/console/kb/{article.pk}/translate/",
        "/console/kb/new/",
        "/console/kb/search/?q=memo",
        "/console/kb/figures/",
    ]:
        page.goto(path)
        check_accessibility(page)
    page.goto(f"/console/kb/{article.pk}/")
    page.locator("form[action$='/approve/'] button").click()
    page.wait_for_url(f"**/console/kb/{article.pk}/")
    article.refresh_from_db()
    assert article.live_version.body == "New **text**"
    assert page.watch.clean(), vars(page.watch)
