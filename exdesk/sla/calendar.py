"""Business-calendar arithmetic for SLA clocks.

A calendar is open 24/7 or during weekly local business hours in a time zone, minus
holidays (whole local days). This module measures and adds "open time" between aware
datetimes. Plain values only: no models, no database.

Local wall times map to instants by the rule "the first instant at which the local clock
reads this time or later". That takes the earlier reading of a repeated (fall-back) time
and the moment of the jump for a skipped (spring-forward) one, so the mapping never runs
backwards and the day intervals it yields never overlap.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC
MINUTES_PER_DAY = 1440
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Give up looking for the next open moment after this many closed days in a row.
_MAX_CLOSED_DAYS = 2 * 366

_ALL_DAY: tuple[tuple[int, int], ...] = ((0, MINUTES_PER_DAY),)
_ONE_MICROSECOND = dt.timedelta(microseconds=1)

Intervals = tuple[tuple[int, int], ...]
Weekly = tuple[Intervals, ...]
Span = tuple[dt.datetime, dt.datetime]  # an open interval [start, end) in UTC


@dataclass(frozen=True)
class Calendar:
    """When an SLA clock runs.

    `weekly` is None for 24/7, or seven tuples (Monday first) of (start, end) minutes of
    local wall time, 0 <= start < end <= 1440, sorted and non-overlapping; an empty tuple
    closes that weekday. `holidays` are local dates closed all day, also on a 24/7 calendar.
    """

    timezone: str = "UTC"
    weekly: Weekly | None = None
    holidays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
            raise ValueError(f"unknown time zone {self.timezone!r}") from error
        # Accept lists and sets (say, from JSON) but store hashable tuples and frozensets.
        if self.weekly is not None:
            object.__setattr__(self, "weekly", _checked_weekly(self.weekly))
        holidays = frozenset(self.holidays)
        for day in holidays:
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                raise ValueError(f"holiday {day!r} is not a date")
        object.__setattr__(self, "holidays", holidays)

    @property
    def always_open(self) -> bool:
        return self.weekly is None and not self.holidays


TWENTY_FOUR_SEVEN = Calendar()


def _checked_weekly(weekly: Iterable[Iterable[Iterable[int]]]) -> Weekly:
    """Weekly hours as nested tuples, or ValueError if their shape is wrong."""
    shape_error = ValueError("weekly hours must be seven lists of (start, end) minutes")
    if isinstance(weekly, str | bytes):
        raise shape_error
    try:
        days = tuple(tuple(tuple(pair) for pair in intervals) for intervals in weekly)
    except TypeError as error:
        raise shape_error from error
    if len(days) != 7:
        raise ValueError(f"weekly hours need 7 days (Monday to Sunday), got {len(days)}")
    checked: list[Intervals] = []
    for name, pairs in zip(DAY_NAMES, days, strict=True):
        spans: list[tuple[int, int]] = []
        previous_end = 0
        for pair in pairs:
            if len(pair) != 2 or not all(
                isinstance(m, int) and not isinstance(m, bool) for m in pair
            ):
                raise ValueError(f"{name}: {pair!r} is not a (start, end) pair of minutes")
            start, end = pair
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise ValueError(
                    f"{name}: {_span_text(start, end)} must satisfy 0 <= start < end <= 1440"
                )
            if start < previous_end:
                raise ValueError(f"{name}: intervals overlap or are out of order")
            previous_end = end
            spans.append((start, end))
        checked.append(tuple(spans))
    return tuple(checked)


# ---------------------------------------------------------------------------- text form


_DAY_INDEX = {name: index for index, name in enumerate(DAY_NAMES)}
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_CLAUSE = re.compile(r"([a-z][a-z,\-\s]*?)\s+(\d.*)")


def parse_hours(text: str) -> Weekly | None:
    """Parse "mon-fri 09:00-18:00; sat 10:00-14:00" into weekly hours.

    "24/7" or "" gives None. Days not mentioned are closed. Raises ValueError with an
    explanation on anything malformed.
    """
    cleaned = text.strip().lower()
    if cleaned in ("", "24/7"):
        return None
    days: list[list[tuple[int, int]]] = [[] for _ in DAY_NAMES]
    for raw_clause in cleaned.split(";"):
        clause = " ".join(raw_clause.split())
        if not clause:
            continue  # tolerate a trailing or doubled ";"
        match = _CLAUSE.fullmatch(clause)
        if match is None:
            raise ValueError(
                f"cannot read {clause!r}: expected days then hours, like 'mon-fri 09:00-18:00'"
            )
        day_text, hours_text = match.groups()
        spans = [_parse_span(part.strip(), clause) for part in hours_text.split(",")]
        for index in _parse_days(day_text, clause):
            days[index].extend(spans)
    if not any(days):
        raise ValueError("the hours have no open time at all; use '24/7' for always open")
    for index, spans in enumerate(days):
        spans.sort()
        for earlier, later in pairwise(spans):
            if later[0] < earlier[1]:
                raise ValueError(
                    f"overlapping hours on {DAY_NAMES[index]}: "
                    f"{_span_text(*earlier)} and {_span_text(*later)}"
                )
    return tuple(tuple(spans) for spans in days)


def _parse_days(text: str, clause: str) -> list[int]:
    """Day indexes from "mon", "mon-fri" or "sat,sun"; a range may wrap ("fri-mon")."""
    indexes: list[int] = []
    for part in text.replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) > 2 or not all(ends):
            raise ValueError(f"cannot read the days {part!r} in {clause!r}")
        for name in ends:
            if name not in _DAY_INDEX:
                raise ValueError(
                    f"unknown day {name!r} in {clause!r}: use mon, tue, wed, thu, fri, sat, sun"
                )
        first, last = _DAY_INDEX[ends[0]], _DAY_INDEX[ends[-1]]
        count = (last - first) % 7 + 1
        indexes.extend((first + offset) % 7 for offset in range(count))
    return sorted(set(indexes))


def _parse_span(text: str, clause: str) -> tuple[int, int]:
    parts = [part.strip() for part in text.split("-")]
    if len(parts) != 2:
        raise ValueError(f"cannot read the hours {text!r} in {clause!r}: expected HH:MM-HH:MM")
    start = _parse_time(parts[0], clause)
    end = _parse_time(parts[1], clause)
    if start == MINUTES_PER_DAY:
        raise ValueError(f"24:00 can only end an interval, not start one, in {clause!r}")
    if end <= start:
        raise ValueError(
            f"the end of {text!r} is not after its start in {clause!r}; "
            "split hours that run past midnight into two days"
        )
    return start, end


def _parse_time(text: str, clause: str) -> int:
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"bad time {text!r} in {clause!r}: expected HH:MM")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"bad time {text!r} in {clause!r}: must be 00:00 to 24:00")
    return hours * 60 + minutes


def format_hours(weekly: Weekly | None) -> str:
    """Canonical text for weekly hours, the inverse of parse_hours ("24/7" for None)."""
    if weekly is None:
        return "24/7"
    days = _checked_weekly(weekly)
    if not any(days):
        raise ValueError("the hours have no open time at all")
    # Days sharing the same hours go in one clause, ordered by their first day.
    groups: dict[Intervals, list[int]] = {}
    for index, spans in enumerate(days):
        if spans:
            groups.setdefault(spans, []).append(index)
    clauses = []
    for spans, indexes in groups.items():
        hours = ", ".join(_span_text(start, end) for start, end in spans)
        clauses.append(f"{_days_text(indexes)} {hours}")
    return "; ".join(clauses)


def _days_text(indexes: list[int]) -> str:
    """ "mon-fri" for runs of three or more days, else names joined by commas."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[index] for index in run)
    return ",".join(parts)


