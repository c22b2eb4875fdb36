"""Analytics at a year's scale: 200,000 conversations with 1,000,000 timeline events,
rolled up into facts, then the main dashboard under random filter combinations and the
exports. Prints one JSON object:

    {"dashboard_p95_ms": …, "dashboard_p50_ms": …, "export_rows_per_s": …,
     "export_xlsx_rows_per_s": …, "rollup_seconds": …, "rollup_full_seconds": …,
     "rollup_conversations_per_s": …, "conversations": …, "events": …, "db": …}

dashboard_*: the whole page (every figure, chart and table) as the test client renders
it for a supervisor, one request per filter combination (date range 7–365 days in a
random time zone, plus any of team, agent, channel, language, intent, VIP tier).
rollup_seconds: one sweep after a minute of 50 new conversations a second (3,000
changed conversations): it must stay well under the minute between sweeps.
rollup_full_seconds: building every fact from nothing.
export_rows_per_s: the per-conversation table of a whole year as CSV (XLSX beside it).

    python benchmarks/analytics.py                       # SQLite
    python benchmarks/analytics.py --db postgresql
    python benchmarks/analytics.py --conversations 20000 --requests 20   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import fresh_database  # noqa: E402

INTENTS = [
    "deposit_not_credited",
    "withdrawal_delay",
    "wrong_network",
    "kyc_review",
    "2fa_reset",
    "futures_liquidation",
    "fees",
    "account_locked",
    "p2p_dispute",
    "earn_redeem",
    "",
]
ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]


def setup_django(db: str) -> None:
    fresh_database.setup_django(db, "analytics")


def _fixed_timestamps():
    """Let bulk inserts keep the generated times (auto_now would overwrite them)."""
    from exdesk.conversations.models import Conversation, Event

    for model, names in ((Conversation, ("created_at", "updated_at")), (Event, ("created_at",))):
        for name in names:
            field = model._meta.get_field(name)
            field.auto_now = field.auto_now_add = False


def generate(n_conversations: int, n_events: int, now: dt.datetime, rng: random.Random):
    from django.db import transaction

    from exdesk import testing
    from exdesk.accounts.choices import Role
    from exdesk.conversations.models import Conversation, Event
    from exdesk.customers.models import Customer
    from exdesk.quality.models import Feedback

    _fixed_timestamps()
    teams = [testing.team(slug) for slug in ("general", "security", "vip", "compliance")]
    agents = [testing.staff(f"agent{n}", teams=(teams[n % len(teams)].slug,)) for n in range(24)]
    supervisor = testing.staff("supervisor", role=Role.SUPERVISOR)
    customers = Customer.objects.bulk_create(
        [
            Customer(uid=f"b{n:07d}", display_name=f"T{n}", vip_tier=rng.choice([0] * 8 + [1, 3]))
            for n in range(5000)
        ],
        batch_size=5000,
    )
    per_conversation = max(2, n_events // n_conversations)
    channels = ["chat"] * 5 + ["email"] * 2 + ["web", "telegram", "api"]
    batch = 5000
    start = now - dt.timedelta(days=365)
    made_events = 0
    # Conversations are numbered in the order they arrive, as in a real desk.
    moments = sorted(rng.uniform(0, 365 * 86400) for _ in range(n_conversations))
    for offset in range(0, n_conversations, batch):
        conversations, plans = [], []
        for index in range(offset, min(offset + batch, n_conversations)):
            created = start + dt.timedelta(seconds=moments[index])
            solved = rng.random() < 0.85
            bot = rng.random() < 0.3
            wait = dt.timedelta(seconds=rng.expovariate(1 / 600))
            resolve = wait + dt.timedelta(seconds=rng.expovariate(1 / 7200))
            agent = rng.choice(agents)
            conversations.append(
                Conversation(
                    subject="Question",
                    channel=rng.choice(channels),
                    status="solved" if solved else rng.choice(["new", "open", "pending"]),
                    language=rng.choice(["en", "zh-hans"]),
                    team=teams[agents.index(agent) % len(teams)],
                    assignee=agent,
                    customer=rng.choice(customers),
                    intent=rng.choice(INTENTS),
                    created_at=created,
                    updated_at=created + resolve,
                    first_response_at=None if bot and solved else created + wait,
                    solved_at=created + resolve if solved else None,
                    rating=None,
                )
            )
            plans.append((created, wait, resolve, solved, bot, agent))
        with transaction.atomic():
            Conversation.objects.bulk_create(conversations, batch_size=batch)
            events, feedback = [], []
            for conversation, (created, wait, resolve, solved, bot, agent) in zip(
                conversations, plans, strict=True
            ):
                timeline = [("customer_message", None, created, {})]
                reply_at = created + wait
                if bot:
                    timeline.append(("agent_reply", None, reply_at, {"bot": True}))
                while len(timeline) < per_conversation - 1:
                    moment = reply_at + dt.timedelta(seconds=len(timeline))
                    if rng.random() < 0.08:
                        timeline.append(
                            ("assignment_change", agent, moment, {"from": "a", "to": "b"})
                        )
                    elif not (bot and solved):
                        timeline.append(("agent_reply", agent, moment, {}))
                    else:
                        timeline.append(("customer_message", None, moment, {}))
                if solved:
                    data = {"from": "open", "to": "solved"}
                    timeline.append(("status_change", agent, created + resolve, data))
                else:
                    timeline.append(("internal_note", agent, reply_at, {}))
                for seq, (kind, author, moment, data) in enumerate(timeline, start=1):
                    events.append(
                        Event(
                            conversation=conversation,
                            seq=seq,
                            kind=kind,
                            author_user=author,
                            author_customer=None,
                            body="…" if kind != "status_change" else "",
                            data=data,
                            created_at=moment,
                        )
                    )
                if solved and rng.random() < 0.2:
                    feedback.append(
                        Feedback(
                            conversation=conversation,
                            score=rng.choice([1, 2, 3, 4, 4, 5, 5, 5]),
                            comment=rng.choice(["", "", "fast", "slow"]),
                            source="widget",
                            created_at=created + resolve,
                            updated_at=created + resolve,
                        )
                    )
            Event.objects.bulk_create(events, batch_size=batch)
            Feedback.objects.bulk_create(feedback, batch_size=batch)
            made_events += len(events)
    return supervisor, teams, agents, made_events


def random_query(rng: random.Random, teams, agents, now: dt.datetime) -> dict:
    days = rng.choice([7, 30, 90, 365])
    end = (now - dt.timedelta(days=rng.randint(0, 30))).date()
    query = {
        "start": (end - dt.timedelta(days=days - 1)).isoformat(),
        "end": end.isoformat(),
        "tz": rng.choice(ZONES),
    }
    if rng.random() < 0.3:
        query["team"] = str(rng.choice(teams).pk)
    if rng.random() < 0.2:
        query["agent"] = str(rng.choice(agents).pk)
    if rng.random() < 0.3:
        query["channel"] = rng.choice(["chat", "email", "web"])
    if rng.random() < 0.3:
        query["language"] = rng.choice(["en", "zh-hans"])
    if rng.random() < 0.3:
        query["intent"] = rng.choice(INTENTS[:-1])
    if rng.random() < 0.2:
        query["vip"] = "1"
    return query


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup_django(args.db)
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from exdesk import testing
    from exdesk.analytics import rollup, tables
    from exdesk.analytics.forms import FilterForm
    from exdesk.conversations.models import Conversation

    setup_test_environment()
    rng = random.Random(args.seed)
    now = timezone.now()
    supervisor, teams, agents, events = generate(args.conversations, args.events, now, rng)

    started = time.perf_counter()
    rollup.sweep(now=now)  # the first sweep: every fact from nothing
    full_seconds = time.perf_counter() - started
    # A minute at 50 new (or changed) conversations a second, then the next sweep.
    recent = list(Conversation.objects.order_by("-pk").values_list("pk", flat=True)[:3000])
    later = now + dt.timedelta(minutes=1)
    Conversation.objects.filter(pk__in=recent).update(updated_at=later)
    started = time.perf_counter()
    swept = rollup.sweep(now=later + dt.timedelta(seconds=1))
    sweep_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does to a live database: statistics and the visibility map
        # (a freshly bulk-loaded table makes every first read write hint bits).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    client = testing.signed_in(supervisor, Client())
    url = reverse("analytics:dashboard")
    client.get(url)  # warm: templates, translations
    timings = []
    for _ in range(args.requests):
        query = random_query(rng, teams, agents, now)
        started = time.perf_counter()
        response = client.get(url, query)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (query, response.status_code)

    year = FilterForm({"start": (now - dt.timedelta(days=365)).date().isoformat()})
    assert year.is_valid(), year.errors
    started = time.perf_counter()
    headers, rows = tables.conversation_rows(supervisor, year.filters())
    tables.to_csv(headers, rows)
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    headers, rows = tables.conversation_rows(supervisor, year.filters())
    tables.to_xlsx("conversations", headers, rows)
    xlsx_seconds = time.perf_counter() - started

    timings.sort()
    print(
        json.dumps(
            {
                "dashboard_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
                "dashboard_p50_ms": round(statistics.median(timings), 1),
                "export_rows_per_s": round(len(rows) / csv_seconds),
                "export_xlsx_rows_per_s": round(len(rows) / xlsx_seconds),
                "export_rows": len(rows),
                "rollup_seconds": round(sweep_seconds, 2),
                "rollup_swept": swept,
                "rollup_full_seconds": round(full_seconds, 1),
                "rollup_conversations_per_s": round(args.conversations / full_seconds),
                "conversations": args.conversations,
                "events": events,
                "requests": args.requests,
                "db": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
