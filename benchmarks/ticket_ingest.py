"""Ticket creation through the API under load.

Starts exdesk (web server and task worker, as `make run` does) on a fresh database, or
targets a running one with --url/--token, then creates tickets with N concurrent clients
for T seconds over keep-alive connections and prints one JSON object:

    {"tickets_per_s": ..., "p50_ms": ..., "p99_ms": ..., "db": "sqlite|postgresql", ...}

    python benchmarks/ticket_ingest.py                      # SQLite, 8 clients, 30 s
    python benchmarks/ticket_ingest.py --db postgresql
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlparse

from exdesk.devserver import running_exdesk

PG_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_TOKEN = "exd_benchmark_token_0123456789abcdefghijklmnopqrstuv"


SETUP = f"""
from exdesk.accounts.models import ApiToken, Team, User
from exdesk.conversations.models import Category
team = Team.objects.create(name="General", slug="general")
Category.objects.create(slug="deposit", name_en="Deposits", name_zh_hans="充值", team=team)
user = User.objects.create_user("bench", role="admin")
ApiToken.issue(user, "benchmark", key="{BENCH_TOKEN}")
"""


def client_loop(url, token, stop_at, latencies, errors, worker):
    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        body = json.dumps(
            {
                "subject": f"Deposit not credited #{worker}-{n}",
                "body": "I sent 150 USDT on TRC20 forty minutes ago and it is not in my "
                "spot wallet. 我的充值还没有到账。",
                "customer": {"uid": f"{worker:02d}{n % 500:06d}", "email": f"t{n}@example.com"},
                "category": "deposit",
                "fields": {"coin": "USDT", "network": "TRC20", "amount": "150"},
            }
        )
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/conversations", body, headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 201
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        elapsed = (time.perf_counter() - started) * 1000
        if ok:
            latencies.append(elapsed)
        else:
            errors.append(elapsed)
    conn.close()


def run_load(url: str, token: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[float] = []
    # A short warm-up so imports and first connections do not count.
    run_clients(url, token, clients, 2.0, [], [])
    started = time.monotonic()
    run_clients(url, token, clients, seconds, latencies, errors)
    duration = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> float | None:
        return round(latencies[max(0, int(len(latencies) * p) - 1)], 1) if latencies else None

    return {
        "tickets_per_s": round(len(latencies) / duration, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p90_ms": percentile(0.90),
        "p99_ms": percentile(0.99),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "tickets": len(latencies),
        "errors": len(errors),
        "clients": clients,
        "seconds": round(duration, 1),
    }


def run_clients(url, token, clients, seconds, latencies, errors):
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(url, token, stop_at, latencies, errors, i))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web-workers", type=int, default=None, help="default: as exdesk run")
    parser.add_argument("--redis", action="store_true", help="Redis for cache, queue and chat")
    parser.add_argument("--url", help="a running exdesk (then --token is required)")
    parser.add_argument("--token")
    args = parser.parse_args()
    args.web_workers = args.web_workers or (2 if args.redis else 1)
    env = {"EXDESK_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    env["REDIS_URL"] = "redis://127.0.0.1:6379/13" if args.redis else ""
    if args.url:
        result = run_load(args.url, args.token, args.clients, args.seconds)
    else:
        server = running_exdesk(
            postgres_server_url=PG_SERVER_URL if args.db == "postgresql" else None,
            web_workers=args.web_workers,
            setup_code=SETUP,
            env=env,
        )
        with server as running:
            result = run_load(running.url, BENCH_TOKEN, args.clients, args.seconds)
    workers = None if args.url else args.web_workers
    print(json.dumps({**result, "db": args.db, "redis": args.redis, "web_workers": workers}))


if __name__ == "__main__":
    main()
