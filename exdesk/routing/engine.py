"""The routing rules, on plain values: who may take a conversation, who takes it, and in
which order waiting conversations are offered.

No database here: ``services.route_waiting`` reads a snapshot and applies the result,
and ``benchmarks/routing_sim.py`` runs the same functions in simulated time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

PRIORITY_RANK = {"p0": 0, "p1": 1, "p2": 2, "p3": 3}
# A security emergency (an account being drained) is not kept waiting by a full desk:
# an eligible agent may take this many conversations of it over their capacity.
OVER_CAPACITY = {"p0": 1}


@dataclass
class Agent:
    id: int
    teams: frozenset[int] = frozenset()
    # Empty: answers in any language.
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    chats: int = 0
    tickets: int = 0
    max_chats: int = 3
    max_tickets: int = 20
    # When the agent last took a conversation or came online (seconds, any epoch).
    idle_since: float = 0.0
    # A compliance officer: the only people given compliance cases.
    sees_restricted: bool = False

    def has_room_for(self, is_chat: bool, priority: str = "") -> bool:
        extra = OVER_CAPACITY.get(priority, 0)
        if is_chat:
            return self.chats < self.max_chats + extra
        return self.tickets < self.max_tickets + extra

    def load(self, is_chat: bool) -> tuple[float, float]:
        """Share of capacity in use: first of this kind, then of everything."""
        chats = self.chats / max(self.max_chats, 1)
        tickets = self.tickets / max(self.max_tickets, 1)
        return (chats, tickets) if is_chat else (tickets, chats)


@dataclass
class Work:
    id: int
    is_chat: bool
    created: float
    priority: str = "p2"
    vip_tier: int = 0
    team: int | None = None
    language: str = ""
    skill: str = ""
    # The first- or next-response deadline of its SLA, if any.
    due: float | None = None
    pinned_agent: int | None = None
    # A compliance case.
    restricted: bool = False
    # Re-routed after a breach: offered to this agent only if nobody else may take it.
    avoid_agent: int | None = None
    extra: dict = field(default_factory=dict, compare=False)


def eligible(agent: Agent, work: Work) -> bool:
    """Online agents only are passed in; this checks everything else."""
    if not agent.has_room_for(work.is_chat, work.priority):
        return False
    if work.restricted and not agent.sees_restricted:
        return False
    if work.pinned_agent is not None:
        return agent.id == work.pinned_agent
    if work.team is not None and work.team not in agent.teams:
        return False
    if work.language and agent.languages and work.language not in agent.languages:
        return False
    return not work.skill or work.skill in agent.skills


def choose(work: Work, agents: Iterable[Agent]) -> Agent | None:
    """Among eligible agents: the least loaded, then the longest idle (the agent a
    breach took it from only if nobody else may take it)."""
    candidates = [a for a in agents if eligible(a, work)]
    if not candidates:
        return None
    others = [a for a in candidates if a.id != work.avoid_agent]
    candidates = others or candidates
    return min(candidates, key=lambda a: (a.load(work.is_chat), a.idle_since, a.id))


def queue_order(work: Work) -> tuple:
    """Priority (P0 first), then VIP tier (highest first), then SLA deadline, then age."""
    return (
        PRIORITY_RANK.get(work.priority, 9),
        -work.vip_tier,
        work.due if work.due is not None else math.inf,
        work.created,
        work.id,
    )


def take(agent: Agent, work: Work, now: float) -> None:
    if work.is_chat:
        agent.chats += 1
    else:
        agent.tickets += 1
    agent.idle_since = now


def release(agent: Agent, is_chat: bool, now: float) -> None:
    if is_chat:
        agent.chats = max(0, agent.chats - 1)
    else:
        agent.tickets = max(0, agent.tickets - 1)
    if agent.chats == 0 and agent.tickets == 0:
        agent.idle_since = now


def dispatch(waiting: Iterable[Work], agents: list[Agent], now: float) -> list[tuple[Work, Agent]]:
    """Offer waiting work in queue order; each piece goes to the best eligible agent with
    room. Work nobody may take stays queued without holding up work behind it that
    someone else can take. Agents' loads are updated as work is handed out."""
    handed: list[tuple[Work, Agent]] = []
    for work in sorted(waiting, key=queue_order):
        if not any(a.has_room_for(work.is_chat, work.priority) for a in agents):
            if not any(a.has_room_for(kind, "p0") for a in agents for kind in (True, False)):
                break  # a full desk: nothing further down the queue can be placed
            continue
        agent = choose(work, agents)
        if agent is not None:
            take(agent, work, now)
            handed.append((work, agent))
    return handed
