"""Help-center search: relevance on a labelled query set, and speed as the knowledge base
grows.

Loads the starter knowledge base into a fresh database, runs every query in
benchmarks/data/helpcenter_queries.jsonl through the search service (as the help center
does: in the query's language, public articles only), then adds generated articles as
distractors and measures again. Prints one JSON object:

    {"mrr_at_10": …, "recall_at_3": …, "by_language": {…}, "p50_ms": …, "p95_ms": …,
     "articles": …, "distractors": [{same keys at 10,000}, {… at 100,000}]}

    python benchmarks/helpcenter_search.py                    # SQLite: starter, 10k, 100k
    python benchmarks/helpcenter_search.py --sizes 10000 --db postgresql
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import fresh_database  # noqa: E402

QUERIES = ROOT / "benchmarks" / "data" / "helpcenter_queries.jsonl"


def setup_django(db: str) -> None:
    fresh_database.setup_django(db, "search")


def load_queries(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(queries: list[dict], show_misses: bool = False) -> dict:
    from exdesk.helpcenter import search
    from exdesk.helpcenter.models import Article

    slugs = dict(Article.objects.values_list("pk", "slug"))
    reciprocal, hits3, latencies = [], [], []
    per_language: dict[str, dict[str, list[float]]] = {}
    for item in queries:
        language = "zh-hans" if item["language"].lower().startswith("zh") else "en"
        started = time.perf_counter()
        results = search.search(item["query"], language, limit=10)
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = [slugs.get(hit.article.pk) for hit in results.hits]
        rank = next((i + 1 for i, slug in enumerate(ranked) if slug in item["answers"]), None)
        rr = 1 / rank if rank else 0.0
        if show_misses and (rank is None or rank > 1):
            print(rank, item["query"], item["answers"], ranked[:3], results.terms, file=sys.stderr)
        reciprocal.append(rr)
        hits3.append(1.0 if rank and rank <= 3 else 0.0)
        bucket = per_language.setdefault(item["language"], {"rr": [], "r3": []})
        bucket["rr"].append(rr)
        bucket["r3"].append(hits3[-1])
    latencies.sort()
    return {
        "mrr_at_10": round(statistics.mean(reciprocal), 3),
        "recall_at_3": round(statistics.mean(hits3), 3),
        "by_language": {
            lang: {
                "queries": len(v["rr"]),
                "mrr_at_10": round(statistics.mean(v["rr"]), 3),
                "recall_at_3": round(statistics.mean(v["r3"]), 3),
            }
            for lang, v in sorted(per_language.items())
        },
        "p50_ms": round(latencies[len(latencies) // 2], 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)], 2),
        "articles": Article.objects.count(),
    }


def add_distractors(count: int, seed: int) -> None:
    """Generated articles that share the starter's vocabulary, so they compete for the same
    words: each body is eight sentences drawn from different starter articles, each title
    a run of words drawn from all titles (half the articles in each language)."""
    from django.db import transaction

    from exdesk.helpcenter import analysis, rendering, search
    from exdesk.helpcenter.choices import ArticleStatus
    from exdesk.helpcenter.models import Article, ArticleVersion, Section

    rng = random.Random(seed)
    sentences: dict[str, list[str]] = {"en": [], "zh-hans": []}
    title_words: dict[str, list[str]] = {"en": [], "zh-hans": []}
    for article in Article.objects.filter(visibility="public").select_related("live_version"):
        text = rendering.plain_text(article.live_version.body)
        sentences[article.language] += [
            s for s in text.replace("。", "。\n").split("\n") if len(s) > 20
        ]
        title = article.live_version.title
        if article.language == "en":
            title_words["en"] += title.split()
        else:
            title_words["zh-hans"] += analysis._segmenter().lcut(title)
    sections = list(Section.objects.filter(category__internal=False))
    start = Article.objects.count()
    batch = 500
    for offset in range(0, count, batch):
        with transaction.atomic():
            for n in range(offset, min(offset + batch, count)):
                language = "en" if n % 2 == 0 else "zh-hans"
                words = rng.sample(title_words[language], rng.randint(3, 6))
                title = (" " if language == "en" else "").join(words)
                body = "\n\n".join(rng.sample(sentences[language], 8))
                article = Article.objects.create(
                    section=rng.choice(sections),
                    language=language,
                    slug=f"generated-{start + n}",
                    status=ArticleStatus.PUBLISHED,
                )
                version = ArticleVersion.objects.create(
                    article=article, number=1, title=title[:200], body=body
                )
                Article.objects.filter(pk=article.pk).update(
                    current_version=version, live_version=version
                )
                article.current_version = article.live_version = version
                search.index_article(article)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="10000,100000", help="distractor counts, cumulative")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--queries",
        type=Path,
        default=QUERIES,
        help="labelled queries (design choices were made on helpcenter_queries_dev.jsonl)",
    )
    parser.add_argument("--misses", action="store_true", help="list failed queries on stderr")
    args = parser.parse_args()
    setup_django(args.db)
    from exdesk.helpcenter import starter

    starter.load()
    queries = load_queries(args.queries)
    evaluate(queries[:20])  # warm the segmenter and caches; not counted
    result = evaluate(queries, show_misses=args.misses)
    result.update({"db": args.db, "queries": len(queries), "distractors": []})
    added = 0
    for size in [int(s) for s in args.sizes.split(",") if s]:
        started = time.perf_counter()
        add_distractors(size - added, args.seed + size)
        added = size
        run = evaluate(queries)
        run["distractors_added"] = size
        run["index_s"] = round(time.perf_counter() - started, 1)
        result["distractors"].append(run)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
