"""Article Markdown → safe HTML, a table of contents, links to other articles and to the
glossary.

Markdown is parsed with raw HTML off, links and terms are rewritten on the token stream,
and the resulting HTML is sanitised again with an allow-list (nh3): whatever a parser
extension lets through (``javascript:`` links, event attributes), the sanitiser removes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "img", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "img": {"src", "alt"},
    "ol": {"start"},
}
TOC_MIN_HEADINGS = 3


@dataclass
class Heading:
    level: int
    anchor: str
    text: str


@dataclass
class Rendered:
    html: SafeString
    toc: list[Heading] = field(default_factory=list)

    @property
    def contents(self) -> list[Heading]:
        """The table of contents to show: only long guides (enough ``##`` sections) get one."""
        if sum(h.level == 2 for h in self.toc) < TOC_MIN_HEADINGS:
            return []
        return self.toc


@dataclass(frozen=True)
class GlossaryEntry:
    key: str
    names: tuple[str, ...]
    definition: str


class GlossaryLinker:
    """Finds glossary terms (and aliases) in text: whole words for Latin names, anywhere
    for Chinese ones, longest name first."""

    def __init__(self, entries: Iterable[GlossaryEntry], url: Callable[[str], str]):
        self.url = url
        self.by_name: dict[str, GlossaryEntry] = {}
        for entry in entries:
            for name in entry.names:
                if name.strip():
                    self.by_name.setdefault(name.strip().lower(), entry)
        names = sorted(self.by_name, key=len, reverse=True)
        alternatives = "|".join(
            rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])" if n.isascii() else re.escape(n)
            for n in names
        )
        self.pattern = re.compile(alternatives, re.IGNORECASE) if names else None


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


_md = _markdown()


def render(
    markdown: str,
    *,
    resolve_article: Callable[[str], str | None] = lambda key: None,
    glossary: GlossaryLinker | None = None,
) -> Rendered:
    tokens = _md.parse(markdown)
    toc = _number_headings(tokens)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _rewrite_links(token.children, resolve_article)
    if glossary is not None and glossary.pattern is not None:
        _link_terms(tokens, glossary)
    html = _md.renderer.render(tokens, _md.options, {})
    return Rendered(mark_safe(sanitise(html)), toc)  # noqa: S308 - sanitised just now


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_only_local_images,
        link_rel="noopener noreferrer",
    )


def _only_local_images(element: str, attribute: str, value: str) -> str | None:
    # Images from other hosts would track readers and break the no-third-party rule.
    if (
        element == "img"
        and attribute == "src"
        and not (value.startswith("/") and not value.startswith("//"))
    ):
        return None
    return value


def _number_headings(tokens: list[Token]) -> list[Heading]:
    """Give h2–h4 stable ids; the title is the page's only h1, so body h1s become h2."""
    toc: list[Heading] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        if token.tag == "h1":
            token.tag = "h2"
        if token.type == "heading_close":
            continue
        text = tokens[index + 1].content.strip()
        base = slugify(text, allow_unicode=True) or f"section-{len(toc) + 1}"
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if level in (2, 3):
            toc.append(Heading(level, anchor, text))
    return toc


def _rewrite_links(children: list[Token], resolve: Callable[[str], str | None]) -> list[Token]:
    """``article:<key>`` links point at that article in the reader's language; one that is
    not published loses its link but keeps its text."""
    out: list[Token] = []
    dropping = 0
    for token in children:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href.startswith("article:"):
                url = resolve(href.removeprefix("article:").strip())
                if url is None:
                    dropping += 1
                    continue
                token.attrSet("href", url)
        elif token.type == "link_close" and dropping:
            dropping -= 1
            continue
        out.append(token)
    return out


def _link_terms(tokens: list[Token], glossary: GlossaryLinker) -> None:
    """Link the first mention of each term, outside headings and existing links."""
    linked: set[str] = set()
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and token.children and not in_heading:
            token.children = _link_terms_inline(token.children, glossary, linked)


def _link_terms_inline(children, glossary: GlossaryLinker, linked: set[str]) -> list[Token]:
    out: list[Token] = []
    in_link = 0
    for token in children:
        if token.type == "link_open":
            in_link += 1
        elif token.type == "link_close":
            in_link -= 1
        if token.type != "text" or in_link or glossary.pattern is None:
            out.append(token)
            continue
        text, last = token.content, 0
        for match in glossary.pattern.finditer(text):
            entry = glossary.by_name[match.group(0).lower()]
            if entry.key in linked:
                continue
            linked.add(entry.key)
            out.append(_text(text[last : match.start()]))
            link = Token("link_open", "a", 1)
            link.attrs = {
                "href": glossary.url(entry.key),
                "class": "glossary-term",
                "title": entry.definition[:200],
            }
            out += [link, _text(match.group(0)), Token("link_close", "a", -1)]
            last = match.end()
        out.append(_text(text[last:]))
    return out


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


@lru_cache(maxsize=4096)
def plain_text(markdown: str) -> str:
    """The words of an article, without markup: for the index and for snippets."""
    lines = []
    for token in _md.parse(markdown):
        if token.type == "inline":
            words = "".join(
                child.content
                for child in token.children or []
                if child.type in ("text", "code_inline")
            )
            lines.append(words)
        elif token.type in ("fence", "code_block"):
            lines.append(token.content)
    return "\n".join(line.strip() for line in lines if line.strip())
