"""The dashboard's figures, read from ConversationFact (kept by rollup.py).

Percentiles are exact, by linear interpolation between the two nearest ranks (what
PostgreSQL's percentile_cont and most spreadsheets compute): the median of an even
count is the mean of the two middle values. Dates are the viewer's: a day runs from
local midnight to local midnight, whatever the offset or daylight saving does.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import SLOT_SECONDS, ConversationFact

TOP_INTENTS = 12
# Backlog ages: (key, lower bound in hours); each bucket runs to the next bound.
BACKLOG_AGES = [("lt1h", 0), ("1to4h", 1), ("4to24h", 4), ("1to3d", 24), ("gt3d", 72)]


@dataclass(frozen=True)
class Filters:
    start: dt.date  # first local day, inclusive
    end: dt.date  # last local day, inclusive
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    team: int | None = None
    agent: int | None = None
    channel: str = ""
    language: str = ""
    intent: str = ""
    vip: int | None = None  # VIP tier at least

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, self.tz)

    @property
    def until(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, self.tz)

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def _dimensions(facts: QuerySet, filters: Filters) -> QuerySet:
    if filters.team is not None:
        facts = facts.filter(team_id=filters.team)
    if filters.agent is not None:
        facts = facts.filter(agent_id=filters.agent)
    if filters.channel:
        facts = facts.filter(channel=filters.channel)
    if filters.language:
        facts = facts.filter(language=filters.language)
    if filters.intent:
        facts = facts.filter(intent=filters.intent)
    if filters.vip is not None:
        facts = facts.filter(vip_tier__gte=filters.vip)
    return facts


def facts_in(filters: Filters) -> QuerySet[ConversationFact]:
    """The facts of conversations created in the date range that match the filters."""
    facts = ConversationFact.objects.filter(
        created_at__gte=filters.since, created_at__lt=filters.until
    )
    return _dimensions(facts, filters).order_by()


# ---------------------------------------------------------------- percentiles


def interpolate(ordered: Sequence[float], point: float) -> float | None:
    """The ``point`` percentile (0–1) of sorted values, linearly interpolated."""
    if not ordered:
        return None
    rank = point * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def percentiles_by(
    facts: QuerySet, column: str, points: tuple[float, ...], group: str | None = None
) -> dict:
    """{group value: {point: percentile}} (or {point: percentile} without a group) of a
    fact column. The values are read in one pass and sorted here: a database sorts no
    faster, and this way SQLite and PostgreSQL compute the very same figure."""
    values = facts.filter(**{f"{column}__isnull": False}).order_by()
    if group is None:
        ordered = sorted(values.values_list(column, flat=True))
        return {p: interpolate(ordered, p) for p in points}
    grouped: dict = defaultdict(list)
    for key, value in values.values_list(group, column):
        grouped[key].append(value)
    return {
        key: {p: interpolate(sorted(found), p) for p in points} for key, found in grouped.items()
    }


# ---------------------------------------------------------------- the dashboard


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


COUNTERS = {
    "conversations": Count("pk"),
    "solved": Count("pk", filter=Q(solved_at__isnull=False)),
    "with_sla": Count("pk", filter=Q(sla_met__isnull=False)),
    "sla_met": Count("pk", filter=Q(sla_met=True)),
    "rated": Count("csat"),
    "csat_sum": Sum("csat"),
    "satisfied": Count("pk", filter=Q(csat__gte=4)),
    "bot_answered": Count("pk", filter=Q(bot_answered=True)),
    "contained": Count("pk", filter=Q(contained=True)),
    "handed_off": Count("pk", filter=Q(handed_off=True)),
    "transferred": Count("pk", filter=Q(transfers__gt=0)),
    "reopened": Count("pk", filter=Q(reopens__gt=0)),
}


@dataclass
class Breakdown:
    """The counters of the facts per (channel, language, intent): one pass over the facts
    gives the totals and the three breakdowns."""

    rows: list[dict]

    @classmethod
    def of(cls, facts: QuerySet) -> Breakdown:
        grouped = facts.values("channel", "language", "intent").annotate(**COUNTERS)
        return cls([dict(row) for row in grouped.order_by()])

    def totals(self) -> dict:
        figures = {name: sum(row[name] or 0 for row in self.rows) for name in COUNTERS}
        rated = figures["rated"]
        figures["csat_average"] = round(figures.pop("csat_sum") / rated, 2) if rated else None
        n = figures["conversations"]
        figures["sla_attainment"] = _share(figures["sla_met"], figures["with_sla"])
        figures["satisfied_share"] = _share(figures["satisfied"], rated)
        figures["containment_rate"] = _share(figures["contained"], figures["bot_answered"])
        figures["handoff_rate"] = _share(figures["handed_off"], figures["bot_answered"])
        figures["transfer_rate"] = _share(figures["transferred"], n)
        figures["reopen_rate"] = _share(figures["reopened"], n)
        return figures

    def counts(self, column: str, limit: int | None = None) -> list[tuple[str, int]]:
        found: dict[str, int] = defaultdict(int)
        for row in self.rows:
            found[row[column]] += row["conversations"]
        ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        return ordered[:limit] if limit else ordered


def totals(facts: QuerySet) -> dict:
    return Breakdown.of(facts).totals()


def counts_by(facts: QuerySet, column: str, limit: int | None = None) -> list[tuple[str, int]]:
    return Breakdown.of(facts).counts(column, limit)


@dataclass
class Samples:
    """Conversations per local (date, hour) and the exact response-time percentiles: what
    the heatmap, the days and the time figures come from."""

    local: Counter  # (local date, hour) → conversations
    times: dict

    @classmethod
    def of(cls, facts: QuerySet, tz: ZoneInfo) -> Samples:
        if connection.vendor == "postgresql":
            return cls._in_database(facts, tz)
        return cls._in_memory(facts, tz)

    @classmethod
    def _in_memory(cls, facts: QuerySet, tz: ZoneInfo) -> Samples:
        """SQLite: every fact's slot and times straight from the cursor into an array (the
        ORM's per-row work, then Python's sorting, took most of the page's time), sorted
        here for the percentiles."""
        columns = facts.annotate(
            first=Coalesce("first_response_seconds", -1.0),
            resolved=Coalesce("resolution_seconds", -1.0),
        ).values_list("created_slot", "first", "resolved")
        sql, params = columns.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        table = np.fromiter(
            itertools.chain.from_iterable(rows), dtype=np.float64, count=3 * len(rows)
        ).reshape(-1, 3)
        slots, counts = np.unique(table[:, 0].astype(np.int64), return_counts=True)
        first, resolved = table[:, 1], table[:, 2]
        first_sorted = np.sort(first[first >= 0]).tolist()
        resolved_sorted = np.sort(resolved[resolved >= 0]).tolist()
        return cls(
            local=local_counts(dict(zip(slots.tolist(), counts.tolist(), strict=True)), tz),
            times=_times(
                {p: interpolate(first_sorted, p) for p in POINTS},
                {p: interpolate(resolved_sorted, p) for p in POINTS},
            ),
        )

    @classmethod
    def _in_database(cls, facts: QuerySet, tz: ZoneInfo) -> Samples:
        """PostgreSQL: percentile_cont (the same interpolation) and the local hours are
        computed where the rows are, instead of sending a year of rows over."""
        sql, params = facts.values(
            "created_at", "first_response_seconds", "resolution_seconds"
        ).query.sql_with_params()
        points = list(POINTS)
        # Django's own SQL for the facts as the inner query; every value a parameter.
        percentiles = (
            "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY first_response_seconds),"
            " percentile_cont(%s) WITHIN GROUP (ORDER BY resolution_seconds) FROM ("
        )
        with connection.cursor() as cursor:
            cursor.execute(percentiles + sql + ") AS base", [points, points, *params])
            first, resolved = cursor.fetchone()
        hours = dict(
            facts.annotate(hour=F("created_slot") / SLOTS_PER_HOUR)
            .values_list("hour")
            .annotate(n=Count("pk"))
            .order_by()
        )
        local = local_hours(hours, tz)
        if local is None:  # a zone off the whole hour: count by quarter hour instead
            local = local_counts(slot_counts(facts), tz)
        return cls(
            local=local,
            times=_times(
                dict(zip(POINTS, first or [None] * len(POINTS), strict=True)),
                dict(zip(POINTS, resolved or [None] * len(POINTS), strict=True)),
            ),
        )


POINTS = (0.5, 0.9)


def _times(first: dict, resolved: dict) -> dict:
    return {
        "first_response_median": first[0.5],
        "first_response_p90": first[0.9],
        "resolution_median": resolved[0.5],
        "resolution_p90": resolved[0.9],
    }


def slot_counts(facts: QuerySet) -> dict[int, int]:
    return dict(facts.values_list("created_slot").annotate(n=Count("pk")).order_by())


def local_moment(slot: int, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(slot * SLOT_SECONDS, tz)


SLOTS_PER_HOUR = 3600 // SLOT_SECONDS


def local_hours(hours: dict[int, int], tz: ZoneInfo) -> Counter | None:
    """Conversations per (local date, hour) from counts per UTC hour, or None when the
    zone is off the whole hour somewhere in them (India, Nepal): a UTC hour then spans two
    local hours and only the quarter-hour slots can say how many fell in each."""
    found: Counter = Counter()
    for hour, n in hours.items():
        start = dt.datetime.fromtimestamp(hour * 3600, tz)
        end = dt.datetime.fromtimestamp(hour * 3600 + 3599, tz)
        offset = start.utcoffset()
        if offset is None or offset.seconds % 3600 or end.utcoffset() != offset:
            return None
        found[start.date(), start.hour] += n
    return found


def local_counts(slots: dict[int, int], tz: ZoneInfo) -> Counter:
    """Conversations per (local date, hour) from counts per quarter-hour slot."""
    hours: dict[int, int] = defaultdict(int)
    for slot, n in slots.items():
        hours[slot // SLOTS_PER_HOUR] += n
    whole = local_hours(hours, tz)
    if whole is not None:
        return whole
    found: Counter = Counter()
    for slot, n in slots.items():
        moment = local_moment(slot, tz)
        found[moment.date(), moment.hour] += n
    return found


def heatmap(local: Counter) -> list[list[int]]:
    """Conversations per local weekday (Monday first) and hour."""
    grid = [[0] * 24 for _ in range(7)]
    for (day, hour), n in local.items():
        grid[day.weekday()][hour] += n
    return grid


def per_day(local: Counter, filters: Filters) -> list[tuple[dt.date, int]]:
    days = dict.fromkeys(filters.days(), 0)
    for (day, _hour), n in local.items():
        if day in days:
            days[day] += n
    return list(days.items())


def backlog(filters: Filters, now: dt.datetime) -> dict:
    """Conversations open now (whenever created) and how long they have waited."""
    facts = _dimensions(ConversationFact.objects.filter(open=True), filters).order_by()
    bounds = [(key, now - dt.timedelta(hours=hours)) for key, hours in BACKLOG_AGES]
    buckets = {}
    for index, (key, newest) in enumerate(bounds):
        test = Q(created_at__lte=newest)
        if index + 1 < len(bounds):
            test &= Q(created_at__gt=bounds[index + 1][1])
        buckets[key] = Count("pk", filter=test)
    figures = facts.aggregate(total=Count("pk"), **buckets)
    return {"total": figures.pop("total"), "ages": [(k, figures[k]) for k, _ in BACKLOG_AGES]}


def latest_comments(facts: QuerySet, limit: int = 8) -> list:
    """The newest comments on conversations the facts count: newest first, each checked
    against the facts by key, so the scan stops at ``limit``."""
    from exdesk.quality.models import Feedback

    counted = facts.filter(conversation_id=OuterRef("conversation_id"))
    return list(
        Feedback.objects.filter(Exists(counted))
        .exclude(comment="")
        .select_related("conversation")
        .order_by("-pk")[:limit]
    )


def help_center(filters: Filters, limit: int = 10) -> dict:
    """Searches that found nothing and the articles readers found least helpful."""
    from exdesk.helpcenter.models import ArticleFeedback, SearchQuery

    searches = SearchQuery.objects.filter(
        created_at__gte=filters.since, created_at__lt=filters.until
    ).order_by()
    votes = ArticleFeedback.objects.filter(
        updated_at__gte=filters.since, updated_at__lt=filters.until
    ).order_by()
    if filters.language:
        searches = searches.filter(language=filters.language)
        votes = votes.filter(language=filters.language)
    searched = searches.aggregate(total=Count("pk"), empty=Count("pk", filter=Q(results=0)))
    no_result = list(
        searches.filter(results=0)
        .values_list("query")
        .annotate(n=Count("pk"))
        .order_by("-n", "query")[:limit]
    )
    articles: list[dict] = [
        dict(row)
        for row in votes.values("article_id", "article__slug")
        .annotate(votes=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
        .order_by("article__slug")
    ]
    for row in articles:
        row["helpful_share"] = _share(row["helpful"], row["votes"])
    articles.sort(key=lambda row: (row["helpful_share"], -row["votes"], row["article__slug"]))
    return {
        "searches": searched["total"],
        "no_result": searched["empty"],
        "no_result_share": _share(searched["empty"], searched["total"]),
        "top_no_result": no_result,
        "articles": articles[:limit],
    }


def response_times(facts: QuerySet) -> dict:
    return Samples.of(facts, ZoneInfo("UTC")).times


def _in_parallel(work, *args):
    """Run ``work`` on a second database connection while the caller goes on, when that
    connection can see the same rows: PostgreSQL outside a transaction (inside one, as in
    tests, it runs here and now). Returns a function that gives the result."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        result = work(*args)
        return lambda: result

    def on_its_own_connection():
        try:
            return work(*args)
        finally:
            connection.close()  # this thread's connection, not the caller's

    future = _pool.submit(on_its_own_connection)
    return future.result


