"""The knowledge-base search service, for the help center, the console and the assistant.

Published articles are indexed as terms (``analysis``) in three weighted fields: title,
summary, body. SQLite ranks with FTS5's BM25; PostgreSQL with ``ts_rank`` over a
``tsvector`` built here, lexeme by lexeme, so its parser (whose idea of a letter depends
on the database locale) never sees Chinese. Queries are expanded with synonyms and
misspelt Latin words are corrected against the index's own vocabulary. Both backends sit
behind ``index_article``, ``unindex_article`` and ``search``; see
docs/decisions/0004-help-center-search.md.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Max
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analysis
from .choices import Visibility
from .models import Article, SearchTerm, SynonymGroup

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 24
# A query is a list of alternatives: a term, or a phrase of terms that stand together.
Alternative = str | tuple[str, ...]
TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 8.0, 4.0, 1.0


@dataclass
class Hit:
    article: Article
    score: float
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))


@dataclass
class Results:
    query: str
    language: str
    terms: list[str]
    corrected: dict[str, str]
    hits: list[Hit]


# ---------------------------------------------------------------- indexing


def _document(article: Article) -> tuple[str, str, str] | None:
    version = article.live_version
    if version is None or not article.is_live:
        return None
    from .rendering import plain_text

    return (
        analysis.index_text(version.title),
        analysis.index_text(version.description),
        analysis.index_text(plain_text(version.body)),
    )


def index_article(article: Article) -> None:
    """Put the article's live version in the index, or take it out if nothing is live."""
    document = _document(article)
    if document is None:
        unindex_article(article.pk)
        return
    _backend().put(article, *document)
    version = article.live_version
    if version is not None:
        _remember_vocabulary(f"{version.title} {version.description} {version.body}")


def unindex_article(article_id: int) -> None:
    _backend().delete(article_id)


def drop_orphans(using: str = "default", **_signal) -> None:
    """Take out index rows whose article is gone (after a flush, or rows deleted outside
    the services)."""
    from django.db import connections

    table = "helpcenter_search"
    connection = connections[using]
    if table not in connection.introspection.table_names():
        return  # the app's migrations are not applied (yet)
    key = "article_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {key} NOT IN (SELECT id FROM helpcenter_article)"  # noqa: S608
        )


def _remember_vocabulary(text: str) -> None:
    """Latin words as written (not stemmed): what a misspelt query word is corrected to."""
    words = {
        w
        for w in _LATIN_WORD.findall(analysis.normalise(text))
        if w.isalpha() and 3 <= len(w) <= 64
    }
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=w) for w in sorted(words)], ignore_conflicts=True
        )


# ---------------------------------------------------------------- querying


def search(
    query: str, language: str, *, include_internal: bool = False, limit: int = 10
) -> Results:
    """Published articles in ``language`` that match ``query``, best first. Internal
    articles only for staff (``include_internal``)."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    language = "zh-hans" if language.lower().startswith("zh") else "en"
    corrected = _corrections(_LATIN_WORD.findall(analysis.normalise(query)))
    if corrected:
        query_text = _LATIN_WORD.sub(
            lambda m: corrected.get(m.group(0), m.group(0)), analysis.normalise(query)
        )
    else:
        query_text = query
    words = analysis.terms(query_text) or analysis.terms(query_text, keep_stop_words=True)
    expanded = _with_synonyms(words)
    if language == "en":  # English articles hold no Chinese: 充值 cannot match there
        expanded = [a for a in expanded if not analysis.CJK.search(" ".join(_flat([a])))]
    expanded = expanded[:MAX_QUERY_TERMS]
    wanted = _flat(expanded)
    if not expanded:
        return Results(query, language, [], corrected, [])
    ranked = _backend().query(expanded, language, include_internal, max(limit, RERANK_DEPTH))
    articles = Article.objects.select_related("live_version", "section").in_bulk(
        [article_id for article_id, _ in ranked]
    )
    hits = [Hit(articles[pk], score) for pk, score in ranked if pk in articles]
    hits = _rerank(query, hits)[:limit]
    for hit in hits:
        version = hit.article.live_version
        hit.snippet = snippet(version.body if version else "", wanted)
    return Results(query, language, sorted(wanted), corrected, hits)


# The index's Latin vocabulary, kept per process and topped up with rows added since.
class _Vocabulary:
    """The index's Latin words, kept per process and topped up with the rows added since
    it last looked; reloaded whole when the table shrank or ids were reused."""

    def __init__(self):
        self.words: set[str] = set()
        self.last_id = 0
        self.lock = threading.Lock()

    def current(self) -> set[str]:
        with self.lock:
            stamp = SearchTerm.objects.aggregate(total=Count("id"), last=Max("id"))
            if stamp["total"] == len(self.words) and (stamp["last"] or 0) == self.last_id:
                return self.words  # nothing new: one query per search
            new = list(
                SearchTerm.objects.filter(id__gt=self.last_id)
                .order_by("id")
                .values_list("id", "term")
            )
            if len(self.words) + len(new) != stamp["total"]:
                self.words, new = (
                    set(),
                    list(SearchTerm.objects.order_by("id").values_list("id", "term")),
                )
            self.words.update(term for _, term in new)
            if new:
                self.last_id = new[-1][0]
            return self.words


_vocabulary = _Vocabulary()


def _known_words() -> set[str]:
    return _vocabulary.current()


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits(word: str) -> list[str]:
    """Words one edit away, likeliest kinds first: transposed, missing, wrong, extra letter."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    deletes = [a + b[1:] for a, b in splits if b]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return transposes + deletes + replaces + inserts


