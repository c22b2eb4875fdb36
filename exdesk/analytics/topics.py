"""Top and rising questions, and knowledge gaps (docs/analytics.md, "Questions").

Plain functions of the database and ``now``, so that tests can travel in time:

- top_intents: what customers ask most, with a few of their first messages;
- unsure_clusters: first messages the intent classifier was unsure about, grouped by
  meaning, each with its most typical messages and a suggested name (cached, it costs
  more than a page view);
- rising_topics: this hour's conversations per intent against the same hour of the same
  weekday in previous weeks, unusual ones flagged;
- knowledge_gaps: frequent questions with no article, whose article readers rate
  unhelpful, or whose search finds nothing; draft_for_gap turns one into a draft article
  in the help center's review workflow.

Training drills are never counted. Compliance cases are counted but their text is never
shown, clustered or copied into a draft.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exdesk.accounts.choices import Language
from exdesk.assistant.guard import mask
from exdesk.assistant.models import Handling, Intent
from exdesk.assistant.services import BOT_MIN_CONFIDENCE, CONVERSATIONAL
from exdesk.conversations.choices import EventKind
from exdesk.conversations.models import Conversation, Event
from exdesk.helpcenter import selectors as helpcenter_selectors
from exdesk.helpcenter import services as helpcenter
from exdesk.helpcenter.choices import ArticleStatus, Visibility
from exdesk.helpcenter.models import Article, ArticleFeedback, SearchQuery, Section

LANGUAGES = (Language.EN.value, Language.ZH_HANS.value)
PERIODS = (1, 7, 30)  # days the top-intents table may cover
EXAMPLES_SHOWN = 3

# Rising topics: an hour is compared with the same hour of the same weekday in up to
# BASELINE_WEEKS previous weeks (at least MIN_BASELINE_WEEKS of them after the first
# conversation). It is unusual when it has at least RISING_MIN_COUNT conversations and
# lies RISING_Z or more spreads above the usual mean, the spread being the standard
# deviation but never less than the Poisson noise sqrt(mean), nor less than one.
BASELINE_WEEKS = 6
MIN_BASELINE_WEEKS = 2
RISING_MIN_COUNT = 5
RISING_Z = 3.0

# Clusters of unsure first messages, per language.
CLUSTER_DAYS = 30
CLUSTER_MAX_MESSAGES = 2000
REFERENCE_MAX_MESSAGES = 5000  # the corpus a cluster's characteristic words stand out from
CLUSTER_DISTANCE = 0.7  # cosine distance (average linkage) under which groups merge
CLUSTER_MIN_SIZE = 3
CLUSTER_NAME_WORDS = 2
CLUSTER_CACHE_SECONDS = 600

# Knowledge gaps, over GAP_DAYS.
GAP_DAYS = 30
GAP_MIN_CONVERSATIONS = 10  # per intent and language
UNHELPFUL_MIN_VOTES = 5
UNHELPFUL_SHARE = 0.5
NO_RESULT_MIN_SEARCHES = 3
DRAFT_EXAMPLES = 10

UNRECOGNISED = ""  # the intent of conversations the classifier could not place


def rules() -> dict[str, float]:
    """The thresholds, for the page to state them."""
    return {
        "baseline_weeks": BASELINE_WEEKS,
        "min_baseline_weeks": MIN_BASELINE_WEEKS,
        "rising_min_count": RISING_MIN_COUNT,
        "rising_z": RISING_Z,
        "cluster_days": CLUSTER_DAYS,
        "cluster_min_size": CLUSTER_MIN_SIZE,
        "gap_days": GAP_DAYS,
        "gap_min_conversations": GAP_MIN_CONVERSATIONS,
        "unhelpful_min_votes": UNHELPFUL_MIN_VOTES,
        "unhelpful_percent": round(100 * UNHELPFUL_SHARE),
        "no_result_min_searches": NO_RESULT_MIN_SEARCHES,
    }


# ---------------------------------------------------------------- shared


def _real() -> QuerySet[Conversation]:
    """Conversations with customers: never the academy's drills."""
    return Conversation.objects.filter(training=False)


