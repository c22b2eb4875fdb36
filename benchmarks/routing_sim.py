"""A simulated day of chats through exdesk's routing rules and two plain baselines, in
simulated time. Prints one JSON object.

    python benchmarks/routing_sim.py [--seed 1] [--agents 12] [--rate 120] [--surge 10]

The day: Poisson arrivals at --rate chats an hour, --surge times that for one hour
(14:00–15:00, a market crash); 2 % P0 (security), 13 % P1, 60 % P2, 25 % P3; English and
Chinese; skills (deposits, KYC, futures, security for every P0); 10 % VIP. Handling time
is exponential, 6 minutes a chat; an agent takes up to 3 chats at once. First-response
SLA targets: P0 2 min, P1 10 min, P2 30 min, P3 60 min.

Strategies, each with the same staff:
- exdesk: ``exdesk.routing.engine.dispatch`` — the functions the routing service runs —
  on every arrival and every finished chat (priority, VIP, deadline, age; eligibility by
  language, skill and capacity; least loaded, then longest idle; P0 one over capacity).
- round_robin: each chat goes at once to the next agent in turn who speaks its language,
  and waits in that agent's own line (oldest first) for a free slot.
- fifo: one line in arrival order; a free slot takes the oldest chat it is eligible for.

The single-class check runs the engine on one line of identical chats, one chat per
agent, and compares the share that waited and the share answered within 20 s with
Erlang C (``exdesk.routing.staffing``).
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exdesk.routing import engine, staffing

HOUR = 3600.0
DAY = 24 * HOUR
SURGE = (14 * HOUR, 15 * HOUR)
HANDLING = 360.0
SLA = {"p0": 120.0, "p1": 600.0, "p2": 1800.0, "p3": 3600.0}
PRIORITIES = [("p0", 0.02), ("p1", 0.13), ("p2", 0.60), ("p3", 0.25)]
SKILLS = [("deposits", 0.35), ("kyc", 0.20), ("futures", 0.15), ("", 0.30)]


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def arrivals(rng: random.Random, rate: float, surge: float) -> list[engine.Work]:
    """A non-homogeneous Poisson day by thinning."""
    peak = rate * surge / HOUR
    items, now, n = [], 0.0, 0
    while True:
        now += rng.expovariate(peak)
        if now >= DAY:
            return items
        current = rate * (surge if SURGE[0] <= now < SURGE[1] else 1) / HOUR
        if rng.random() > current / peak:
            continue
        n += 1
        priority = pick(rng, PRIORITIES)
        items.append(
            engine.Work(
                id=n,
                is_chat=True,
                created=now,
                priority=priority,
                vip_tier=rng.choice([1, 2, 3]) if rng.random() < 0.10 else 0,
                language="zh-hans" if rng.random() < 0.45 else "en",
                skill="security" if priority == "p0" else pick(rng, SKILLS),
                due=now + SLA[priority],
                extra={"handling": rng.expovariate(1 / HANDLING)},
            )
        )


def staff(count: int) -> list[engine.Agent]:
    """Half answer in English, half in Chinese, a few in both; every agent holds two of
    the three common skills and one in three also handles security."""
    common = ["deposits", "kyc", "futures"]
    agents = []
    for i in range(count):
        languages = {"en"} if i % 2 == 0 else {"zh-hans"}
        if i % 5 == 4:
            languages = {"en", "zh-hans"}
        skills = {common[i % 3], common[(i + 1) % 3]}
        if i % 3 == 0:
            skills.add("security")
        agents.append(engine.Agent(i + 1, languages=frozenset(languages), skills=frozenset(skills)))
    return agents


class Exdesk:
    def __init__(self, agents: list[engine.Agent]) -> None:
        self.agents = agents
        self.waiting: dict[int, engine.Work] = {}

    def arrive(self, work, now):
        self.waiting[work.id] = work
        return self.step(now)

    def free(self, agent, work, now):
        engine.release(agent, True, now)
        return self.step(now)

    def step(self, now):
        handed = engine.dispatch(self.waiting.values(), self.agents, now)
        for work, _agent in handed:
            del self.waiting[work.id]
        return handed


class RoundRobin:
    def __init__(self, agents: list[engine.Agent]) -> None:
        self.agents = agents
        self.lines: dict[int, list] = defaultdict(list)
        self.turn = 0

    def arrive(self, work, now):
        for offset in range(len(self.agents)):
            agent = self.agents[(self.turn + offset) % len(self.agents)]
            if work.language in agent.languages:
                self.turn = (self.turn + offset + 1) % len(self.agents)
                heapq.heappush(self.lines[agent.id], (work.created, work.id, work))
                return self.start(agent, now)
        return []

    def free(self, agent, work, now):
        engine.release(agent, True, now)
        return self.start(agent, now)

    def start(self, agent, now):
        line = self.lines[agent.id]
        if line and agent.chats < agent.max_chats:
            work = heapq.heappop(line)[2]
            engine.take(agent, work, now)
            return [(work, agent)]
        return []


class Fifo:
    def __init__(self, agents: list[engine.Agent]) -> None:
        self.agents = agents
        self.line: list[engine.Work] = []

    def arrive(self, work, now):
        self.line.append(work)
        return self.step(now)

    def free(self, agent, work, now):
        engine.release(agent, True, now)
        return self.step(now)

    def step(self, now):
        handed = []
        for work in list(self.line):
            for agent in self.agents:
                # Plain capacity (no P0 overflow), then language and skill.
                if agent.chats < agent.max_chats and engine.eligible(agent, work):
                    engine.take(agent, work, now)
                    handed.append((work, agent))
                    self.line.remove(work)
                    break
            if all(a.chats >= a.max_chats for a in self.agents):
                break
        return handed


def simulate(strategy, items: list[engine.Work]) -> dict[int, float]:
    """Seconds each chat waited for its agent."""
    events: list = [(w.created, 0, w.id, "arrive", w, None) for w in items]
    heapq.heapify(events)
    waits: dict[int, float] = {}
    sequence = 1
    while events:
        now, _, _, kind, work, agent = heapq.heappop(events)
        handed = strategy.arrive(work, now) if kind == "arrive" else strategy.free(agent, work, now)
        for started, by in handed:
            waits[started.id] = now - started.created
            sequence += 1
            finish = now + started.extra["handling"]
            heapq.heappush(events, (finish, sequence, started.id, "free", started, by))
    return waits


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summarise(items, waits, only=None) -> dict:
    report = {}
    for priority, _ in PRIORITIES:
        chosen = [w for w in items if w.priority == priority and (only is None or only(w))]
        if not chosen:
            continue
        answered = [waits[w.id] for w in chosen if w.id in waits]
        within = sum(1 for w in chosen if w.id in waits and waits[w.id] <= SLA[priority])
        report[priority] = {
            "n": len(chosen),
            "within_sla": round(within / len(chosen), 4),
            "p95_wait_s": round(percentile(answered, 0.95), 1),
        }
    return report


def erlang_check(rng: random.Random, agents: int, traffic: float, target: float, n: int) -> dict:
    rate = traffic / HANDLING * HOUR  # arrivals an hour
    items, now = [], 0.0
    for i in range(n):
        now += rng.expovariate(rate / HOUR)
        work = engine.Work(i + 1, True, now, extra={"handling": rng.expovariate(1 / HANDLING)})
        items.append(work)
    team = [engine.Agent(i + 1, max_chats=1) for i in range(agents)]
    waits = simulate(Exdesk(team), items)
    settled = [waits[w.id] for w in items[n // 10 :]]  # the first tenth warms the queue up
    predicted = staffing.measure(agents, rate, HANDLING, target)
    simulated_wait = sum(1 for w in settled if w > 1e-9) / len(settled)
    simulated_level = sum(1 for w in settled if w <= target) / len(settled)
    return {
        "agents": agents,
        "traffic_erlangs": traffic,
        "chats": n,
        "predicted_probability_of_waiting": round(predicted.probability_of_waiting, 4),
        "simulated_probability_of_waiting": round(simulated_wait, 4),
        "predicted_service_level_20s": round(predicted.service_level, 4),
        "simulated_service_level_20s": round(simulated_level, 4),
        "predicted_average_wait_s": round(predicted.average_wait_seconds, 1),
        "simulated_average_wait_s": round(sum(settled) / len(settled), 1),
        "worst_relative_difference": round(
            max(
                abs(simulated_wait - predicted.probability_of_waiting)
                / predicted.probability_of_waiting,
                abs(simulated_level - predicted.service_level) / predicted.service_level,
            ),
            4,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agents", type=int, default=12)
    parser.add_argument("--rate", type=float, default=120, help="chats an hour outside the surge")
    parser.add_argument("--surge", type=float, default=10)
    parser.add_argument("--erlang-chats", type=int, default=200_000)
    args = parser.parse_args()

    items = arrivals(random.Random(args.seed), args.rate, args.surge)
    in_surge = lambda w: SURGE[0] <= w.created < SURGE[1]  # noqa: E731
    result: dict = {
        "seed": args.seed,
        "agents": args.agents,
        "chats": len(items),
        "rate_per_hour": args.rate,
        "surge": args.surge,
        "sla_seconds": SLA,
    }
    for name, strategy in (("exdesk", Exdesk), ("round_robin", RoundRobin), ("fifo", Fifo)):
        waits = simulate(strategy(staff(args.agents)), items)
        result[name] = {
            "day": summarise(items, waits),
            "surge_hour": summarise(items, waits, in_surge),
        }
    result["erlang_c"] = erlang_check(
        random.Random(args.seed), agents=10, traffic=8.0, target=20.0, n=args.erlang_chats
    )
    result["erlang_c_agrees_within_5_percent"] = (
        result["erlang_c"]["worst_relative_difference"] <= 0.05
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