def _span_text(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


# ----------------------------------------------------------------------------- arithmetic


def is_open(cal: Calendar, moment: dt.datetime) -> bool:
    """Whether the SLA clock runs at `moment`."""
    _require_aware(moment)
    if cal.always_open:
        return True
    tz = ZoneInfo(cal.timezone)
    instant = moment.astimezone(UTC)
    # Earlier dates' intervals end before the clock first reads this date. The next date's
    # can already hold the instant if the clock fell back across midnight.
    local_date = instant.astimezone(tz).date()
    for offset in (0, 1):
        for start, end in _day_intervals(cal, local_date + dt.timedelta(days=offset)):
            if start <= instant < end:
                return True
    return False


def open_seconds_between(cal: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    """Seconds of open time in [start, end); 0 if end <= start."""
    _require_aware(start)
    _require_aware(end)
    # In UTC first: Python compares and subtracts datetimes sharing a tzinfo by wall time.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return 0.0
    if cal.always_open:
        return (end - start).total_seconds()
    tz = ZoneInfo(cal.timezone)
    day = start.astimezone(tz).date()
    last_day = end.astimezone(tz).date() + dt.timedelta(days=1)  # see is_open
    total = dt.timedelta()  # sum timedeltas, exact to the microsecond
    while day <= last_day:
        for open_from, open_until in _day_intervals(cal, day):
            overlap_from, overlap_until = max(open_from, start), min(open_until, end)
            if overlap_from < overlap_until:
                total += overlap_until - overlap_from
        day += dt.timedelta(days=1)
    return total.total_seconds()


def add_open_seconds(cal: Calendar, start: dt.datetime, seconds: float) -> dt.datetime:
    """The earliest moment m >= start with open_seconds_between(cal, start, m) == seconds.

    A clock started in closed time begins at the next opening, so 0 seconds gives that
    opening. Raises ValueError if the calendar stays closed for about two years.
    """
    _require_aware(start)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
    remaining = dt.timedelta(seconds=seconds)
    start = start.astimezone(UTC)
    if cal.always_open:
        return start + remaining
    day = start.astimezone(ZoneInfo(cal.timezone)).date()
    closed_days = 0
    while closed_days <= _MAX_CLOSED_DAYS:
        intervals = _day_intervals(cal, day)
        closed_days = 0 if intervals else closed_days + 1
        for open_from, open_until in intervals:
            if open_until <= start:
                continue
            begin = max(open_from, start)
            available = open_until - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError(
        f"the calendar has no open time in the two years before {day}"
        " (is every day closed or a holiday?)"
    )


def _day_intervals(cal: Calendar, day: dt.date) -> list[Span]:
    """One local date's open intervals as UTC instants, in order; empty ones dropped."""
    if day in cal.holidays:
        return []
    spans = _ALL_DAY if cal.weekly is None else cal.weekly[day.weekday()]
    if not spans:
        return []
    tz = ZoneInfo(cal.timezone)  # ZoneInfo caches instances by name, so this is cheap
    midnight = dt.datetime.combine(day, dt.time())
    result = []
    for start_minute, end_minute in spans:
        open_from = _first_instant_reading(midnight + dt.timedelta(minutes=start_minute), tz)
        open_until = _first_instant_reading(midnight + dt.timedelta(minutes=end_minute), tz)
        if open_from < open_until:  # a span inside a spring-forward gap has no length
            result.append((open_from, open_until))
    return result


def _first_instant_reading(wall: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The first instant (UTC) at which the local clock shows `wall` (naive) or later."""
    instant = wall.replace(tzinfo=tz).astimezone(UTC)  # fold=0: the earlier of a repeat
    if instant.astimezone(tz).replace(tzinfo=None) == wall:
        return instant
    # `wall` was skipped by a spring-forward jump: find the jump between the readings under
    # the offsets before and after it. Rare, so a bisection to the microsecond is fine.
    low, high = sorted((instant, wall.replace(tzinfo=tz, fold=1).astimezone(UTC)))
    if low.astimezone(tz).replace(tzinfo=None) >= wall:
        return low
    while high - low > _ONE_MICROSECOND:
        middle = low + (high - low) // 2
        if middle.astimezone(tz).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high


def _require_aware(moment: dt.datetime) -> None:
    if not isinstance(moment, dt.datetime):
        raise ValueError(f"expected a datetime, got {moment!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()} needs a time zone")