def _with_question(conversations: QuerySet[Conversation]):
    """Each conversation with its first customer message as ``question``."""
    first = Event.objects.filter(
        conversation=OuterRef("pk"), kind=EventKind.CUSTOMER_MESSAGE
    ).order_by("seq")
    return conversations.annotate(question=Subquery(first.values("body")[:1]))


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _questions(conversations: QuerySet[Conversation], limit: int) -> list[str]:
    """The first messages of the newest conversations, compliance cases left out."""
    rows = _with_question(conversations.filter(restricted=False)).order_by("-created_at", "-pk")
    out: list[str] = []
    for question in rows.values_list("question", flat=True)[: limit * 4]:
        text = _one_line(question or "")
        if text and text not in out:
            out.append(text)
        if len(out) == limit:
            break
    return out


def _intent_names(slugs, language: str) -> dict[str, str]:
    return {intent.slug: intent.name(language) for intent in Intent.objects.filter(slug__in=slugs)}


def _display_language() -> str:
    return "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"


def language_label(code: str) -> str:
    labels = dict(Language.choices)
    return str(labels.get(code, code))


# ---------------------------------------------------------------- top intents


@dataclass
class IntentRow:
    intent: str
    name: str
    count: int
    share: int  # per cent of the period's conversations
    examples: list[str]


@dataclass
class TopIntents:
    days: int
    total: int
    unrecognised: int
    rows: list[IntentRow]


def top_intents(now: datetime, days: int = 7, limit: int = 15) -> TopIntents:
    """The most frequent intents of the last ``days`` days, with the newest questions."""
    recent = _real().filter(created_at__gte=now - timedelta(days=days), created_at__lt=now)
    total = recent.count()
    counts = list(
        recent.exclude(intent=UNRECOGNISED)
        .values("intent")
        .annotate(n=Count("pk"))
        .order_by("-n", "intent")[:limit]
    )
    names = _intent_names([c["intent"] for c in counts], _display_language())
    rows = [
        IntentRow(
            intent=c["intent"],
            name=names.get(c["intent"], c["intent"]),
            count=c["n"],
            share=round(100 * c["n"] / total) if total else 0,
            examples=_questions(recent.filter(intent=c["intent"]), EXAMPLES_SHOWN),
        )
        for c in counts
    ]
    return TopIntents(
        days=days,
        total=total,
        unrecognised=recent.filter(intent=UNRECOGNISED).count(),
        rows=rows,
    )


# ---------------------------------------------------------------- rising topics


@dataclass
class RisingRow:
    intent: str
    name: str
    count: int
    usual: list[int]  # the same hour in previous weeks, newest first
    mean: float
    spread: float
    z: float
    flagged: bool


@dataclass
class Rising:
    start: datetime
    end: datetime
    weeks: int  # previous weeks with history that the usual level is taken from
    rows: list[RisingRow] = field(default_factory=list)

    @property
    def flagged(self) -> list[RisingRow]:
        return [row for row in self.rows if row.flagged]


