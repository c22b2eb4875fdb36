import re

import pytest

from exdesk.helpcenter import selectors, starter
from exdesk.helpcenter.choices import ArticleStatus, Visibility
from exdesk.helpcenter.models import Article, GlossaryTerm

BRANDS = re.compile(
    r"binance|okx|coinbase|kraken|bybit|huobi|kucoin|bitget|gate\.io|metamask|trust wallet|"
    r"google authenticator|谷歌验证|(?<![提充转])币安|欧易|火币",
    re.IGNORECASE,
)
OUTLINE_KEYS = {f.key for f in starter.article_files()}


def test_every_starter_file_is_well_formed_in_both_languages():
    files = starter.article_files()
    by_language = {}
    for item in files:
        by_language.setdefault(item.language, set()).add(item.key)
        assert item.title and item.description and item.body.strip(), item.key
        assert item.section in {s[0] for c in starter.STRUCTURE for s in c[4]}, item.key
        assert set(item.related) <= OUTLINE_KEYS, item.key
        assert not item.body.lstrip().startswith("# "), item.key
        assert not BRANDS.search(item.body + item.title), item.key
        for key in re.findall(r"\]\(article:([^)]+)\)", item.body):
            assert key in OUTLINE_KEYS, (item.key, key)
    assert by_language["en"] == by_language["zh-hans"]
    public = [f for f in files if f.visibility == "public"]
    assert len([f for f in public if f.language == "en"]) >= 40
    assert len([f for f in public if f.language == "zh-hans"]) >= 40


def test_the_glossary_has_at_least_sixty_terms_in_both_languages():
    entries = starter.glossary_entries()
    assert len(entries) >= 60
    assert len({e["key"] for e in entries}) == len(entries)
    for entry in entries:
        assert entry["en"] and entry["zh"] and entry["en_definition"] and entry["zh_definition"]
        assert not entry.get("article") or entry["article"] in OUTLINE_KEYS


def test_loading_publishes_everything_links_translations_and_is_idempotent(starter_kb):
    assert starter_kb["articles"] == len(starter.article_files())
    assert Article.objects.exclude(status=ArticleStatus.PUBLISHED).count() == 0
    zh = Article.objects.get(language="zh-hans", slug="wrong-network")
    assert zh.source.slug == "wrong-network" and zh.source.language == "en"
    assert not selectors.is_outdated(zh)
    assert set(zh.related.values_list("language", flat=True)) == {"zh-hans"}
    assert (
        Article.objects.get(language="en", slug="proc-stolen-account").visibility
        == Visibility.INTERNAL
    )
    assert GlossaryTerm.objects.count() >= 60
    assert starter.load() == {"sections": 0, "articles": 0, "terms": 0, "synonyms": 0}


@pytest.mark.django_db
def test_every_starter_article_renders_without_stray_markdown(starter_kb):
    for article in Article.objects.select_related("live_version"):
        html = str(selectors.rendered_body(article, include_internal=True).html)
        # Emphasis that failed to parse (e.g. "**注意：**后" in strict CommonMark) shows as "**".
        assert "**" not in html, article.slug
        assert "article:" not in html, article.slug