def _corrections(words: list[str]) -> dict[str, str]:
    """Misspelt Latin words (not in the index) → the nearest indexed word, one edit away
    (two for long words)."""
    unknown = [
        w for w in words if w.isalpha() and len(w) >= 4 and w not in analysis.ENGLISH_STOP_WORDS
    ]
    if not unknown:
        return {}
    known = _known_words()
    fixes = {}
    for word in unknown:
        if word in known:
            continue
        near = next((e for e in _edits(word) if e in known), None)
        if near is None and len(word) >= 8:
            near = next((e2 for e1 in _edits(word) for e2 in _edits(e1) if e2 in known), None)
        if near:
            fixes[word] = near
    return fixes


def synonym_table() -> dict[str, set[Alternative]]:
    """Each single-term word → its synonyms, each a term or a phrase (a tuple of terms
    that must stand together). Rebuilt only when the groups change."""
    groups = SynonymGroup.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return _synonym_table(groups["n"], groups["last"])


def _word_groups() -> list[list[str]]:
    """The configured synonym groups. (Glossary aliases were tried as synonyms too and
    made ranking worse on the development queries: some aliases are broad.)"""
    return [group.word_list for group in SynonymGroup.objects.all()]


@lru_cache(maxsize=4)
def _synonym_table(*stamp) -> dict[str, set[Alternative]]:
    table: dict[str, set[Alternative]] = {}
    for words in _word_groups():
        # Whole words: 身份验证器 stays one term, "seed phrase" becomes a phrase.
        forms = [analysis.whole_terms(w) for w in words]
        alternatives = {f[0] if len(f) == 1 else tuple(f) for f in forms if f}
        for form in forms:
            if len(form) == 1:
                table.setdefault(form[0], set()).update(alternatives - {form[0]})
    return table


def _with_synonyms(words: list[str]) -> list[Alternative]:
    table = synonym_table()
    out: list[Alternative] = []
    for word in words:
        for alternative in [word, *sorted(table.get(word, ()), key=str)]:
            if alternative not in out:
                out.append(alternative)
    return out


def _flat(alternatives: list[Alternative]) -> set[str]:
    return {t for a in alternatives for t in ((a,) if isinstance(a, str) else a)}


# The index's 30 best are re-ordered by score (scaled to the best) + 1.0 × the share of
# the query the title and summary say. Chosen on benchmarks/data/helpcenter_queries_dev
# .jsonl: MRR@10 0.81 without, 0.87 at 1.0 (flat from 1.0 to 2.0).
RERANK_DEPTH = 30
# Large indexes select by rare body words only (SQLiteBackend.query); measured in
# benchmarks/helpcenter_search.py (docs/decisions/0004-help-center-search.md).
SELECT_BY_RARE_WORDS_FROM = 2000
RARE_SHARE = 0.01
# …and a word in more than half of them selects by title and summary no longer either
# (development queries at 100,000 articles: p95 51 → 41 ms, MRR@10 0.427 → 0.411).
TITLE_SHARE = 0.5
TITLE_SIMILARITY_WEIGHT = 1.0