def _counts_by_intent(start: datetime, end: datetime) -> Counter[str]:
    rows = (
        _real()
        .filter(created_at__gte=start, created_at__lt=end)
        .values("intent")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({row["intent"]: row["n"] for row in rows})


def _weeks_before(moment: datetime, weeks: int) -> datetime:
    """The same wall-clock time ``weeks`` weeks earlier in the current time zone, so that
    "14:00 on a Monday" stays 14:00 across a daylight-saving change."""
    # Arithmetic on an aware datetime is wall-clock arithmetic in its own zone.
    return timezone.localtime(moment) - timedelta(weeks=weeks)


def rising_topics(now: datetime, *, weeks: int = BASELINE_WEEKS) -> Rising:
    """Conversations per intent in the hour before ``now`` against the same hour of the
    same weekday in each of the previous ``weeks`` weeks that the history covers."""
    start, end = now - timedelta(hours=1), now
    current = _counts_by_intent(start, end)
    first = _real().aggregate(first=Min("created_at"))["first"]
    history_from = (
        timezone.localtime(first).replace(hour=0, minute=0, second=0, microsecond=0)
        if first
        else None
    )
    baselines: list[Counter[str]] = []
    for k in range(1, weeks + 1):
        week_start = _weeks_before(start, k)
        if history_from is None or week_start < history_from:
            break
        baselines.append(_counts_by_intent(week_start, _weeks_before(end, k)))
    usable = len(baselines) >= MIN_BASELINE_WEEKS
    intents = set(current)
    names = _intent_names(intents, _display_language())
    rows = []
    for intent in intents:
        count = current[intent]
        usual = [b[intent] for b in baselines]
        mean = sum(usual) / len(usual) if usual else 0.0
        sd = math.sqrt(sum((u - mean) ** 2 for u in usual) / len(usual)) if usual else 0.0
        spread = max(sd, math.sqrt(mean), 1.0)
        z = (count - mean) / spread
        rows.append(
            RisingRow(
                intent=intent,
                name=names.get(intent, intent) if intent else _("Not recognised"),
                count=count,
                usual=usual,
                mean=round(mean, 1),
                spread=round(spread, 1),
                z=round(z, 1),
                flagged=usable and count >= RISING_MIN_COUNT and z >= RISING_Z,
            )
        )
    rows.sort(key=lambda r: (not r.flagged, -r.z, -r.count, r.intent))
    return Rising(start=start, end=end, weeks=len(baselines), rows=rows)


# ---------------------------------------------------------------- unsure clusters


@dataclass
class Cluster:
    language: str
    size: int
    name: str  # suggested intent name: the cluster's most characteristic words
    words: list[str]
    examples: list[str]  # closest to the cluster's centre first


def _unsure() -> Q:
    return Q(intent=UNRECOGNISED) | Q(intent_confidence__lt=BOT_MIN_CONFIDENCE)


def _latin_surfaces(text: str) -> dict[str, str]:
    """Each stemmed Latin term of ``text`` with a word it came from (claims → claim)."""
    from exdesk.helpcenter.analysis import latin_term, normalise

    return {latin_term(w): w for w in re.findall(r"[a-z0-9]+", normalise(text).replace("'", ""))}


def _cluster_texts(texts: list[str]) -> list[list[int]]:
    """Groups of indices of texts about the same thing (singletons included). Vectors:
    TF-IDF of the help center's search terms (jieba for Chinese, stemmed English) beside
    wordllama's static word vectors, which join paraphrases; average-linkage
    agglomerative clustering under a cosine distance threshold."""
    import numpy as np
    from scipy import sparse
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from exdesk.assistant.classifier import embedder
    from exdesk.helpcenter.analysis import terms

    if len(texts) < 2:
        return [[i] for i in range(len(texts))]
    words = TfidfVectorizer(
        tokenizer=terms, token_pattern=None, lowercase=False, sublinear_tf=True
    ).fit_transform(texts)
    vectors = embedder().embed(texts, norm=True)
    features = normalize(sparse.hstack([words, sparse.csr_matrix(vectors)]).tocsr())
    distances = np.clip(1.0 - (features @ features.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=CLUSTER_DISTANCE,
        metric="precomputed",
        linkage="average",
    ).fit_predict(distances)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    # Representatives: closest on average to the rest of the group (its centre).
    ordered = []
    for members in groups.values():
        inner = distances[np.ix_(members, members)].mean(axis=1)
        ordered.append([members[i] for i in np.argsort(inner, kind="stable")])
    return ordered


def _document_frequencies(texts: list[str]) -> Counter[str]:
    """In how many of the texts each search term occurs."""
    from exdesk.helpcenter.analysis import terms

    found: Counter[str] = Counter()
    for text in texts:
        found.update(set(terms(text)))
    return found


def _characteristic_words(members: list[str], reference: Counter[str], documents: int):
    """The cluster's words that are common in it and rare in the language's messages:
    share of the cluster's messages holding the word × its IDF over the ``documents``
    reference messages (``reference``: their document frequencies)."""
    from exdesk.helpcenter.analysis import terms

    in_cluster: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for text in members:
        found = set(terms(text))
        in_cluster.update(found)
        for term, word in _latin_surfaces(text).items():
            if term in found:
                surfaces.setdefault(term, Counter())[word] += 1
    floor = max(2, math.ceil(0.4 * len(members)))
    scored = [
        (
            (n / len(members)) * (math.log((1 + documents) / (1 + reference[t])) + 1),
            t,
        )
        for t, n in in_cluster.items()
        if n >= floor and not t.isdigit()
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen = [t for _score, t in scored[:CLUSTER_NAME_WORDS]]
    return [surfaces[t].most_common(1)[0][0] if t in surfaces else t for t in chosen]


def _compute_clusters(language: str, now: datetime, days: int) -> list[Cluster]:
    from exdesk.helpcenter.analysis import terms

    window = (
        _real()
        .filter(
            language=language,
            restricted=False,
            created_at__gte=now - timedelta(days=days),
            created_at__lt=now,
        )
        .order_by("-created_at", "-pk")
    )
    unsure = [
        _one_line(q or "", 500)
        for q in _with_question(window.filter(_unsure())).values_list("question", flat=True)[
            :CLUSTER_MAX_MESSAGES
        ]
    ]
    # Messages with no searchable word ("hello", "?") say nothing about a topic.
    unsure = [text for text in unsure if terms(text)]
    if len(unsure) < CLUSTER_MIN_SIZE:
        return []
    reference = [
        q or ""
        for q in _with_question(window).values_list("question", flat=True)[:REFERENCE_MAX_MESSAGES]
    ]
    frequencies = _document_frequencies(reference)
    clusters = []
    for members in _cluster_texts(unsure):
        if len(members) < CLUSTER_MIN_SIZE:
            continue
        texts = [unsure[i] for i in members]
        words = _characteristic_words(texts, frequencies, len(reference))
        examples: list[str] = []
        for text in texts:
            if text not in examples:
                examples.append(text)
        clusters.append(
            Cluster(
                language=language,
                size=len(members),
                name="-".join(words),
                words=words,
                examples=examples[:EXAMPLES_SHOWN],
            )
        )
    clusters.sort(key=lambda c: (-c.size, c.name))
    return clusters


def unsure_clusters(language: str, now: datetime, *, days: int = CLUSTER_DAYS) -> list[Cluster]:
    """Clusters of the first messages the classifier was unsure about (no intent, or a
    confidence below the bot's threshold) in one language, biggest first. Cached for ten
    minutes: a page view reads the last result of the same ten minutes."""
    bucket = int(now.timestamp() // CLUSTER_CACHE_SECONDS)
    key = f"analytics:topics:clusters:{language}:{days}:{bucket}"
    found = cache.get(key)
    if found is None:
        found = _compute_clusters(language, now, days)
        cache.set(key, found, CLUSTER_CACHE_SECONDS)
    return found


@dataclass
class LanguageClusters:
    language: str
    label: str
    clusters: list[Cluster]


def clusters_by_language(now: datetime) -> list[LanguageClusters]:
    return [
        LanguageClusters(language, language_label(language), unsure_clusters(language, now))
        for language in LANGUAGES
    ]


# ---------------------------------------------------------------- knowledge gaps

NO_ARTICLE = "no_article"
UNHELPFUL = "unhelpful"
NO_RESULT = "no_result"
INTENT_GAPS = (NO_ARTICLE, UNHELPFUL)


@dataclass
class Gap:
    kind: str  # NO_ARTICLE, UNHELPFUL or NO_RESULT
    language: str
    key: str  # the intent's slug, or the search
    label: str
    count: int  # conversations, or searches
    examples: list[str]
    article: Article | None = None
    unhelpful: int = 0
    votes: int = 0
    draft: Article | None = None  # a draft for this gap, still unpublished

    @property
    def language_label(self) -> str:
        return language_label(self.language)


def _recent_intent_counts(now: datetime, days: int) -> list[Any]:
    return list(
        _real()
        .filter(created_at__gte=now - timedelta(days=days), created_at__lt=now)
        .exclude(intent=UNRECOGNISED)
        .exclude(intent__in=CONVERSATIONAL)
        .values("intent", "language")
        .annotate(n=Count("pk"))
        .filter(n__gte=GAP_MIN_CONVERSATIONS)
        .order_by("-n", "intent", "language")
    )


def _answering_article(intent: Intent | None, language: str) -> Article | None:
    """The article the assistant answers this intent with: the first of its articles
    that is live in the language (assistant.services._answering_article)."""
    if intent is None or not intent.article_keys:
        return None
    live = {
        a.slug: a
        for a in helpcenter_selectors.live_articles(language)
        .select_related("live_version")
        .filter(slug__in=intent.article_keys)
    }
    return next((live[k] for k in intent.article_keys if k in live), None)


def knowledge_gaps(now: datetime, *, days: int = GAP_DAYS) -> list[Gap]:
    """Frequent intents with no live article in the conversation's language, frequent
    intents whose article readers mostly rate unhelpful, and searches that keep finding
    nothing; the most frequent first within each kind."""
    since = now - timedelta(days=days)
    counts = _recent_intent_counts(now, days)
    intents = {i.slug: i for i in Intent.objects.filter(slug__in={c["intent"] for c in counts})}
    gaps: list[Gap] = []
    for row in counts:
        slug, language, n = row["intent"], row["language"], row["n"]
        if language not in LANGUAGES:
            continue
        intent = intents.get(slug)
        if intent is not None and intent.handling == Handling.COMPLIANCE:
            continue  # answered by compliance officers with approved templates only
        label = intent.name(language) if intent else slug
        examples = _questions(
            _real().filter(
                intent=slug, language=language, created_at__gte=since, created_at__lt=now
            ),
            EXAMPLES_SHOWN,
        )
        article = _answering_article(intent, language)
        if article is None:
            gaps.append(Gap(NO_ARTICLE, language, slug, label, n, examples))
            continue
        votes = ArticleFeedback.objects.filter(article=article, updated_at__gte=since).aggregate(
            total=Count("pk"), no=Count("pk", filter=Q(helpful=False))
        )
        total, no = votes["total"] or 0, votes["no"] or 0
        if no >= UNHELPFUL_MIN_VOTES and no / total >= UNHELPFUL_SHARE:
            gaps.append(Gap(UNHELPFUL, language, slug, label, n, examples, article, no, total))
    searches = (
        SearchQuery.objects.filter(results=0, created_at__gte=since, created_at__lt=now)
        .values("query", "language")
        .annotate(n=Count("pk"))
        .filter(n__gte=NO_RESULT_MIN_SEARCHES)
        .order_by("-n", "query")[:20]
    )
    for search in searches:
        query = search["query"]
        gaps.append(Gap(NO_RESULT, search["language"], query, query, search["n"], [query]))
    order = {NO_ARTICLE: 0, UNHELPFUL: 1, NO_RESULT: 2}
    gaps.sort(key=lambda g: (order[g.kind], -g.count, g.key, g.language))
    for gap in gaps:
        gap.draft = _pending_draft(gap.kind, gap.key, gap.language)
    return gaps


def _drafts_of(kind: str, key: str, language: str) -> QuerySet[Article]:
    base = _slug_base(kind, key)
    return Article.objects.filter(
        Q(slug=base) | Q(slug__regex=rf"^{re.escape(base)}-[0-9]+$"), language=language
    )


def _pending_draft(kind: str, key: str, language: str) -> Article | None:
    return (
        _drafts_of(kind, key, language)
        .filter(status__in=[ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW])
        .select_related("current_version")
        .order_by("-pk")
        .first()
    )


def _free_slug(kind: str, key: str, language: str) -> str:
    base = _slug_base(kind, key)
    taken = set(_drafts_of(kind, key, language).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_base(kind: str, key: str) -> str:
    from django.utils.text import slugify

    readable = slugify(key)[:60].strip("-")
    if not readable:  # a Chinese search
        import hashlib

        readable = hashlib.sha256(key.encode()).hexdigest()[:10]
    return f"gap-{readable}"


def _markdown_line(text: str) -> str:
    """A customer's words as one line of Markdown text, not markup."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", _one_line(mask(text).text, 500))


def _draft_text(kind: str, label: str, questions: list[str], count: int, days: int):
    title = _one_line(mask(questions[0]).text, helpcenter.MAX_TITLE)
    if kind == NO_RESULT:
        why = _("Drafted from the knowledge gaps: %(n)d searches in %(days)d days found nothing.")
    else:
        why = _(
            "Drafted from the knowledge gaps: %(n)d conversations in %(days)d days, intent "
            "“%(intent)s”."
        )
    description = _one_line(
        why % {"n": count, "days": days, "intent": label}, helpcenter.MAX_DESCRIPTION
    )
    lines = [
        "## " + _("What customers asked"),
        "",
        *[f"- {_markdown_line(q)}" for q in questions],
        "",
        "## " + _("Answer"),
        "",
        _("Write the answer here, then ask a reviewer to publish it."),
        "",
    ]
    return title, description, "\n".join(lines)


def draft_for_gap(
    user,
    *,
    kind: str,
    key: str,
    language: str,
    section_id: int | None,
    now: datetime | None = None,
    days: int = GAP_DAYS,
) -> Article:
    """A draft article for one knowledge gap, submitted for review (never published):
    the customers' questions (as stored: secrets already masked by the guard), in the
    gap's language, in a section the user may edit. The gap is read again from the
    database: nothing the form sends is copied into the article but the choice of gap."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    if language not in LANGUAGES or kind not in (*INTENT_GAPS, NO_RESULT) or not key:
        raise ValidationError(_("Choose a knowledge gap from the list."))
    section = (
        Section.objects.select_related("category").filter(pk=section_id).first()
        if section_id is not None
        else None
    )
    if section is None:
        raise ValidationError({"section": _("Choose a section for the article.")})
    helpcenter.check_can_edit(user, section)
    if kind == NO_RESULT:
        count = SearchQuery.objects.filter(
            results=0, query=key, language=language, created_at__gte=since, created_at__lt=now
        ).count()
        questions = [key] if count else []
        label = key
    else:
        conversations = _real().filter(
            intent=key, language=language, created_at__gte=since, created_at__lt=now
        )
        count = conversations.count()
        questions = _questions(conversations, DRAFT_EXAMPLES)
        intent = Intent.objects.filter(slug=key).first()
        label = intent.name(language) if intent else key
    if not questions:
        raise ValidationError(_("This knowledge gap has no questions to draft from any more."))
    with translation.override(language):
        title, description, body = _draft_text(kind, label, questions, count, days)
    with transaction.atomic():
        article = helpcenter.create_article(
            user,
            section=section,
            language=language,
            slug=_free_slug(kind, key, language),
            title=title,
            description=description,
            body=body,
            # Customers' words until a reviewer has rewritten them: staff only.
            visibility=Visibility.INTERNAL,
        )
        return helpcenter.submit_for_review(
            user, article, _("Drafted from the analytics knowledge gaps.")
        )
