import pytest
from django.test import Client

from exdesk import testing
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Conversation
from exdesk.helpcenter.models import ArticleFeedback, SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(starter_kb):
    return Client()


def test_home_category_section_and_article_pages_work_in_both_languages(client):
    for lang, words in (("en", "Deposits"), ("zh-hans", "充值")):
        home = client.get(f"/help/{lang}/")
        assert home.status_code == 200 and words in home.content.decode()
        assert home["Content-Language"] == lang
        assert client.get(f"/help/{lang}/deposits-withdrawals/").status_code == 200
        assert client.get(f"/help/{lang}/sections/deposits/").status_code == 200
        page = client.get(f"/help/{lang}/articles/deposit-not-credited/")
        assert page.status_code == 200
        html = page.content.decode()
        assert '<nav aria-label="' in html and "kb-toc" in html  # breadcrumb and contents
        assert 'name="description"' in html and "glossary-term" in html
    assert client.get("/help/fr/").status_code == 404
    assert client.get("/help/").status_code == 302


def test_the_language_in_the_address_wins_and_links_to_the_translation(client):
    page = client.get("/help/zh-hans/articles/wrong-network/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'hreflang="en" href="/help/en/articles/wrong-network/"' in html


def test_staff_only_articles_and_unknown_ones_are_not_public(client):
    assert client.get("/help/en/articles/proc-stolen-account/").status_code == 404
    assert client.get("/help/en/articles/no-such-thing/").status_code == 404
    assert client.get("/help/en/procedures/").status_code == 404


def test_search_shows_highlighted_results_and_records_the_search_and_click(client):
    page = client.get("/help/zh-hans/search/", {"q": "提币一直审核中"})
    assert page.status_code == 200 and "<mark>" in page.content.decode()
    logged = SearchQuery.objects.get()
    assert (logged.query, logged.language, logged.source) == (
        "提币一直审核中",
        "zh-hans",
        "help_center",
    )
    assert logged.results > 0
    opened = client.get(f"/help/zh-hans/articles/withdrawal-pending/?sq={logged.pk}")
    assert opened.status_code == 302
    logged.refresh_from_db()
    assert logged.clicked_article.slug == "withdrawal-pending"


def test_a_search_that_finds_nothing_says_so_and_is_counted(client):
    page = client.get("/help/en/search/", {"q": "qqqzzz xxyyzz"})
    assert "Nothing matched" in page.content.decode()
    assert SearchQuery.objects.get().results == 0


def test_was_this_helpful_works_without_javascript(client):
    url = "/help/en/articles/memo-tag/feedback/"
    assert client.post(url, {"helpful": "yes"}).status_code == 302
    step = client.post(url, {"helpful": "no"})
    assert step["Location"].endswith("?feedback=no#feedback")
    assert "What went wrong?" in client.get(step["Location"].split("#")[0]).content.decode()
    client.post(url, {"helpful": "no", "reason": "outdated", "comment": "fee changed"})
    vote = ArticleFeedback.objects.get()  # the same reader: one answer, replaced
    assert (vote.helpful, vote.reason, vote.comment, vote.language) == (
        False,
        "outdated",
        "fee changed",
        "en",
    )
    assert client.post(url, {"helpful": "maybe"}).status_code == 302
    assert ArticleFeedback.objects.count() == 1
    assert client.get(url).status_code == 405


def test_contacting_support_from_an_article_keeps_it_as_context(client):
    testing.category("deposit")
    page = client.get("/help/en/articles/deposit-not-credited/")
    contact = next(
        line.split('href="')[1].split('"')[0]
        for line in page.content.decode().splitlines()
        if "/support/new/?article=" in line
    )
    form = client.get(contact)
    assert "About the article:" in form.content.decode()
    article_id = contact.split("article=")[1]
    response = client.post(
        "/support/new/",
        {
            "category": testing.category("deposit").pk,
            "subject": "Still missing",
            "description": "My deposit is not there.",
            "email": "trader@example.com",
            "language": "en",
            "article": article_id,
        },
    )
    assert response.status_code == 302
    note = Conversation.objects.get().events.get(kind=EventKind.INTERNAL_NOTE)
    assert "/help/en/articles/deposit-not-credited/" in note.body


def test_the_sitemap_lists_public_articles_in_both_languages_and_robots_points_at_it(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert (
        "/help/en/articles/memo-tag/" in sitemap and "/help/zh-hans/articles/memo-tag/" in sitemap
    )
    assert "proc-stolen-account" not in sitemap
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_the_glossary_lists_terms_in_the_pages_language(client):
    en = client.get("/help/en/glossary/").content.decode()
    zh = client.get("/help/zh-hans/glossary/").content.decode()
    assert 'id="seed-phrase"' in en and "助记词" in zh
