from html.parser import HTMLParser

import pytest

from exdesk.helpcenter import analysis, rendering
from exdesk.helpcenter.rendering import GlossaryEntry, GlossaryLinker
from tests.e2e.xss_payloads import PAYLOADS


class ActiveMarkup(HTMLParser):
    """Elements and attributes a browser would act on (escaped text is not markup)."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in rendering.ALLOWED_TAGS:
            self.found.append(tag)
        for name, value in attrs:
            allowed = rendering.ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}  # rel: set by nh3
            if name.startswith("on") or name not in allowed:
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript", "data", "vbscript")
            ):
                self.found.append(f"{tag}[{name}={value}]")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_stored_xss_payload_renders_inert_in_an_article_body(payload):
    html = rendering.render(f"Intro\n\n{payload}\n\n## {payload}\n\n- {payload}\n").html
    assert ActiveMarkup(html).found == [], html


def test_attribute_lists_and_remote_images_do_not_survive():
    html = rendering.render(
        "![remote](https://tracker.example/p.png) ![local](/static/x.png)\n\n"
        '[x](https://ok.example/){: onmouseover="alert(1)" }'
    ).html
    assert "tracker.example" not in html
    assert 'src="/static/x.png"' in html
    assert ActiveMarkup(html).found == []


def test_headings_get_anchors_and_the_table_of_contents_lists_them():
    rendered = rendering.render(
        "# Top\n\n## First step\n\n### Detail\n\n## 第二步\n\n## First step\n"
    )
    assert [(h.level, h.anchor) for h in rendered.toc] == [
        (2, "top"),
        (2, "first-step"),
        (3, "detail"),
        (2, "第二步"),
        (2, "first-step-2"),
    ]
    assert "<h1" not in rendered.html  # the page title is the only h1
    assert '<h2 id="first-step-2">' in rendered.html


def test_article_links_resolve_in_the_same_language_and_unknown_ones_lose_only_the_link():
    html = rendering.render(
        "See [networks](article:choose-network) and [gone](article:missing).",
        resolve_article=lambda key: (
            "/help/en/articles/choose-network/" if key == "choose-network" else None
        ),
    ).html
    assert (
        '<a href="/help/en/articles/choose-network/" rel="noopener noreferrer">networks</a>' in html
    )
    assert "gone" in html and "article:missing" not in html


def _linker():
    entries = [
        GlossaryEntry(
            "seed-phrase", ("seed phrase", "recovery phrase"), "Words that restore a wallet."
        ),
        GlossaryEntry("seed-phrase-zh", ("助记词",), "恢复钱包的单词。"),
        GlossaryEntry("tag", ("tag",), "A memo."),
    ]
    return GlossaryLinker(entries, lambda key: f"/help/en/glossary/#{key}")


def test_glossary_terms_are_linked_once_not_in_headings_links_or_inside_words():
    html = rendering.render(
        "## Seed phrase\n\nYour Seed Phrase is yours. Never share a seed phrase. "
        "[seed phrase guide](https://x.example/) 助记词很重要。Tagged coins need a tag.",
        glossary=_linker(),
    ).html
    assert html.count('class="glossary-term"') == 3
    assert (
        '<a href="/help/en/glossary/#seed-phrase" class="glossary-term" '
        'title="Words that restore a wallet." rel="noopener noreferrer">Seed Phrase</a>' in html
    )
    assert "<h2" in html and "glossary-term" not in html.split("</h2>")[0]
    assert ">助记词</a>" in html
    assert "Tagged" in html and ">tag</a>" in html


def test_plain_text_drops_markup_for_the_index():
    text = rendering.plain_text(
        "## Title\n\n**Bold** and [link](article:x) `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert text.splitlines() == ["Title", "Bold and link code", "a", "b", "1", "2"]


def test_chinese_is_segmented_with_the_trades_words_kept_whole():
    terms = analysis.terms("我的充币一直没到账，资金费率和强平价格怎么算？")
    for word in ("充币", "到账", "资金费率", "强平"):
        assert word in terms
    assert "的" not in terms and "怎么" not in terms


def test_latin_words_are_stemmed_and_normalised_and_stop_words_dropped():
    assert analysis.terms("My Withdrawals are PENDING ２ＦＡ TRC20") == [
        "withdraw",
        "pend",
        "2fa",
        "trc20",
    ]
    assert analysis.terms("how do i", keep_stop_words=True) == ["how", "do", "i"]


def test_only_long_guides_get_a_table_of_contents():
    assert rendering.render("## One\n\n## Two\n\n### Detail\n").contents == []
    long_guide = rendering.render("## One\n\n## Two\n\n## Three\n")
    assert [h.anchor for h in long_guide.contents] == ["one", "two", "three"]
