"""One incident update to 20,000 linked open conversations across channels: how long the
broadcast takes and whether every conversation got it exactly once. Prints one JSON
object:

    {"conversations": …, "seconds": …, "sent": …, "dup": …, "failed": …,
     "per_second": …, "by_channel": {…}, "db": …}

seconds: the broadcast itself (incidents.services.broadcast), as the task queue runs it:
each conversation's update appended to its timeline and marked delivered in one
transaction, its mail or platform relay queued. dup: conversations with more than one
copy of the update; sent + failed = conversations.

    python benchmarks/incident_broadcast.py                 # SQLite
    python benchmarks/incident_broadcast.py --db postgresql --conversations 5000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import fresh_database  # noqa: E402

CHANNELS = ["chat", "email", "web", "api"]


def generate(n: int):
    from django.db import transaction

    from exdesk import testing
    from exdesk.accounts.choices import Role
    from exdesk.conversations.models import Conversation, Event
    from exdesk.customers.models import Customer
    from exdesk.incidents.models import Incident, IncidentLink

    supervisor = testing.staff("sam", role=Role.SUPERVISOR)
    team = testing.team("general")
    customers = Customer.objects.bulk_create(
        [
            Customer(uid=f"i{k:07d}", display_name=f"T{k}", email=f"t{k}@example.com")
            for k in range(n)
        ],
        batch_size=5000,
    )
    with transaction.atomic():
        conversations = Conversation.objects.bulk_create(
            [
                Conversation(
                    subject="TRC20 withdrawal stuck",
                    channel=CHANNELS[k % len(CHANNELS)],
                    status="open",
                    language="zh-hans" if k % 2 else "en",
                    team=team,
                    customer=customers[k],
                    network="TRC20",
                )
                for k in range(n)
            ],
            batch_size=5000,
        )
        Event.objects.bulk_create(
            [
                Event(
                    conversation=c,
                    seq=1,
                    kind="customer_message",
                    body="stuck",
                    author_customer=c.customer,
                )
                for c in conversations
            ],
            batch_size=5000,
        )
    from django.utils import timezone

    now = timezone.now()
    incident = Incident.objects.create(
        title_en="TRC20 withdrawals delayed",
        title_zh="TRC20 提现延迟",
        script_en="Delayed; funds are safe.",
        script_zh="延迟；资金安全。",
        networks=["TRC20"],
        declared_by=supervisor,
        started_at=now,
    )
    IncidentLink.objects.bulk_create(
        [
            IncidentLink(incident=incident, conversation=c, linked_at=now, by="match")
            for c in conversations
        ],
        batch_size=5000,
    )
    return supervisor, incident


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--conversations", type=int, default=20_000)
    args = parser.parse_args()
    fresh_database.setup_django(args.db, "broadcast")
    from django.db import connection
    from django.db.models import Count

    from exdesk.conversations.models import Event
    from exdesk.incidents import services
    from exdesk.incidents.models import DeliveryState, UpdateDelivery

    supervisor, incident = generate(args.conversations)
    with _no_task_enqueue():
        update = services.post_update(
            supervisor, incident, status="identified", body_en="Recovering.", body_zh="恢复中。"
        )
    started = time.perf_counter()
    services.broadcast(update.pk)
    seconds = time.perf_counter() - started

    copies = (
        Event.objects.filter(kind="incident_update")
        .values("conversation")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
    by_channel = dict(
        Event.objects.filter(kind="incident_update")
        .values_list("conversation__channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    states = dict(
        UpdateDelivery.objects.filter(update=update)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    print(
        json.dumps(
            {
                "conversations": args.conversations,
                "seconds": round(seconds, 1),
                "sent": states.get(DeliveryState.SENT, 0),
                "dup": sum(1 for n in copies if n > 1),
                "failed": states.get(DeliveryState.FAILED, 0),
                "per_second": round(args.conversations / seconds),
                "by_channel": by_channel,
                "db": connection.vendor,
            }
        )
    )


class _no_task_enqueue:
    """post_update queues the broadcast for the task queue; here it is run and timed
    directly instead."""

    def __enter__(self):
        from exdesk.incidents import tasks

        self._original = tasks.broadcast_update
        tasks.broadcast_update = lambda update_id: None
        return self

    def __exit__(self, *exc):
        from exdesk.incidents import tasks

        tasks.broadcast_update = self._original


if __name__ == "__main__":
    main()
