"""SLA clocks: which policy a conversation falls under, when its clocks run, pause and
stop, and what happens when one warns or breaches (docs/sla.md).

The conversations services call the ``conversation_*`` hooks inside their transactions;
the task queue calls ``fire_due``, on time for each deadline and every minute besides,
so a deadline that passed while exdesk was down fires as soon as it is back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from exdesk.accounts.choices import Role
from exdesk.accounts.models import User
from exdesk.conversations.choices import Status
from exdesk.conversations.models import Conversation

from . import calendar
from .models import (
    RESPONSE_METRICS,
    BreachRule,
    Metric,
    PoliciesVersion,
    SlaClock,
    SlaPolicy,
    StaffNotification,
)

ENDED = (Status.SOLVED, Status.CLOSED)
TARGET_FIELDS: dict[str, str] = {
    Metric.FIRST_RESPONSE: "first_response_minutes",
    Metric.NEXT_RESPONSE: "next_response_minutes",
    Metric.RESOLUTION: "resolution_minutes",
}
# Raising a priority on breach stops at P1: P0 means a security emergency, which a late
# answer does not make a case.
RAISED = {"p3": "p2", "p2": "p1"}


# ---------------------------------------------------------------- policies


# Policies are read for every new conversation (a crash day opens hundreds a minute)
# and change rarely: each process keeps what it read while the version token stays the
# same. Saving or deleting a policy, calendar or holiday gives the token a new random
# value (apps.SlaConfig.ready connects the signals), in every process's view at once.
_kept: tuple[str, list[SlaPolicy]] | None = None
_VERSION_SQL = "SELECT token FROM sla_policiesversion WHERE id = 1"


def policies_changed_now(**_signal) -> None:
    global _kept
    _kept = None
    PoliciesVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def forget_policies() -> None:
    global _kept
    _kept = None


def active_policies() -> list[SlaPolicy]:
    global _kept
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    token = row[0] if row else None
    if _kept is not None and token is not None and _kept[0] == token:
        return _kept[1]
    policies = list(
        SlaPolicy.objects.filter(active=True)
        .select_related("calendar")
        .prefetch_related("calendar__holidays")
    )
    if token is not None:  # no token (a database just emptied): read every time
        _kept = (token, policies)
    return policies


def _specificity(policy: SlaPolicy) -> tuple:
    conditions = sum((bool(policy.priority), policy.min_vip_tier is not None, bool(policy.channel)))
    return (-conditions, -(policy.min_vip_tier or 0), policy.position, policy.pk)


def policy_for(
    priority: str, vip_tier: int, channel: str, policies: Iterable[SlaPolicy] | None = None
) -> SlaPolicy | None:
    """The most specific active policy matching these: most conditions set, then the
    higher VIP floor, then the lower position."""
    matching = [
        p
        for p in (active_policies() if policies is None else policies)
        if (not p.priority or p.priority == priority)
        and (p.min_vip_tier is None or vip_tier >= p.min_vip_tier)
        and (not p.channel or p.channel == channel)
    ]
    return min(matching, key=_specificity, default=None)


def _policy_of(conversation_id: int) -> tuple[SlaPolicy | None, str]:
    """The policy a conversation falls under now, and its status."""
    row = (
        Conversation.objects.filter(pk=conversation_id)
        .values("priority", "channel", "status", "customer__vip_tier", "training")
        .get()
    )
    if row["training"]:
        return None, row["status"]  # a drill: no clock, no target
    policy = policy_for(row["priority"], row["customer__vip_tier"] or 0, row["channel"])
    return policy, row["status"]


def _calendar(policy: SlaPolicy | None) -> calendar.Calendar:
    if policy is None or policy.calendar_id is None:
        return calendar.TWENTY_FOUR_SEVEN
    # The kept copy, whose holidays are read already; a clock's own copy otherwise.
    source = next((p for p in active_policies() if p.pk == policy.pk), policy)
    compiled = getattr(source, "compiled_calendar", None)
    if source.calendar is None:
        return calendar.TWENTY_FOUR_SEVEN
    if compiled is None:
        compiled = source.calendar.as_calendar()
        source.compiled_calendar = compiled  # type: ignore[attr-defined]
    return compiled


def _target_seconds(policy: SlaPolicy | None, metric: str) -> int | None:
    minutes = getattr(policy, TARGET_FIELDS[metric]) if policy else None
    return minutes * 60 if minutes else None


def _pauses(policy: SlaPolicy | None, status: str) -> bool:
    return policy is not None and status in (policy.pause_statuses or [])


# ---------------------------------------------------------------- one clock


def _arm(clock: SlaClock, cal: calendar.Calendar, now: dt.datetime) -> None:
    """Run from ``now``: the due and warning moments follow from what is left."""
    clock.running_since = now
    left = max(0.0, clock.target_seconds - clock.elapsed_seconds)
    clock.due_at = calendar.add_open_seconds(cal, now, left)
    fraction = clock.policy.warning_fraction if clock.policy else 0.75
    warn_left = max(0.0, clock.target_seconds * fraction - clock.elapsed_seconds)
    clock.warn_at = calendar.add_open_seconds(cal, now, warn_left)


def _bank(clock: SlaClock, cal: calendar.Calendar, now: dt.datetime) -> None:
    """Count the running stretch into ``elapsed_seconds`` and leave the clock paused."""
    if clock.running_since is not None:
        clock.elapsed_seconds += calendar.open_seconds_between(cal, clock.running_since, now)
    clock.running_since = clock.due_at = clock.warn_at = None


def _save(clock: SlaClock) -> None:
    clock.save()
    if clock.running_since is not None:
        _wake_at(clock.warn_at, clock.due_at)


# The minute sweep schedules a wake-up for every moment of the minute ahead
# (``schedule_upcoming``); a change schedules one itself only for a moment sooner than
# the sweep could see it. A busy chat desk starts a clock with nearly every customer
# message, and scheduling each deadline cost more than storing the message.
SWEEP_SEES = dt.timedelta(seconds=90)


def _wake_at(*moments: dt.datetime | None) -> None:
    from .tasks import wake_at

    soon = timezone.now() + SWEEP_SEES
    for moment in {m for m in moments if m is not None and m <= soon}:
        transaction.on_commit(partial(wake_at, moment), robust=True)


def upcoming_moments(now: dt.datetime, horizon: dt.timedelta, most: int = 60) -> list[dt.datetime]:
    """The distinct seconds within ``horizon`` at which a running clock warns or is due."""
    end = now + horizon
    running = SlaClock.objects.filter(stopped_at__isnull=True)
    warnings = running.filter(warned_at__isnull=True, warn_at__gt=now, warn_at__lte=end)
    deadlines = running.filter(breached_at__isnull=True, due_at__gt=now, due_at__lte=end)
    moments = set(warnings.values_list("warn_at", flat=True)[:1000])
    moments |= set(deadlines.values_list("due_at", flat=True)[:1000])
    seconds = sorted({m.replace(microsecond=0) for m in moments if m is not None})
    return seconds[:most]


def _new_clock(
    conversation_id: int,
    metric: str,
    policy: SlaPolicy | None,
    status: str,
    now: dt.datetime,
) -> SlaClock | None:
    """A clock for ``metric`` (not saved), or None if the policy sets no target for it."""
    target = _target_seconds(policy, metric)
    if target is None:
        return None
    clock = SlaClock(
        conversation_id=conversation_id,
        metric=metric,
        policy=policy,
        target_seconds=target,
        started_at=now,
    )
    if not _pauses(policy, status):
        _arm(clock, _calendar(policy), now)
    return clock


def _stop(clock: SlaClock, now: dt.datetime, *, cancelled: bool = False) -> None:
    _bank(clock, _calendar(clock.policy), now)
    clock.stopped_at = now
    clock.cancelled = cancelled and clock.breached_at is None
    clock.save()


def _open_clocks(conversation_id: int, metrics: Iterable[str] | None = None) -> list[SlaClock]:
    clocks = SlaClock.objects.filter(conversation_id=conversation_id, stopped_at__isnull=True)
    if metrics is not None:
        clocks = clocks.filter(metric__in=list(metrics))
    return list(clocks.select_related("policy__calendar"))


# ---------------------------------------------------------------- hooks


def conversation_opened(conversation: Conversation, now: dt.datetime | None = None) -> None:
    """A customer opened a conversation: its first-response and resolution clocks start."""
    now = now or timezone.now()
    policy = policy_for(conversation.priority, conversation.customer.vip_tier, conversation.channel)
    clocks = [
        clock
        for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION)
        if (clock := _new_clock(conversation.pk, metric, policy, conversation.status, now))
    ]
    SlaClock.objects.bulk_create(clocks)
    _wake_at(*(moment for clock in clocks for moment in (clock.warn_at, clock.due_at)))


# How many answers are owed, and whether a first response was ever given.
_OWED_SQL = (
    "SELECT COALESCE(SUM(CASE WHEN stopped_at IS NULL THEN 1 ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN metric = 'first_response' AND stopped_at IS NOT NULL "
    "AND NOT cancelled THEN 1 ELSE 0 END), 0) "
    "FROM sla_slaclock WHERE conversation_id = %s "
    "AND metric IN ('first_response', 'next_response')"
)


def customer_wrote(conversation_id: int, now: dt.datetime | None = None) -> None:
    """The customer wrote: unless an answer is already owed, one is owed now. (Runs for
    every chat message: one plain indexed read in the common case, without the ORM,
    whose query building alone cost more than storing the message.)"""
    with connection.cursor() as cursor:
        cursor.execute(_OWED_SQL, [conversation_id])
        owed, answered = cursor.fetchone()
    if owed:
        return
    now = now or timezone.now()
    answered = bool(answered)
    policy, status = _policy_of(conversation_id)
    metric = Metric.NEXT_RESPONSE if answered else Metric.FIRST_RESPONSE
    clock = _new_clock(conversation_id, metric, policy, status, now)
    if clock is not None:
        _save(clock)


def agent_replied(conversation_id: int, now: dt.datetime | None = None) -> None:
    """A person answered: the answer owed is given."""
    now = now or timezone.now()
    for clock in _open_clocks(conversation_id, RESPONSE_METRICS):
        _stop(clock, now)


def status_changed(
    conversation_id: int, old: str, new: str, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    if new in ENDED:
        for clock in _open_clocks(conversation_id):
            # Solving fulfils the resolution target; an answer still owed is no longer owed.
            _stop(clock, now, cancelled=clock.metric != Metric.RESOLUTION)
        return
    if old in ENDED:
        # Reopened: the resolution clock goes on from where it stopped.
        resolution = (
            SlaClock.objects.filter(conversation_id=conversation_id, metric=Metric.RESOLUTION)
            .select_related("policy__calendar")
            .order_by("-started_at", "-id")
            .first()
        )
        if resolution is not None and resolution.stopped_at is not None:
            resolution.stopped_at = None
            resolution.save()
    for clock in _open_clocks(conversation_id):
        cal = _calendar(clock.policy)
        if _pauses(clock.policy, new):
            if clock.running_since is not None:
                _bank(clock, cal, now)
                clock.save()
        elif clock.running_since is None:
            _arm(clock, cal, now)
            _save(clock)


def conditions_changed(conversation_id: int, now: dt.datetime | None = None) -> None:
    """Priority, channel or VIP tier changed: the open clocks follow the policy that
    matches now (the time already counted stays counted)."""
    now = now or timezone.now()
    policy, status = _policy_of(conversation_id)
    cal = _calendar(policy)
    for clock in _open_clocks(conversation_id):
        target = _target_seconds(policy, clock.metric)
        if target is None:
            _stop(clock, now, cancelled=True)
            continue
        running = clock.running_since is not None
        _bank(clock, _calendar(clock.policy), now)
        clock.policy, clock.target_seconds = policy, target
        if running and not _pauses(policy, status):
            _arm(clock, cal, now)
        _save(clock)


# ---------------------------------------------------------------- warnings and breaches


# Breaches handled per pass. Each takes the conversation's lock and writes its timeline,
# and a crash day breaches a thousand chats within a minute: in passes of this size,
# a second apart, the chat path keeps getting its turn at the database.
BREACHES_PER_PASS = 50


class Pass:
    """What one firing pass reads once: the rules and the supervisors to tell."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str, str], list[BreachRule]] = {}
        self._supervisors: dict[int | None, list[User]] = {}

    def rules(self, when: str, metric: str, priority: str) -> list[BreachRule]:
        key = (when, metric, priority)
        if key not in self._rules:
            self._rules[key] = rules_for(when, metric, priority)
        return self._rules[key]

    def supervisors(self, conversation: Conversation) -> list[User]:
        if conversation.team_id not in self._supervisors:
            self._supervisors[conversation.team_id] = supervisors_of(conversation)
        return self._supervisors[conversation.team_id]


