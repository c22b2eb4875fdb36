"""How quickly and cheaply can another process see new timeline events by tailing the
event table, while tickets are created at full speed? (An input for cross-process chat
delivery without Redis on SQLite.)

Starts exdesk as `make run` does, runs the ticket load of ticket_ingest.py, and in a
separate process polls `conversations_event WHERE id > last` every --interval seconds.
Prints one JSON object: the load's figures and the tail's lag (insert → seen) and CPU.

    python benchmarks/event_tail.py --seconds 20 --interval 0.02
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from exdesk.devserver import running_exdesk

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ticket_ingest import BENCH_TOKEN, SETUP, run_load


def tail(database: str, seconds: float, interval: float) -> dict:
    conn = sqlite3.connect(database, timeout=5)
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM conversations_event").fetchone()
    lags: list[float] = []
    started, cpu_started = time.monotonic(), time.process_time()
    while time.monotonic() - started < seconds:
        rows = conn.execute(
            "SELECT id, created_at FROM conversations_event WHERE id > ? ORDER BY id LIMIT 2000",
            (last,),
        ).fetchall()
        now = datetime.now(UTC)
        for event_id, created in rows:
            created_at = datetime.fromisoformat(created).replace(tzinfo=UTC)
            lags.append((now - created_at).total_seconds() * 1000)
            last = event_id
        time.sleep(interval)
    cpu = time.process_time() - cpu_started
    lags.sort()
    return {
        "interval_ms": interval * 1000,
        "events_seen": len(lags),
        "cpu_ms_per_s": round(cpu / seconds * 1000, 1),
        "lag_p50_ms": round(lags[len(lags) // 2], 1) if lags else None,
        "lag_p99_ms": round(lags[max(0, int(len(lags) * 0.99) - 1)], 1) if lags else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--tail-only", nargs=1, metavar="DATABASE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tail_only:
        print(json.dumps(tail(args.tail_only[0], args.seconds, args.interval)))
        return
    env = {"EXDESK_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    with running_exdesk(web_workers=2, setup_code=SETUP, env=env) as server:
        database = f"{server.data_dir}/exdesk.sqlite3"
        options = ["--seconds", str(args.seconds), "--interval", str(args.interval)]
        tailer = subprocess.Popen(
            [sys.executable, __file__, "--tail-only", database, *options],
            stdout=subprocess.PIPE,
            text=True,
        )
        load = run_load(server.url, BENCH_TOKEN, 8, args.seconds)
        tail_result = json.loads(tailer.communicate()[0])
    print(json.dumps({"load": load, "tail": tail_result}))


if __name__ == "__main__":
    main()
