"""Support mail over real SMTP, into conversations.

Starts exdesk as `make run` does (web server, task worker, SMTP receiver) on a fresh
SQLite database, sends N messages from concurrent SMTP clients, waits until the task
queue has read them, and prints one JSON object:

    {"accepted_per_s": ..., "visible_p99_ms": ..., "lost": ..., "dup": ..., ...}

accepted_per_s: messages answered 250 per second of sending. visible_*: from the moment
a message was stored (just before its 250) to the moment its message was in the
conversation the console shows. lost: answered 250 but not in a conversation; dup: in
more than one message.

    python benchmarks/email_ingest.py --messages 2000
    python benchmarks/email_ingest.py --messages 1000 --rate 30   # a steady 30 a second
"""

from __future__ import annotations

import argparse
import email.policy
import email.utils
import json
import smtplib
import statistics
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from exdesk.devserver import free_port, running_exdesk

PG_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SUPPORT = "support@exdesk.invalid"

REPORT = """
import json
from collections import Counter
from exdesk.conversations.models import Event
from exdesk.messaging.models import InboundMail
fields = ("message_id", "state", "received_at", "event__created_at")
rows = list(InboundMail.objects.values_list(*fields))
bodies = Event.objects.filter(kind="customer_message", body__contains="bench-")
bodies = bodies.values_list("body", flat=True)
markers = Counter(b.split("bench-", 1)[1].split()[0] for b in bodies)
print(json.dumps({
    "rows": [[m, s, r.timestamp(), e.timestamp() if e else None] for m, s, r, e in rows],
    "markers": markers,
}))
"""


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def message(n: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Trader {n} <trader{n}@example.com>"
    mail["To"] = SUPPORT
    mail["Subject"] = f"USDT deposit not credited ({n})"
    mail["Date"] = email.utils.formatdate()
    mail["Message-ID"] = f"<bench-{n}@example.com>"
    mail.set_content(
        f"Hello, I sent 150 USDT on TRC20 forty minutes ago and it is not in my spot wallet.\n"
        f"我的充值还没有到账，请帮忙查一下。 bench-{n} \n\n-- \nSent from my phone\n"
    )
    return mail.as_bytes(policy=email.policy.SMTP)


def sender(port: int, numbers: list[int], accepted: dict, refused: dict, interval: float) -> None:
    client = smtplib.SMTP("127.0.0.1", port, timeout=60)
    next_at = time.monotonic()
    for n in numbers:
        if interval:
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        try:
            client.sendmail(f"trader{n}@example.com", [SUPPORT], message(n))
            accepted[n] = time.time()
        except smtplib.SMTPException as error:
            refused[n] = str(error)
            client.close()
            client = smtplib.SMTP("127.0.0.1", port, timeout=60)
    client.quit()


WARM_UP = 1_000_000  # warm-up messages are numbered from here, and not counted


def report_of(desk) -> dict:
    return json.loads(desk.manage("shell", "-c", REPORT).strip().splitlines()[-1])


def run(count: int, clients: int, db: str, rate: float) -> dict:
    pg = PG_SERVER_URL if db == "postgresql" else None
    # The customers' mail server: the acknowledgements exdesk sends go somewhere real.
    outbox = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    outbox.start()
    mail_out = {"EXDESK_EMAIL_HOST": "127.0.0.1", "EXDESK_EMAIL_PORT": str(outbox.port)}
    # The rate limit is per sender and every sender here is distinct; the receiver's
    # defaults are what an operator runs.
    with running_exdesk(postgres_server_url=pg, env=mail_out) as desk:
        desk.wait_for_mail()
        # Warm-up: the worker loads its models when it starts; measure the desk at work.
        warm = [WARM_UP + n for n in range(5)]
        sender(desk.mail_port, warm, {}, {}, 0.0)
        while sum(1 for row in report_of(desk)["rows"] if row[1] != "received") < len(warm):
            time.sleep(0.5)
        accepted: dict[int, float] = {}
        refused: dict[int, str] = {}
        numbers = list(range(count))
        interval = clients / rate if rate else 0.0  # each client's pause between messages
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=sender,
                args=(desk.mail_port, numbers[i::clients], accepted, refused, interval),
            )
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sending = time.monotonic() - started
        deadline = time.monotonic() + 120
        while True:
            report = report_of(desk)
            waiting = sum(1 for row in report["rows"] if row[1] == "received")
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(1)
    outbox.stop()
    timed = [row for row in report["rows"] if int(row[0].split("-")[1].split("@")[0]) < WARM_UP]
    delays = sorted((row[3] - row[2]) * 1000 for row in timed if row[3] is not None)
    markers = {k: v for k, v in report["markers"].items() if int(k) < WARM_UP}
    shown = {int(k) for k in markers}
    return {
        "messages": count,
        "clients": clients,
        "rate": rate or "max",
        "db": db,
        "accepted": len(accepted),
        "refused": len(refused),
        "accepted_per_s": round(len(accepted) / sending, 1),
        "visible_p50_ms": round(statistics.median(delays), 1) if delays else None,
        "visible_p99_ms": round(delays[int(len(delays) * 0.99) - 1], 1) if delays else None,
        "visible_max_ms": round(delays[-1], 1) if delays else None,
        "lost": sum(1 for n in accepted if n not in shown),
        "dup": sum(1 for n in markers.values() if n > 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rate", type=float, default=0, help="messages a second (0: max)")
    args = parser.parse_args()
    print(json.dumps(run(args.messages, args.clients, args.db, args.rate)))


if __name__ == "__main__":
    main()