@lru_cache(maxsize=20_000)
def _shingles(text: str) -> frozenset[str]:
    """Latin terms and Chinese character pairs: a segmentation-free view of a short text."""
    out: set[str] = set()
    for term in analysis.terms(text):
        if analysis.CJK.match(term):
            out.update(term[i : i + 2] for i in range(max(len(term) - 1, 1)))
        else:
            out.add(term)
    return frozenset(out)


def _rerank(query: str, hits: list[Hit]) -> list[Hit]:
    """Blend the index's score with how much of the query the title (and summary) says:
    readers often type something close to the question an article's title answers."""
    if not hits:
        return hits
    wanted = _shingles(query)
    top = max(h.score for h in hits) or 1.0
    for hit in hits:
        version = hit.article.live_version
        said = _shingles(f"{version.title} {version.description}") if version else frozenset()
        similarity = len(wanted & said) / len(wanted) if wanted else 0.0
        hit.score = hit.score / top + TITLE_SIMILARITY_WEIGHT * similarity
    return sorted(hits, key=lambda h: -h.score)


# ---------------------------------------------------------------- snippets

_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?")
_MARKUP = re.compile(
    r"!?\[([^\]]*)\]\([^)]*\)|[#*_`|]+|^\s*>+|^\s*[-+]\s+|^\s*\d+\.\s+", re.MULTILINE
)
SNIPPET_SENTENCES = 80


def snippet(markdown: str, wanted: set[str], width: int = 180) -> SafeString:
    """The sentence that matches the most query terms, with the matches marked. Cheap on
    purpose (no Markdown parse, no segmenter): it runs for every result shown."""
    cjk = [t for t in wanted if analysis.CJK.search(t)]
    best, best_score = "", -1
    for number, match in enumerate(_SENTENCE.finditer(_quick_plain(markdown))):
        if number >= SNIPPET_SENTENCES:
            break
        sentence = match.group(0).strip()
        if not sentence:
            continue
        words = {analysis.latin_term(w) for w in _LATIN_WORD.findall(sentence.lower())}
        score = len(wanted & words) + sum(1 for t in cjk if t in sentence)
        if score > best_score:
            best, best_score = sentence, score
    best = best[:width] + ("…" if len(best) > width else "")
    return _mark(best, wanted)


@lru_cache(maxsize=2048)
def _quick_plain(markdown: str) -> str:
    return _MARKUP.sub(lambda m: m.group(1) or " ", markdown)


_LATIN_WORD = re.compile(r"[a-z0-9]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")


def _mark(text: str, wanted: set[str]) -> SafeString:
    cjk_terms = sorted((t for t in wanted if analysis.CJK.search(t)), key=len, reverse=True)
    cjk = re.compile("|".join(re.escape(t) for t in cjk_terms)) if cjk_terms else None
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        token = match.group(0)
        parts.append(escape(text[last : match.start()]))
        last = match.end()
        if analysis.CJK.match(token):
            parts.append(_mark_cjk(token, cjk))
        elif analysis.latin_term(token.lower()) in wanted:
            parts.append(f"<mark>{escape(token)}</mark>")
        else:
            parts.append(escape(token))
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _mark_cjk(token: str, pattern) -> str:
    if pattern is None:
        return escape(token)
    return "".join(
        f"<mark>{escape(piece)}</mark>" if i % 2 else escape(piece)
        for i, piece in enumerate(_split_keep(pattern, token))
    )


def _split_keep(pattern, text: str) -> list[str]:
    """Text split around matches: even items plain, odd items matched."""
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [text[last : match.start()], match.group(0)]
        last = match.end()
    pieces.append(text[last:])
    return pieces


# ---------------------------------------------------------------- backends


def _scope_tokens(language: str, visibility: str) -> str:
    return f"zzlang{language.replace('-', '')} zz{visibility}"


