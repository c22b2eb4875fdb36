"""How many agents a queue needs: Erlang C (M/M/N, callers wait, nobody gives up).

Plain arithmetic, no Django: the staffing page, the API, the widget's expected wait and
the routing simulation all call these functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Past this many agents the answer is not a staffing question any more.
MAX_AGENTS = 10_000


def erlang_b(agents: int, traffic: float) -> float:
    """Probability that an arrival finds every agent busy in a loss system, by the
    stable recursion B(n) = A·B(n-1) / (n + A·B(n-1)), B(0) = 1."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that an arrival waits (all ``agents`` busy) with ``traffic`` Erlangs
    offered. 1.0 when the queue is unstable (traffic ≥ agents)."""
    if agents <= 0 or traffic >= agents:
        return 1.0
    if traffic <= 0:
        return 0.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


@dataclass(frozen=True)
class Staffing:
    agents: int
    traffic_erlangs: float
    probability_of_waiting: float
    service_level: float  # share answered within the target
    average_wait_seconds: float
    occupancy: float


def measure(
    agents: int, arrivals_per_hour: float, handling_seconds: float, target_seconds: float
) -> Staffing:
    """What ``agents`` achieve for this load."""
    traffic = arrivals_per_hour * handling_seconds / 3600
    waiting = erlang_c(agents, traffic)
    if traffic >= agents:
        return Staffing(agents, traffic, 1.0, 0.0, math.inf, 1.0)
    spare = agents - traffic
    # P(wait > t) = C · exp(-(N - A) · t / AHT)
    service_level = 1 - waiting * math.exp(-spare * target_seconds / handling_seconds)
    average_wait = waiting * handling_seconds / spare
    return Staffing(agents, traffic, waiting, service_level, average_wait, traffic / agents)


def agents_needed(
    arrivals_per_hour: float,
    handling_seconds: float,
    target_seconds: float,
    service_level: float,
    max_occupancy: float = 1.0,
) -> Staffing:
    """The fewest agents that answer ``service_level`` of arrivals within
    ``target_seconds`` (and keep occupancy at or under ``max_occupancy``)."""
    if arrivals_per_hour < 0 or handling_seconds <= 0 or target_seconds < 0:
        raise ValueError("arrivals must be ≥ 0, handling time > 0 and the target ≥ 0")
    if not 0 < service_level < 1:
        raise ValueError("the service level is a share between 0 and 1, e.g. 0.8")
    if not 0 < max_occupancy <= 1:
        raise ValueError("the maximum occupancy is a share between 0 and 1")
    traffic = arrivals_per_hour * handling_seconds / 3600
    agents = max(1, math.floor(traffic) + 1)
    while agents <= MAX_AGENTS:
        result = measure(agents, arrivals_per_hour, handling_seconds, target_seconds)
        if result.service_level >= service_level and result.occupancy <= max_occupancy:
            return result
        agents += 1
    raise ValueError("this load needs more agents than exdesk plans for")


def around(
    plan: Staffing, arrivals_per_hour: float, handling_seconds: float, target_seconds: float
):
    """What two fewer to two more agents than ``plan`` would give (stable queues only)."""
    return [
        measure(n, arrivals_per_hour, handling_seconds, target_seconds)
        for n in range(max(1, plan.agents - 2), plan.agents + 3)
        if n > plan.traffic_erlangs
    ]


def expected_wait(
    position: int, chats_held: list[tuple[int, int]], handling_seconds: float
) -> int | None:
    """Seconds until the chat at ``position`` in the queue is taken, from the desk as it
    is now: ``chats_held`` is (chats held, concurrent chats allowed) per online agent.
    The free places go first; after that the queue moves one place each time a chat
    ends, and with every place busy one ends every ``handling_seconds / places``.
    None with nobody online (no estimate to give)."""
    places = sum(allowed for _held, allowed in chats_held)
    if places <= 0:
        return None
    free = sum(max(0, allowed - held) for held, allowed in chats_held)
    if position <= free:
        return 0
    return math.ceil((position - free) * handling_seconds / places)
