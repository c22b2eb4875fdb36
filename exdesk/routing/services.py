"""Who is online to answer, who gets each waiting conversation, and where a waiting
chat stands (docs/routing.md).

The rules themselves are in ``engine`` on plain values; this module reads a snapshot
of agents and waiting conversations from the database, asks the engine, and applies
its answer through the conversations services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.academy import selectors as academy
from exdesk.accounts.choices import ANSWERS_CUSTOMERS, SEES_COMPLIANCE_CASES, EscalationKind
from exdesk.accounts.models import Team, User
from exdesk.accounts.permissions import manages_routing, sees_compliance_cases
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, Status
from exdesk.conversations.models import Conversation

from . import engine, staffing
from .models import (
    AgentPresence,
    ConsoleConnection,
    Escalation,
    PresenceStatus,
    RerouteMark,
    RoutingPin,
)

# A console socket refreshes itself every HEARTBEAT; one silent for STALE (its process was
# killed, its network cut) no longer keeps its agent online.
HEARTBEAT = dt.timedelta(seconds=30)
STALE = dt.timedelta(seconds=90)
DEFAULT_CHAT_HANDLING = dt.timedelta(minutes=5)
RECENT_CHATS = 50


# ---------------------------------------------------------------- presence


def presence_of(user: User) -> str:
    presence = AgentPresence.objects.filter(user=user).first()
    return presence.status if presence else PresenceStatus.OFFLINE


def set_presence(user: User, status: str) -> str:
    if status not in PresenceStatus.values:
        raise ValidationError({"status": _("Unknown presence.")})
    defaults: dict = {"status": status}
    if status == PresenceStatus.ONLINE:
        defaults["idle_since"] = timezone.now()
    AgentPresence.objects.update_or_create(user=user, defaults=defaults)
    if status != PresenceStatus.ONLINE:
        hand_back(user, reason="away")
    _request_routing()
    return status


def _request_routing() -> None:
    from .tasks import request_routing

    transaction.on_commit(request_routing, robust=True)


def connect(user: User, channel_name: str) -> None:
    ConsoleConnection.objects.update_or_create(
        channel_name=channel_name, defaults={"user": user, "seen_at": timezone.now()}
    )


def heartbeat(channel_name: str) -> None:
    ConsoleConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def disconnect(channel_name: str) -> None:
    """The socket went: the agent stays online only through another live socket."""
    ConsoleConnection.objects.filter(channel_name=channel_name).delete()
    ConsoleConnection.objects.filter(seen_at__lt=timezone.now() - STALE).delete()


def online_agents() -> QuerySet[User]:
    live = timezone.now() - STALE
    return User.objects.filter(
        is_active=True,
        role__in=ANSWERS_CUSTOMERS,
        presence__status=PresenceStatus.ONLINE,
        console_connections__seen_at__gte=live,
    ).distinct()


# ---------------------------------------------------------------- availability


def within_chat_hours(now: dt.datetime | None = None) -> bool:
    hours = (settings.CHAT_HOURS or "24/7").strip()
    if hours == "24/7":
        return True
    start_text, end_text = hours.split("-")
    start = dt.time.fromisoformat(start_text.strip())
    end = dt.time.fromisoformat(end_text.strip())
    local = timezone.localtime(now or timezone.now()).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # a night shift across midnight


def availability() -> tuple[bool, str | None]:
    """Whether a person can answer a chat now, and if not, why."""
    if not within_chat_hours():
        return False, "closed_hours"
    if not online_agents().exists():
        return False, "no_agents"
    return True, None


# ---------------------------------------------------------------- queue


def waiting_chats() -> QuerySet[Conversation]:
    """Chats nobody has taken or answered yet, oldest first."""
    return Conversation.objects.filter(
        channel=Channel.CHAT,
        status=Status.NEW,
        assignee__isnull=True,
        first_response_at__isnull=True,
    ).order_by("created_at", "id")


def typical_chat_handling() -> dt.timedelta:
    """Mean length of the latest finished chats, from first answer to the end."""
    recent = list(
        Conversation.objects.filter(
            channel=Channel.CHAT, first_response_at__isnull=False, solved_at__isnull=False
        )
        .order_by("-solved_at")
        .values_list("first_response_at", "solved_at")[:RECENT_CHATS]
    )
    spans = [
        ended - answered for answered, ended in recent if answered and ended and ended > answered
    ]
    if not spans:
        return DEFAULT_CHAT_HANDLING
    return sum(spans, dt.timedelta()) / len(spans)


def queue_status(conversation: Conversation) -> dict | None:
    """``{"position", "wait_seconds"}`` while the chat waits for its first agent: its
    place in the order routing offers chats, and the wait the desk as it is now gives
    (staffing.expected_wait; None with nobody online)."""
    waiting = waiting_chats()
    if not waiting.filter(pk=conversation.pk).exists():
        return None
    # Ahead: a higher priority, then a higher VIP tier, then older (one count: every
    # opening chat asks, a thousand at once on a crash day).
    priority, vip = conversation.priority, conversation.customer.vip_tier
    same = Q(priority=priority)
    ahead = waiting.filter(
        Q(priority__lt=priority)
        | (same & Q(customer__vip_tier__gt=vip))
        | (same & Q(customer__vip_tier=vip, created_at__lt=conversation.created_at))
    ).count()
    position = ahead + 1
    handling = typical_chat_handling().total_seconds()
    return {
        "position": position,
        "wait_seconds": staffing.expected_wait(position, chat_places(), handling),
    }


def chat_places() -> list[tuple[int, int]]:
    """(chats held, concurrent chats allowed) of each online agent."""
    agents = dict(online_agents().values_list("pk", "max_chats"))
    held = dict(
        Conversation.objects.filter(
            assignee__in=list(agents),
            channel=Channel.CHAT,
            status__in=conversations.ROUTED_STATUSES,
        )
        .values("assignee")
        .annotate(n=Count("id"))
        .values_list("assignee", "n")
    )
    return [(held.get(pk, 0), allowed) for pk, allowed in agents.items()]


# ---------------------------------------------------------------- routing

# One pass looks at this many waiting conversations, best first: enough for any desk,
# bounded for a crash-day backlog.
PASS_LIMIT = 500


def bot_first_turn() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ROUTING_BOT_FIRST_TURN_SECONDS)


def _seconds(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def agents_snapshot() -> list[engine.Agent]:
    """Online agents with what they hold now."""
    users = list(online_agents().prefetch_related("teams", "skills").select_related("presence"))
    # A skill that has a certification counts only while the certificate is valid: read
    # on every pass, so an expired or revoked one stops routing at once.
    certified = academy.certified_skills([user.pk for user in users])
    earned_only = academy.certified_skill_slugs()
    held: dict[tuple[int, bool], int] = {}
    for row in (
        Conversation.objects.filter(
            assignee__in=users, status__in=conversations.ROUTED_STATUSES, training=False
        )
        .values("assignee", "channel")
        .annotate(n=Count("id"))
    ):
        key = (row["assignee"], row["channel"] == Channel.CHAT)
        held[key] = held.get(key, 0) + row["n"]
    return [
        engine.Agent(
            id=user.pk,
            teams=frozenset(team.pk for team in user.teams.all()),
            languages=frozenset(str(code).lower() for code in user.languages or ()),
            skills=frozenset(
                {skill.slug for skill in user.skills.all() if skill.slug not in earned_only}
                | certified.get(user.pk, set())
            ),
            chats=held.get((user.pk, True), 0),
            tickets=held.get((user.pk, False), 0),
            max_chats=user.max_chats,
            max_tickets=user.max_tickets,
            idle_since=_seconds(user.presence.idle_since or user.presence.changed_at),
            sees_restricted=user.role in SEES_COMPLIANCE_CASES,
        )
        for user in users
    ]


def waiting_snapshot(limit: int = PASS_LIMIT, urgent_only: bool = False) -> list[engine.Work]:
    """Conversations nobody has, in roughly queue order (the engine sorts exactly)."""
    from exdesk.assistant.models import Intent
    from exdesk.sla.models import RESPONSE_METRICS, SlaClock

    # The deadline of the answer owed, which orders conversations of equal priority.
    owed = SlaClock.objects.filter(
        conversation=OuterRef("pk"),
        stopped_at__isnull=True,
        metric__in=RESPONSE_METRICS,
        due_at__isnull=False,
    ).order_by("due_at")
    candidates = Conversation.objects.filter(
        assignee__isnull=True, status__in=conversations.ROUTED_STATUSES
    ).exclude(  # the bot is talking to the customer: a person is offered it at handover
        channel=Channel.CHAT, bot_state__in=conversations.BOT_TALKING
    )
    if urgent_only:
        candidates = candidates.filter(priority="p0")
    if settings.ASSISTANT_BOT_ENABLED:
        # A new chat the bot has not read yet is left to it for a while (its turn asks
        # for routing when it is done); past that the bot is late, and a person is
        # offered the chat anyway.
        candidates = candidates.exclude(
            channel=Channel.CHAT, bot_state="", created_at__gt=timezone.now() - bot_first_turn()
        )
    rows = list(
        candidates.annotate(sla_due=Subquery(owed.values("due_at")[:1]))
        .select_related("customer", "routing_pin", "reroute_mark")
        .order_by(
            "priority",
            "-customer__vip_tier",
            F("sla_due").asc(nulls_last=True),
            "created_at",
            "id",
        )[:limit]
    )
    skills = dict(
        Intent.objects.filter(slug__in={c.intent for c in rows if c.intent}).values_list(
            "slug", "skill_slug"
        )
    )
    waiting = []
    for conv in rows:
        pin = getattr(conv, "routing_pin", None)
        # A conversation re-routed after a breach goes to whoever in the team is free.
        mark = getattr(conv, "reroute_mark", None)
        waiting.append(
            engine.Work(
                id=conv.pk,
                is_chat=conv.channel == Channel.CHAT,
                created=_seconds(conv.created_at),
                priority=conv.priority,
                vip_tier=conv.customer.vip_tier,
                team=(pin.team_id if pin and pin.team_id else conv.team_id),
                language="" if mark else conv.language,
                skill="" if mark else skills.get(conv.intent, ""),
                due=_seconds(conv.sla_due) if conv.sla_due else None,
                pinned_agent=pin.agent_id if pin else None,
                restricted=conv.restricted,
                avoid_agent=mark.avoid_agent_id if mark else None,
                extra={"marked": True} if mark else {},
            )
        )
    return waiting


def route_waiting() -> list[tuple[int, int]]:
    """One routing pass: every waiting conversation someone may take goes to the best
    of them. Returns (conversation, agent) pairs handed out."""
    agents = agents_snapshot()
    if not any(a.has_room_for(kind, "p0") for a in agents for kind in (True, False)):
        return []  # nobody online, or a full desk: no need to read the queue
    # With every desk full only a P0 can still be placed: read just those (a crash-day
    # backlog makes passes frequent, and they must stay cheap).
    room = any(a.has_room_for(kind) for a in agents for kind in (True, False))
    now = timezone.now()
    users = {u.pk: u for u in User.objects.filter(pk__in=[a.id for a in agents])}
    handed = []
    waiting = waiting_snapshot(urgent_only=not room)
    for work, agent in engine.dispatch(waiting, agents, now.timestamp()):
        if conversations.do_route(work.id, users[agent.id]) is not None:
            AgentPresence.objects.filter(user_id=agent.id).update(idle_since=now)
            if work.extra.get("marked"):
                RerouteMark.objects.filter(conversation_id=work.id).delete()
            handed.append((work.id, agent.id))
    return handed


def hand_back(user: User, reason: str) -> int:
    """``user`` is no longer answering: chats they hold but have not answered go back
    to the queue (unless a supervisor pinned them to this person)."""
    given = 0
    for conversation_id in (
        Conversation.objects.filter(
            assignee=user,
            channel=Channel.CHAT,
            status__in=conversations.ROUTED_STATUSES,
            first_response_at__isnull=True,
        )
        .exclude(routing_pin__agent=user)
        .values_list("pk", flat=True)
    ):
        if conversations.do_hand_back(conversation_id, user, reason) is not None:
            given += 1
    return given


def hand_back_from_absent_agents() -> int:
    """Chats held by agents whose consoles went silent (a closed laptop, a lost network)."""
    online = online_agents().values("pk")
    absent = User.objects.filter(
        assigned_conversations__channel=Channel.CHAT,
        assigned_conversations__status__in=conversations.ROUTED_STATUSES,
        assigned_conversations__first_response_at__isnull=True,
    ).exclude(pk__in=online)
    return sum(hand_back(user, reason="offline") for user in absent.distinct())


# ---------------------------------------------------------------- pins


def check_pin(actor: User, agent: User | None, team: Team | None) -> None:
    if not manages_routing(actor):
        raise PermissionDenied(_("Only supervisors pin conversations."))
    if (agent is None) == (team is None):
        raise ValidationError(_("Pin the conversation to one agent or one team."))
    if agent is not None and (not agent.is_active or agent.role not in ANSWERS_CUSTOMERS):
        raise ValidationError({"agent": _("This person does not answer customers.")})


def pin(
    conversation: Conversation, actor: User, *, agent: User | None = None, team: Team | None = None
) -> RoutingPin:
    """Routing gives ``conversation`` only to ``agent`` (waiting for them if need be), or
    only within ``team``."""
    check_pin(actor, agent, team)
    with transaction.atomic():
        if team is not None and conversation.team_id != team.pk:
            conversations.do_change_team(conversation, actor, team)
        pinned, _created = RoutingPin.objects.update_or_create(
            conversation=conversation,
            defaults={"agent": agent, "team": team, "pinned_by": actor},
        )
        conversations.do_add_note(
            conversation,
            actor,
            _("Pinned to %(target)s for routing.") % {"target": agent or team},
        )
        _request_routing()
    return pinned


def unpin(conversation: Conversation, actor: User) -> None:
    if not manages_routing(actor):
        raise PermissionDenied(_("Only supervisors pin conversations."))
    with transaction.atomic():
        if RoutingPin.objects.filter(conversation=conversation).delete()[0]:
            conversations.do_add_note(conversation, actor, _("Pin removed."))
            _request_routing()


# ---------------------------------------------------------------- re-routing


def reroute(conversation_id: int, reason: str) -> bool:
    """A breach rule: the conversation goes back to routing, away from the agent who let
    it wait, and any free agent of its team may take it. A supervisor's pin to that
    agent stands."""
    if not settings.ROUTING_ENABLED:
        return False  # agents take conversations from the inbox: nothing to hand back to
    conversation = Conversation.objects.get(pk=conversation_id)
    if conversation.status not in conversations.ROUTED_STATUSES:
        return False
    agent = conversation.assignee
    if agent and RoutingPin.objects.filter(conversation=conversation, agent=agent).exists():
        return False
    with transaction.atomic():
        RerouteMark.objects.update_or_create(
            conversation=conversation, defaults={"avoid_agent": agent}
        )
        if agent is not None:
            conversations.do_hand_back(conversation.pk, agent, reason, even_if_answered=True)
        _request_routing()
    return True


# ---------------------------------------------------------------- escalation


def escalation_team(kind: str) -> Team:
    team = Team.objects.filter(escalation_kind=kind).first() if kind else None
    if team is None:
        raise ValidationError(
            {"kind": _("No team receives these escalations; an administrator sets one.")}
        )
    return team


def open_escalation(conversation: Conversation) -> Escalation | None:
    return conversation.escalations.filter(handed_back_at__isnull=True).first()


def escalate(
    conversation: Conversation, actor: User, kind: str, reason: str, note: str
) -> Escalation:
    """Hand the conversation to the team that takes ``kind`` with a reason and a hand-off
    note; that team's queue receives it. A compliance escalation makes it a compliance
    case, hidden from everyone but compliance officers until it is handed back."""
    conversations.check_can_answer(actor, conversation)
    if kind not in EscalationKind.values:
        raise ValidationError({"kind": _("Choose where to escalate.")})
    reason, note = (reason or "").strip(), (note or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why it is escalated.")
    elif len(reason) > 200:
        errors["reason"] = _("Use at most %(n)d characters.") % {"n": 200}
    if not note:
        errors["note"] = _("Write a hand-off note: what is known, what was done, what is asked.")
    if errors:
        raise ValidationError(errors)
    team = escalation_team(kind)
    with transaction.atomic():
        if open_escalation(conversation) is not None:
            raise ValidationError(_("This conversation is already escalated."))
        escalation = Escalation.objects.create(
            conversation=conversation,
            kind=kind,
            to_team=team,
            from_team=conversation.team,
            from_agent=conversation.assignee,
            reason=reason,
            note=conversations.check_internal_text(conversation, note),
            escalated_by=actor,
        )
        if conversation.training:
            # A drill: recorded for its rubric, but no real team is told and the trainee
            # keeps the conversation.
            conversations.do_add_system_note(
                conversation,
                _("Escalated to %(team)s (a training drill: not handed over).")
                % {"team": team.name},
            )
            return escalation
        RoutingPin.objects.filter(conversation=conversation).delete()
        _tell_team(team, conversation, kind)
        conversations.do_escalate(
            conversation.pk,
            actor,
            team,
            kind=kind,
            reason=reason,
            note=escalation.note,
            restricted=kind == EscalationKind.COMPLIANCE,
        )
        _request_routing()
    return escalation


def _tell_team(team: Team, conversation: Conversation, kind: str) -> None:
    from exdesk.sla import services as sla

    members = team.members.filter(is_active=True, role__in=ANSWERS_CUSTOMERS)
    if kind == EscalationKind.COMPLIANCE:
        members = members.filter(role__in=SEES_COMPLIANCE_CASES)
    sla.notify(members, conversation, "escalation", kind)


def may_hand_back(user: User, escalation: Escalation) -> bool:
    if escalation.kind == EscalationKind.COMPLIANCE:
        return sees_compliance_cases(user)
    return manages_routing(user) or user.teams.filter(pk=escalation.to_team_id).exists()


def hand_back_escalation(conversation: Conversation, actor: User, outcome: str) -> Escalation:
    """The specialist team is done: the conversation returns to the team and the agent
    it came from, with the outcome for them to act on."""
    escalation = open_escalation(conversation)
    if escalation is None:
        raise ValidationError(_("This conversation is not escalated."))
    if not may_hand_back(actor, escalation):
        raise PermissionDenied(_("Only the team it was escalated to hands it back."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write the outcome for the first-line team.")})
    outcome = conversations.check_internal_text(conversation, outcome)
    agent = escalation.from_agent
    if agent is not None and (not agent.is_active or agent.role not in ANSWERS_CUSTOMERS):
        agent = None
    with transaction.atomic():
        escalation.handed_back_at = timezone.now()
        escalation.handed_back_by = actor
        escalation.outcome = outcome
        escalation.save(update_fields=["handed_back_at", "handed_back_by", "outcome"])
        conversations.do_end_escalation(
            conversation.pk,
            actor,
            escalation.from_team,
            agent,
            kind=escalation.kind,
            outcome=outcome,
        )
        _request_routing()
    return escalation
