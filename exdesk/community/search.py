"""Forum search, shared with the help center: its search page lists matching topics under
the articles, and the forum's lists the articles above the topics. Terms come from the
help center's analysis (jieba for Chinese, stems for English), matched as substrings:
forum volumes are small next to the articles' index (docs/community.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from exdesk.helpcenter import analysis

from .models import Post, Topic
from .selectors import visible_topics

MAX_TERMS = 8
CANDIDATES = 200


@dataclass
class TopicHit:
    topic: Topic
    score: float


def _words(query: str) -> list[str]:
    words = []
    for term in analysis.terms(query[:200]):
        if analysis.CJK.match(term):
            words.append(term)
        elif len(term) >= 3:
            # Stems end in "i" for words in "y" (currency → currenc-i): match the root.
            words.append(term[:-1] if term.endswith("i") and len(term) > 4 else term)
    return list(dict.fromkeys(words))[:MAX_TERMS]


def search_topics(query: str, language: str, limit: int = 10) -> list[TopicHit]:
    words = _words(query)
    if not words:
        return []
    matches = Q()
    for word in words:
        matches |= Q(title__icontains=word)
        matches |= Q(posts__body__icontains=word, posts__hidden=False)
    topics = list(
        visible_topics(language)
        .filter(matches)
        .distinct()
        .order_by("-last_activity_at")[:CANDIDATES]
    )
    bodies: dict[int, list[str]] = {}
    for topic_id, body in Post.objects.filter(topic__in=topics, hidden=False).values_list(
        "topic_id", "body"
    ):
        bodies.setdefault(topic_id, []).append(body.lower())
    hits = []
    for topic in topics:
        title, text = topic.title.lower(), " ".join(bodies.get(topic.pk, []))
        score = sum(3.0 * (w in title) + 1.0 * (w in text) for w in words)
        score += 1.0 if topic.official_post_id else 0.0
        hits.append(TopicHit(topic, score))
    hits.sort(key=lambda h: (-h.score, -h.topic.last_activity_at.timestamp()))
    return hits[:limit]
