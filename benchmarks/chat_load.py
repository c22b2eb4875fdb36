"""Live chat under load: customers send, agents receive what was stored.

Starts exdesk as `exdesk run` does (or targets --url), opens --customers customer sockets
(each opens its chat) and --agents console sockets (each watches its share of the
chats), then sends --rate messages per second in total for --seconds. Latency is from a
customer's send to the moment the watching agent receives the stored event. The same
load then runs against a bare Channels relay (/ws/echo/) in the same server, as the
framework's own limit. Prints one JSON object:

    {"customers":…, "rate":…, "delivered":…, "lost":…, "dup":…, "p50_ms":…, "p99_ms":…,
     "raw_echo_p99_ms":…, "cpu_s":…, "rss_mb":…}

    python benchmarks/chat_load.py --customers 1000 --agents 20 --rate 500 --seconds 60
    python benchmarks/chat_load.py --db postgresql --redis      # two processes, Redis
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from pathlib import Path

import websockets

from exdesk.chat.client import socket_url
from exdesk.devserver import running_exdesk

PG_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"
SERVER_ENV = {
    "EXDESK_CHAT_MESSAGES_PER_10S": "1000000",
    "EXDESK_CHAT_IP_MESSAGES_PER_MINUTE": "100000000",
    "EXDESK_CHAT_IP_CONNECTIONS_PER_MINUTE": "1000000",
    "EXDESK_CHAT_ECHO_ENDPOINT": "1",
}
AGENTS_SETUP = """
import json
from exdesk import testing
cookies = [testing.session_cookie(testing.staff(f"agent{n:02d}")) for n in range({agents})]
print(json.dumps(cookies))
"""
CONNECT_AT_ONCE = 50


# ---------------------------------------------------------------- server resources


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


# ---------------------------------------------------------------- load


class Load:
    """Send times by message id, what the agents received, and the server's CPU time
    while messages were flowing."""

    def __init__(self, pids: list[int] | None = None):
        self.pids = pids or []
        self.cpu_s = 0.0
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.received: set[str] = set()
        self.dup = 0
        self.timeline: list[tuple[float, float]] = []  # (sent at, latency)

    def arrived(self, message_id: str) -> None:
        sent = self.sent_at.get(message_id)
        if sent is None:
            return
        if message_id in self.received:
            self.dup += 1
            return
        self.received.add(message_id)
        self.latencies.append(time.perf_counter() - sent)
        self.timeline.append((sent, self.latencies[-1]))


async def drain(ws) -> None:
    """Customers read everything the server sends them (their own events, acks)."""
    try:
        async for _ in ws:
            pass
    except websockets.ConnectionClosed:
        pass


async def open_socket(url: str, path: str, origin: str, cookie: str | None = None):
    headers = {"Cookie": cookie} if cookie else {}
    return await websockets.connect(
        socket_url(url, path),
        origin=origin,
        additional_headers=headers,
        max_size=2**22,
        ping_interval=None,
        open_timeout=60,
    )


async def open_customers(url: str, count: int) -> list[tuple]:
    """Each customer opens its chat; returns (socket, conversation id) pairs."""
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def one(n: int):
        async with gate:
            ws = await open_socket(url, "/ws/chat/", url)
            await ws.send(json.dumps({"type": "hello", "token": None, "after": 0}))
            await ws.send(
                json.dumps({"type": "message", "client_id": f"open-{n}", "body": "hello"})
            )
            async for text in ws:
                frame = json.loads(text)
                if frame["type"] == "ack":
                    return ws, frame["conversation"]
                if frame["type"] == "error":
                    raise RuntimeError(frame)
            raise RuntimeError("closed before the chat opened")

    return await asyncio.gather(*(one(n) for n in range(count)))


async def agent_reader(ws, load: Load, parse) -> None:
    try:
        async for text in ws:
            message_id = parse(text)
            if message_id:
                load.arrived(message_id)
    except websockets.ConnectionClosed:
        pass


def chat_message_id(text: str) -> str | None:
    frame = json.loads(text)
    if frame.get("type") == "event" and frame.get("kind") == "customer_message":
        return frame.get("client_id")
    return None


def echo_message_id(text: str) -> str | None:
    return json.loads(text).get("client_id")


SETTLE_SECONDS = 10


async def pace(senders: list, rate: int, seconds: float, load: Load, frame, wait=True) -> int:
    """Open-loop: one message every 1/rate s, round robin over customers."""
    interval = 1 / rate
    total = int(rate * seconds)
    cpu_before = cpu_seconds(load.pids)
    start = time.perf_counter()
    for n, sender in zip(range(total), itertools.cycle(senders), strict=False):
        due = start + n * interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        message_id = f"m{n}"
        load.sent_at[message_id] = time.perf_counter()
        await sender.send(frame(message_id))
    if wait:
        await settle(load, total, SETTLE_SECONDS)
    load.cpu_s = cpu_seconds(load.pids) - cpu_before
    return total


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 1)


async def chat_phase(url, cookies, customers, rate, seconds, warmup, pids):
    agents = []
    for cookie in cookies:
        ws = await open_socket(url, "/ws/console/", url, cookie)
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "presence", "status": "online"}))
        await ws.recv()
        agents.append(ws)
    opened = await open_customers(url, customers)
    drains = [asyncio.create_task(drain(ws)) for ws, _ in opened]
    for index, agent in enumerate(agents):
        mine = [conversation for _, conversation in opened[index :: len(agents)]]
        await agent.send(json.dumps({"type": "watch", "conversations": mine}))

    def frame(message_id: str) -> str:
        body = f"{message_id}: my deposit of 150 USDT on TRC20 is not credited yet"
        return json.dumps({"type": "message", "client_id": message_id, "body": body})

    # Warm-up at the same rate, not counted: the server settles after a thousand chats
    # opened at once.
    await pace([ws for ws, _ in opened], rate, warmup, Load(), lambda m: frame(f"w{m}"), wait=False)
    await asyncio.sleep(2)
    load = Load(pids)
    readers = [asyncio.create_task(agent_reader(ws, load, chat_message_id)) for ws in agents]
    sent = await pace([ws for ws, _ in opened], rate, seconds, load, frame)
    for ws in [*agents, *(ws for ws, _ in opened)]:
        await ws.close()
    for task in [*drains, *readers]:
        task.cancel()
    return load, sent


async def echo_phase(url: str, agent_count: int, customers: int, rate: int, seconds: float):
    rooms = [str(n) for n in range(customers)]
    agents = [
        await open_socket(url, f"/ws/echo/?rooms={','.join(rooms[i::agent_count])}", url)
        for i in range(agent_count)
    ]
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def customer(room: str):
        async with gate:
            return await open_socket(url, f"/ws/echo/?rooms={room}", url)

    senders = await asyncio.gather(*(customer(room) for room in rooms))
    drains = [asyncio.create_task(drain(ws)) for ws in senders]
    await asyncio.sleep(1)
    load = Load()
    readers = [asyncio.create_task(agent_reader(ws, load, echo_message_id)) for ws in agents]

    def frame(message_id: str) -> str:
        return json.dumps({"client_id": message_id, "body": "x" * 60})

    sent = await pace(senders, rate, seconds, load, frame)
    for ws in [*agents, *senders]:
        await ws.close()
    for task in [*drains, *readers]:
        task.cancel()
    return load, sent


async def settle(load: Load, sent: int, patience: float = 10) -> None:
    """Wait for stragglers; whatever has not arrived by then is lost."""
    deadline = time.perf_counter() + patience
    while len(load.received) < sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)


def run(args, url: str, cookies: list[str], server_root: int | None) -> dict:
    pids = process_tree(server_root) if server_root else []
    load, sent = asyncio.run(
        chat_phase(url, cookies, args.customers, args.rate, args.seconds, args.warmup, pids)
    )
    memory = rss_mb(pids)
    if args.timeline:  # the slowest message of each second, to find stalls
        start = min(sent for sent, _ in load.timeline)
        worst: dict[int, float] = {}
        for sent_at, latency in load.timeline:
            second = int(sent_at - start)
            worst[second] = max(worst.get(second, 0), latency)
        print(json.dumps({s: round(v * 1000) for s, v in sorted(worst.items())}), file=sys.stderr)
    echo, echo_sent = asyncio.run(
        echo_phase(url, args.agents, args.customers, args.rate, args.echo_seconds)
    )
    return {
        "customers": args.customers,
        "agents": args.agents,
        "rate": args.rate,
        "seconds": args.seconds,
        "sent": sent,
        "delivered": len(load.received),
        "lost": sent - len(load.received),
        "dup": load.dup,
        "p50_ms": percentile(load.latencies, 0.50),
        "p99_ms": percentile(load.latencies, 0.99),
        "max_ms": percentile(load.latencies, 1.0),
        "raw_echo_p50_ms": percentile(echo.latencies, 0.50),
        "raw_echo_p99_ms": percentile(echo.latencies, 0.99),
        "raw_echo_lost": echo_sent - len(echo.received),
        "cpu_s": round(load.cpu_s, 1),
        "cpu_ms_per_message": round(load.cpu_s * 1000 / sent, 2) if sent else None,
        "rss_mb": round(memory, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--rate", type=int, default=500, help="messages per second, in total")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--echo-seconds", type=float, default=None)
    parser.add_argument("--warmup", type=float, default=10, help="seconds at rate, not counted")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--redis", action="store_true", help="Redis channel layer")
    parser.add_argument("--web-workers", type=int, default=None)
    parser.add_argument("--timeline", action="store_true", help="slowest message per second")
    parser.add_argument(
        "--no-task-worker", action="store_true", help="no background tasks (to isolate them)"
    )
    parser.add_argument(
        "--patience", type=float, default=10, help="seconds to wait for stragglers (then lost)"
    )
    args = parser.parse_args()
    args.echo_seconds = args.echo_seconds or args.seconds
    global SETTLE_SECONDS
    SETTLE_SECONDS = args.patience
    workers = args.web_workers or (2 if args.redis else 1)
    env = {**SERVER_ENV, **({"REDIS_URL": REDIS_URL} if args.redis else {"REDIS_URL": ""})}
    with running_exdesk(
        postgres_server_url=PG_SERVER_URL if args.db == "postgresql" else None,
        web_workers=workers,
        env=env,
        task_worker=not args.no_task_worker,
    ) as server:
        output = server.manage("shell", "-c", AGENTS_SETUP.replace("{agents}", str(args.agents)))
        cookies = json.loads(output.strip().splitlines()[-1])
        result = run(args, server.url, cookies, server.processes[0].pid)
    result.update({"db": args.db, "redis": args.redis, "web_workers": workers})
    if result["p99_ms"] is not None and result["raw_echo_p99_ms"] is not None:
        result["p99_vs_echo"] = round(result["p99_ms"] / max(result["raw_echo_p99_ms"], 0.1), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