_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="analytics")


def dashboard(filters: Filters, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    facts = facts_in(filters)
    # The two passes over a year of facts overlap on PostgreSQL (two cores, two scans).
    samples_later = _in_parallel(Samples.of, facts, filters.tz)
    breakdown = Breakdown.of(facts)
    figures = {
        "totals": breakdown.totals(),
        "by_channel": breakdown.counts("channel"),
        "by_language": breakdown.counts("language"),
        "by_intent": breakdown.counts("intent", TOP_INTENTS),
        "backlog": backlog(filters, now),
        "comments": latest_comments(facts),
        "help_center": help_center(filters),
    }
    samples = samples_later()
    return {
        **figures,
        "times": samples.times,
        "heatmap": heatmap(samples.local),
        "per_day": per_day(samples.local, filters),
    }


# ---------------------------------------------------------------- behind a number


def slots_at(filters: Filters, weekday: int, hour: int) -> list[int]:
    """The creation slots in the range that fall on this local weekday and hour."""
    return [
        slot
        for slot in slot_counts(facts_in(filters))
        if (moment := local_moment(slot, filters.tz)).weekday() == weekday and moment.hour == hour
    ]


def facts_behind(filters: Filters, show: str, now: dt.datetime | None = None) -> QuerySet:
    """The facts one number of the dashboard counts; ``show`` names the number, e.g.
    "solved", "channel:chat", "hour:0-9" (Monday, 09:00–09:59), "backlog:1to4h".
    Raises ValueError for a name it does not know."""
    now = now or timezone.now()
    name, _, value = show.partition(":")
    if name == "backlog":
        facts = _dimensions(ConversationFact.objects.filter(open=True), filters)
        if value:
            keys = [key for key, _ in BACKLOG_AGES]
            if value not in keys:
                raise ValueError(show)
            index = keys.index(value)
            facts = facts.filter(created_at__lte=now - dt.timedelta(hours=BACKLOG_AGES[index][1]))
            if index + 1 < len(BACKLOG_AGES):
                newest = now - dt.timedelta(hours=BACKLOG_AGES[index + 1][1])
                facts = facts.filter(created_at__gt=newest)
        return facts.order_by("-created_at")
    facts = facts_in(filters)
    simple = {
        "all": Q(),
        "solved": Q(solved_at__isnull=False),
        "answered": Q(first_response_seconds__isnull=False),
        "sla_met": Q(sla_met=True),
        "sla_missed": Q(sla_met=False),
        "rated": Q(csat__isnull=False),
        "satisfied": Q(csat__gte=4),
        "bot": Q(bot_answered=True),
        "contained": Q(contained=True),
        "handed_off": Q(handed_off=True),
        "transferred": Q(transfers__gt=0),
        "reopened": Q(reopens__gt=0),
    }
    if name in simple and not value:
        return facts.filter(simple[name]).order_by("-created_at")
    if name in {"channel", "language", "intent"} and value is not None:
        return facts.filter(**{name: value}).order_by("-created_at")
    if name == "csat" and value in {"1", "2", "3", "4", "5"}:
        return facts.filter(csat=int(value)).order_by("-created_at")
    if name == "hour":
        weekday, _, hour = value.partition("-")
        if weekday.isdigit() and hour.isdigit() and int(weekday) < 7 and int(hour) < 24:
            slots = slots_at(filters, int(weekday), int(hour))
            return facts.filter(created_slot__in=slots).order_by("-created_at")
    if name == "day":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(show) from None
        one_day = replace(filters, start=max(day, filters.start), end=min(day, filters.end))
        return facts_in(one_day).order_by("-created_at")
    raise ValueError(show)