def fire_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Warn and breach every running clock whose moment has come, once each: a clock
    whose deadline passed while nothing ran (a restart) breaches now, dated when it
    fell due. ``more``: breaches left for the next pass."""
    now = now or timezone.now()
    this = Pass()
    fired = {"warnings": 0, "breaches": 0}
    due = list(
        SlaClock.objects.filter(stopped_at__isnull=True, breached_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[: BREACHES_PER_PASS + 1]
    )
    for pk in due[:BREACHES_PER_PASS]:
        fired["breaches"] += _fire(pk, BreachRule.When.BREACH, this)
    warn = SlaClock.objects.filter(
        stopped_at__isnull=True, warned_at__isnull=True, warn_at__lte=now
    ).values_list("pk", "metric", "conversation__priority", "conversation__assignee")
    quiet = []
    for pk, metric, priority, assignee in list(warn[:2000]):
        if _does_something(this.rules(BreachRule.When.WARNING, metric, priority), assignee):
            fired["warnings"] += _fire(pk, BreachRule.When.WARNING, this)
        else:
            quiet.append(pk)
    if quiet:
        # No rule acts on these (say, "tell the assignee" while nobody has it): the
        # colour in the console is all a warning is, marked in one statement. A crash
        # day warns about a thousand unanswered chats in the same minute.
        fired["warnings"] += SlaClock.objects.filter(
            pk__in=quiet, warned_at__isnull=True, stopped_at__isnull=True
        ).update(warned_at=F("warn_at"))
    return {**fired, "more": int(len(due) > BREACHES_PER_PASS)}


def _does_something(rules: list[BreachRule], assignee: int | None) -> bool:
    return any(
        rule.action != BreachRule.Action.NOTIFY_ASSIGNEE or assignee is not None for rule in rules
    )


@transaction.atomic
def _fire(clock_pk: int, when: str, this: Pass) -> int:
    # Only the clock's row is locked (PostgreSQL refuses FOR UPDATE across the outer
    # join to a nullable assignee); the breach event locks the conversation itself.
    clock = (
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("conversation__assignee")
        .get(pk=clock_pk)
    )
    if clock.stopped_at is not None:
        return 0
    if when == BreachRule.When.BREACH:
        if clock.breached_at is not None:
            return 0
        clock.breached_at = clock.due_at
        # A breach makes the warning moot; it is not sent afterwards.
        clock.warned_at = clock.warned_at or clock.due_at
    else:
        if clock.warned_at is not None:
            return 0
        clock.warned_at = clock.warn_at
    clock.save(update_fields=["breached_at", "warned_at"])
    conversation = clock.conversation
    if when == BreachRule.When.BREACH:
        from exdesk.conversations import services as conversations

        conversations.do_record_sla_breach(conversation, clock.metric)
    for rule in this.rules(when, clock.metric, conversation.priority):
        apply_rule(rule.action, clock, when, this)
    return 1


def rules_for(when: str, metric: str, priority: str) -> list[BreachRule]:
    return list(
        BreachRule.objects.filter(active=True, when=when)
        .filter(Q(metric="") | Q(metric=metric))
        .filter(Q(priority="") | Q(priority=priority))
    )


def apply_rule(action: str, clock: SlaClock, when: str, this: Pass) -> None:
    from exdesk.conversations import services as conversations
    from exdesk.routing import services as routing

    conversation = clock.conversation
    kind = f"sla_{when}"
    if action == BreachRule.Action.NOTIFY_SUPERVISORS:
        notify(this.supervisors(conversation), conversation, kind, clock.metric)
    elif action == BreachRule.Action.NOTIFY_ASSIGNEE and conversation.assignee is not None:
        notify([conversation.assignee], conversation, kind, clock.metric)
    elif action == BreachRule.Action.RAISE_PRIORITY and conversation.priority in RAISED:
        # Reads the conversation afresh under its lock, so later rules see the new priority.
        conversations.do_system_priority(conversation, RAISED[conversation.priority], "sla")
    elif action == BreachRule.Action.REROUTE and clock.metric in RESPONSE_METRICS:
        routing.reroute(conversation.pk, reason="sla")


def supervisors_of(conversation: Conversation) -> list[User]:
    """The supervisors of the conversation's team, or every supervisor if it has none."""
    supervisors = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
    if conversation.team_id:
        in_team = list(supervisors.filter(teams=conversation.team_id))
        if in_team:
            return in_team
    return list(supervisors)


def notify(
    users: Iterable[User], conversation: Conversation | None, kind: str, detail: str = ""
) -> int:
    notices = StaffNotification.objects.bulk_create(
        StaffNotification(user=user, conversation=conversation, kind=kind, detail=detail)
        for user in {u.pk: u for u in users}.values()
    )
    return len(notices)


def mark_notifications_read(user: User) -> int:
    return StaffNotification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---------------------------------------------------------------- policy changes


def policies_changed(now: dt.datetime | None = None) -> int:
    """An operator changed policies or calendars: open clocks follow (their time already
    counted stays counted). Returns how many conversations were looked at."""
    forget_policies()  # changed in another process, maybe moments ago
    ids = set(
        SlaClock.objects.filter(stopped_at__isnull=True).values_list("conversation_id", flat=True)
    )
    for conversation_id in ids:
        with transaction.atomic():
            conditions_changed(conversation_id, now)
    return len(ids)