class SQLiteBackend:
    """FTS5, ranked by BM25 with the field weights set on the table (migration 0001)."""

    def put(self, article: Article, title: str, summary: str, body: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM helpcenter_search WHERE rowid = %s", [article.pk])
            cursor.execute(
                "INSERT INTO helpcenter_search(rowid, scope, title, summary, body) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    article.pk,
                    _scope_tokens(article.language, article.visibility),
                    title,
                    summary,
                    body,
                ],
            )

    def delete(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM helpcenter_search WHERE rowid = %s", [article_id])

    def query(self, terms, language, include_internal, limit):
        """BM25 over every match. In a large index (``SELECT_BY_RARE_WORDS_FROM`` articles
        in the language), a word found in more than ``RARE_SHARE`` of them still counts
        in titles and summaries but no longer selects by the body alone, and one found in
        more than ``TITLE_SHARE`` of them selects by nothing: scoring the tens of
        thousands of articles that mention "deposit" is what costs time, and they rank
        low anyway."""
        scope_term = f"zzlang{language.replace('-', '')}"
        body_terms = terms
        counts = self._document_counts([*terms, scope_term])
        articles = counts.pop(scope_term, 0)
        title_terms = terms
        if articles >= SELECT_BY_RARE_WORDS_FROM:
            body_terms = [t for t in terms if 0 < counts.get(t, 0) <= RARE_SHARE * articles]
            common = TITLE_SHARE * articles
            title_terms = [t for t in terms if counts.get(t, 0) <= common] or terms
        scope = scope_term if include_internal else f"{scope_term} AND zz{Visibility.PUBLIC}"
        match = f"scope : ({scope}) AND ({{title summary}} : ({_fts_any(title_terms)})"
        if body_terms:
            match += f" OR body : ({_fts_any(body_terms)})"
        match += ")"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, rank FROM helpcenter_search WHERE helpcenter_search MATCH %s "
                "ORDER BY rank LIMIT %s",
                [match, limit],
            )
            return [(row[0], -row[1]) for row in cursor.fetchall()]

    def _document_counts(self, terms) -> dict:
        """How many articles hold each term (a phrase: its rarest word, an upper bound)."""
        words = sorted({w for t in terms for w in ((t,) if isinstance(t, str) else t)})
        with connection.cursor() as cursor:
            placeholders = ", ".join(["%s"] * len(words))
            cursor.execute(
                f"SELECT term, doc FROM helpcenter_search_vocab WHERE term IN ({placeholders})",  # noqa: S608
                words,
            )
            found = dict(cursor.fetchall())
        return {
            t: found.get(t, 0) if isinstance(t, str) else min(found.get(w, 0) for w in t)
            for t in terms
        }


def _fts_any(terms) -> str:
    return " OR ".join(
        '"' + (t if isinstance(t, str) else " ".join(t)).replace('"', '""') + '"' for t in terms
    )


def _tsquote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgreSQLBackend:
    """A ``tsvector`` written lexeme by lexeme (weights A/B/D), GIN-indexed, ranked by
    ``ts_rank`` with the same field weights as SQLite's BM25."""

    MAX_POSITIONS = 64

    def _vector(self, *fields: tuple[str, str]) -> str:
        positions: dict[str, list[str]] = {}
        position = 0
        for text, weight in fields:
            for term in text.split():
                position = min(position + 1, 16383)
                spots = positions.setdefault(term, [])
                if len(spots) < self.MAX_POSITIONS:
                    spots.append(f"{position}{weight}")
        return " ".join(f"{_tsquote(t)}:{','.join(p)}" for t, p in positions.items())

    def put(self, article: Article, title: str, summary: str, body: str) -> None:
        vector = self._vector((title, "A"), (summary, "B"), (body, "D"))
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO helpcenter_search (article_id, language, visibility, document) "
                "VALUES (%s, %s, %s, %s::tsvector) ON CONFLICT (article_id) DO UPDATE SET "
                "language = EXCLUDED.language, visibility = EXCLUDED.visibility, "
                "document = EXCLUDED.document",
                [article.pk, article.language, article.visibility, vector],
            )

    def delete(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM helpcenter_search WHERE article_id = %s", [article_id])

    def query(self, terms, language, include_internal, limit):
        tsquery = " | ".join(
            _tsquote(t) if isinstance(t, str) else "(" + " <-> ".join(map(_tsquote, t)) + ")"
            for t in terms
        )
        # D, C, B, A as ts_rank wants them; C is unused.
        weights = f"{{{BODY_WEIGHT / TITLE_WEIGHT},0,{SUMMARY_WEIGHT / TITLE_WEIGHT},1.0}}"
        visibility = "" if include_internal else "AND visibility = 'public'"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id, ts_rank(%s::float4[], document, q, 1) AS score "  # noqa: S608
                f"FROM helpcenter_search, CAST(%s AS tsquery) q "
                f"WHERE language = %s {visibility} AND document @@ q "
                f"ORDER BY score DESC, article_id LIMIT %s",
                [weights, tsquery, language, limit],
            )
            return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _backend():
    return PostgreSQLBackend() if connection.vendor == "postgresql" else SQLiteBackend()
