"""Business-calendar arithmetic: concrete schedules, DST days, the hours text, and
properties that must hold for any calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exdesk.sla.calendar import (
    TWENTY_FOUR_SEVEN,
    Calendar,
    add_open_seconds,
    format_hours,
    is_open,
    open_seconds_between,
    parse_hours,
)

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600

OFFICE = Calendar("Asia/Shanghai", parse_hours("mon-fri 09:00-18:00"))


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def new_york(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK, fold=fold)


# 2024-03-01 is a Friday; 2024-03-04 the Monday after.
FRIDAY, SATURDAY, MONDAY, TUESDAY = (dt.date(2024, 3, d) for d in (1, 2, 4, 5))
assert FRIDAY.weekday() == 4 and MONDAY.weekday() == 0


# ------------------------------------------------------------------------------ 24/7


def test_twenty_four_seven_is_plain_arithmetic():
    start = dt.datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    assert add_open_seconds(TWENTY_FOUR_SEVEN, start, 2 * HOUR) == dt.datetime(
        2024, 3, 2, 1, 30, tzinfo=UTC
    )
    assert open_seconds_between(TWENTY_FOUR_SEVEN, start, start + dt.timedelta(days=3)) == (
        3 * 86400
    )
    assert open_seconds_between(TWENTY_FOUR_SEVEN, start, start - dt.timedelta(seconds=1)) == 0
    assert is_open(TWENTY_FOUR_SEVEN, start)


def test_local_datetimes_are_measured_in_real_time():
    # Same-zone datetimes subtract by wall time in Python; the fall-back day is 25 hours.
    assert open_seconds_between(
        TWENTY_FOUR_SEVEN, new_york(2024, 11, 3), new_york(2024, 11, 4)
    ) == (25 * HOUR)
    first_pass, second_pass = new_york(2024, 11, 3, 1, 30), new_york(2024, 11, 3, 1, 15, fold=1)
    assert open_seconds_between(TWENTY_FOUR_SEVEN, first_pass, second_pass) == 45 * 60
    assert open_seconds_between(ALL_DAY_NEW_YORK, first_pass, second_pass) == 45 * 60
    # A repeated local time never compares equal across zones (PEP 495), so compare in UTC.
    due = dt.datetime(2024, 11, 3, 6, 15, tzinfo=UTC)
    assert second_pass.astimezone(UTC) == due
    assert add_open_seconds(TWENTY_FOUR_SEVEN, first_pass, 45 * 60) == due
    assert add_open_seconds(ALL_DAY_NEW_YORK, first_pass, 45 * 60) == due


def test_results_are_utc_whatever_zone_goes_in():
    due = add_open_seconds(TWENTY_FOUR_SEVEN, shanghai(2024, 3, 1, 8), 60)
    assert due.tzinfo is UTC
    assert due == dt.datetime(2024, 3, 1, 0, 1, tzinfo=UTC)
    due = add_open_seconds(OFFICE, shanghai(2024, 3, 1, 8), 60)
    assert due.tzinfo is UTC
    assert due == shanghai(2024, 3, 1, 9, 1)


def test_naive_datetimes_are_rejected():
    naive = dt.datetime(2024, 3, 1, 12)
    aware = naive.replace(tzinfo=UTC)
    for cal in (TWENTY_FOUR_SEVEN, OFFICE):
        with pytest.raises(ValueError, match="naive"):
            is_open(cal, naive)
        with pytest.raises(ValueError, match="naive"):
            open_seconds_between(cal, naive, aware)
        with pytest.raises(ValueError, match="naive"):
            open_seconds_between(cal, aware, naive)
        with pytest.raises(ValueError, match="naive"):
            add_open_seconds(cal, naive, 60)


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_bad_second_counts_are_rejected(seconds):
    with pytest.raises(ValueError, match="seconds"):
        add_open_seconds(OFFICE, shanghai(2024, 3, 1, 12), seconds)


# ---------------------------------------------------------------------- business hours


def test_friday_afternoon_clock_runs_on_monday_morning():
    start = shanghai(2024, 3, 1, 17, 30)
    assert add_open_seconds(OFFICE, start, HOUR) == shanghai(2024, 3, 4, 9, 30)
    assert open_seconds_between(OFFICE, start, shanghai(2024, 3, 4, 9, 30)) == HOUR


def test_clock_started_in_closed_time_begins_at_the_next_opening():
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 2, 11), HOUR) == shanghai(2024, 3, 4, 10)
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 1, 19), 0) == shanghai(2024, 3, 4, 9)
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 4, 7), 0) == shanghai(2024, 3, 4, 9)
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 4, 9), 60) == shanghai(2024, 3, 4, 9, 1)
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 4, 9), 0) == shanghai(2024, 3, 4, 9)


def test_a_full_day_ends_at_closing_time_not_the_next_opening():
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 4, 9), 9 * HOUR) == shanghai(2024, 3, 4, 18)
    assert add_open_seconds(OFFICE, shanghai(2024, 3, 4, 9), 9 * HOUR + 1) == shanghai(
        2024, 3, 5, 9, 0, 1
    )


def test_open_seconds_over_a_weekend_and_a_week():
    assert open_seconds_between(OFFICE, shanghai(2024, 3, 1, 17), shanghai(2024, 3, 4, 10)) == (
        2 * HOUR
    )
    week = open_seconds_between(OFFICE, shanghai(2024, 3, 4), shanghai(2024, 3, 11))
    assert week == 5 * 9 * HOUR
    # Inputs in another zone name the same instants.
    utc_start = shanghai(2024, 3, 4).astimezone(UTC)
    assert open_seconds_between(OFFICE, utc_start, utc_start + dt.timedelta(days=7)) == week


def test_is_open_follows_local_hours():
    assert is_open(OFFICE, shanghai(2024, 3, 1, 9))
    assert is_open(OFFICE, shanghai(2024, 3, 1, 17, 59, 59))
    assert not is_open(OFFICE, shanghai(2024, 3, 1, 18))
    assert not is_open(OFFICE, shanghai(2024, 3, 1, 8, 59, 59))
    assert not is_open(OFFICE, shanghai(2024, 3, 2, 12))
    # 02:00 UTC is 10:00 in Shanghai.
    assert is_open(OFFICE, dt.datetime(2024, 3, 4, 2, tzinfo=UTC))
    assert not is_open(OFFICE, dt.datetime(2024, 3, 4, 12, tzinfo=UTC))


def test_lunch_break_pauses_the_clock():
    cal = Calendar("Asia/Shanghai", parse_hours("mon-fri 09:00-12:00, 13:00-18:00"))
    assert add_open_seconds(cal, shanghai(2024, 3, 4, 11, 30), HOUR) == shanghai(2024, 3, 4, 13, 30)
    assert add_open_seconds(cal, shanghai(2024, 3, 4, 12, 15), 0) == shanghai(2024, 3, 4, 13)
    assert open_seconds_between(cal, shanghai(2024, 3, 4, 11), shanghai(2024, 3, 4, 14)) == (
        2 * HOUR
    )
    assert not is_open(cal, shanghai(2024, 3, 4, 12, 30))


def test_saturday_hours():
    cal = Calendar("Asia/Shanghai", parse_hours("mon-fri 09:00-18:00; sat 10:00-14:00"))
    assert add_open_seconds(cal, shanghai(2024, 3, 1, 17, 30), HOUR) == shanghai(2024, 3, 2, 10, 30)
    assert add_open_seconds(cal, shanghai(2024, 3, 2, 13), 2 * HOUR) == shanghai(2024, 3, 4, 10)


def test_monday_holiday_pushes_to_tuesday():
    cal = Calendar("Asia/Shanghai", OFFICE.weekly, frozenset({MONDAY}))
    assert add_open_seconds(cal, shanghai(2024, 3, 1, 17, 30), HOUR) == shanghai(2024, 3, 5, 9, 30)
    assert not is_open(cal, shanghai(2024, 3, 4, 10))
    assert open_seconds_between(cal, shanghai(2024, 3, 4), shanghai(2024, 3, 6)) == 9 * HOUR


def test_holiday_pauses_a_twenty_four_seven_calendar_for_the_local_day():
    cal = Calendar("Asia/Shanghai", holidays=frozenset({dt.date(2024, 10, 1)}))
    assert add_open_seconds(cal, shanghai(2024, 9, 30, 23), 2 * HOUR) == shanghai(2024, 10, 2, 1)
    assert open_seconds_between(cal, shanghai(2024, 9, 30), shanghai(2024, 10, 3)) == 48 * HOUR
    assert not is_open(cal, shanghai(2024, 10, 1, 0))
    assert not is_open(cal, shanghai(2024, 10, 1, 23, 59, 59))
    assert is_open(cal, shanghai(2024, 10, 2, 0))
    # The local day, not the UTC day: 2024-10-01 16:00 UTC is already the 2nd in Shanghai.
    assert is_open(cal, dt.datetime(2024, 10, 1, 16, tzinfo=UTC))
    assert not is_open(cal, dt.datetime(2024, 9, 30, 16, tzinfo=UTC))


def test_a_calendar_that_never_opens_raises():
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    every_day = frozenset(dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(800))
    with pytest.raises(ValueError, match="no open time"):
        add_open_seconds(Calendar(holidays=every_day), start, 60)
    with pytest.raises(ValueError, match="no open time"):
        add_open_seconds(Calendar(weekly=((),) * 7), start, 0)
    assert open_seconds_between(Calendar(holidays=every_day), start, start + dt.timedelta(1)) == 0


def test_a_long_closure_is_not_mistaken_for_a_dead_calendar():
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    a_year = frozenset(dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(400))
    due = add_open_seconds(Calendar(holidays=a_year), start, HOUR)
    assert due == dt.datetime(2025, 2, 4, 1, tzinfo=UTC)


# --------------------------------------------------------------------------------- DST

ALL_DAY_NEW_YORK = Calendar("America/New_York", parse_hours("mon-sun 00:00-24:00"))


def test_spring_forward_day_is_23_hours_of_whole_day_hours():
    day = open_seconds_between(ALL_DAY_NEW_YORK, new_york(2024, 3, 10), new_york(2024, 3, 11))
    assert day == 23 * HOUR
    business = Calendar("America/New_York", parse_hours("sun 09:00-18:00"))
    assert open_seconds_between(business, new_york(2024, 3, 10), new_york(2024, 3, 11)) == (
        9 * HOUR
    )
    only_sunday = Calendar("America/New_York", parse_hours("sun 00:00-24:00"))
    assert add_open_seconds(only_sunday, new_york(2024, 3, 10), 23 * HOUR) == new_york(2024, 3, 11)
    assert add_open_seconds(only_sunday, new_york(2024, 3, 10), 23 * HOUR + 1) == new_york(
        2024, 3, 17, 0, 0, 1
    )


def test_fall_back_day_is_25_hours_of_whole_day_hours():
    day = open_seconds_between(ALL_DAY_NEW_YORK, new_york(2024, 11, 3), new_york(2024, 11, 4))
    assert day == 25 * HOUR
    business = Calendar("America/New_York", parse_hours("sun 09:00-18:00"))
    assert open_seconds_between(business, new_york(2024, 11, 3), new_york(2024, 11, 4)) == (
        9 * HOUR
    )
    # From the first 01:00 reading to 02:00: both passes through the repeated hour.
    repeated = Calendar("America/New_York", parse_hours("sun 01:00-02:00"))
    assert open_seconds_between(repeated, new_york(2024, 11, 3), new_york(2024, 11, 4)) == (
        2 * HOUR
    )
    assert is_open(repeated, new_york(2024, 11, 3, 1, 30, fold=1))


def test_hours_inside_the_spring_forward_gap_do_not_exist():
    skipped = Calendar("America/New_York", parse_hours("sun 02:00-03:00"))
    assert open_seconds_between(skipped, new_york(2024, 3, 10), new_york(2024, 3, 11)) == 0
    # The next Sunday has the hour again.
    assert add_open_seconds(skipped, new_york(2024, 3, 10), 60) == new_york(2024, 3, 17, 2, 1)
    straddling = Calendar("America/New_York", parse_hours("sun 01:30-02:30, 03:00-04:00"))
    assert open_seconds_between(straddling, new_york(2024, 3, 10), new_york(2024, 3, 11)) == (
        HOUR + 30 * 60
    )
    assert add_open_seconds(straddling, new_york(2024, 3, 10), 30 * 60) == new_york(2024, 3, 10, 3)


def test_midnight_skipped_by_dst_opens_at_the_jump():
    # Santiago springs forward at 00:00: 2024-09-08 begins at 01:00 local (04:00 UTC).
    santiago = Calendar("America/Santiago", parse_hours("sun 00:00-24:00"))
    start = dt.datetime(2024, 9, 7, 12, tzinfo=UTC)
    assert add_open_seconds(santiago, start, 0) == dt.datetime(2024, 9, 8, 4, tzinfo=UTC)
    assert open_seconds_between(santiago, start, start + dt.timedelta(days=2)) == 23 * HOUR


def test_clock_falling_back_across_midnight():
    # St. John's in 2010 fell back at 00:01 to 23:01 the day before: the clock read
    # Sunday 00:00 at 02:30 UTC, then Saturday 23:01 to 23:59 again. Those repeated Saturday
    # minutes come after Sunday began, so they count as Sunday.
    sunday = Calendar("America/St_Johns", parse_hours("sun 00:00-24:00"))
    saturday = Calendar("America/St_Johns", parse_hours("sat 00:00-24:00"))
    repeated_saturday = dt.datetime(2010, 11, 7, 3, tzinfo=UTC)
    assert repeated_saturday.astimezone(ZoneInfo("America/St_Johns")).weekday() == 5
    assert is_open(sunday, repeated_saturday)
    assert not is_open(saturday, repeated_saturday)
    assert add_open_seconds(sunday, repeated_saturday, 0) == repeated_saturday
    before = dt.datetime(2010, 11, 7, tzinfo=UTC)
    assert open_seconds_between(sunday, before, repeated_saturday) == 30 * 60
    assert open_seconds_between(saturday, before, repeated_saturday) == 2.5 * HOUR
    monday = dt.datetime(2010, 11, 8, 3, 30, tzinfo=UTC)  # 00:00 NST
    assert open_seconds_between(sunday, before, monday + dt.timedelta(hours=5)) == 25 * HOUR


# ------------------------------------------------------------------------- hours text


def test_parse_hours_examples():
    assert parse_hours("24/7") is None
    assert parse_hours("") is None
    assert parse_hours("  ") is None
    nine_to_six = ((540, 1080),)
    assert parse_hours("mon-fri 09:00-18:00; sat 10:00-14:00") == (
        *(nine_to_six,) * 5,
        ((600, 840),),
        (),
    )
    assert parse_hours("mon-fri 09:00-12:00, 13:00-18:00")[0] == ((540, 720), (780, 1080))
    assert parse_hours("sat,sun 00:00-24:00") == ((),) * 5 + (((0, 1440),),) * 2
    assert parse_hours("SAT, Sun 9:00-10:00;") == ((),) * 5 + (((540, 600),),) * 2
    assert parse_hours("fri-mon 10:00-11:00") == (
        ((600, 660),),
        (),
        (),
        (),
        *(((600, 660),),) * 3,
    )
    # A day may appear in two clauses if the hours do not overlap.
    assert parse_hours("mon-fri 13:00-18:00; mon 09:00-12:00")[0] == ((540, 720), (780, 1080))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon-fry 09:00-18:00", "unknown day 'fry'"),
        ("monday 09:00-18:00", "unknown day 'monday'"),
        ("mon-fri 18:00-09:00", "not after its start"),
        ("mon 09:00-09:00", "not after its start"),
        ("mon 09:00-12:00, 11:00-13:00", "overlapping hours on mon: 09:00-12:00 and 11:00-13:00"),
        ("mon-fri 09:00-18:00; wed 17:00-19:00", "overlapping hours on wed"),
        ("mon 9-18", "bad time '9'"),
        ("mon 09:60-18:00", "bad time '09:60'"),
        ("mon 09:00-24:30", "bad time '24:30'"),
        ("mon 09:00-25:00", "bad time '25:00'"),
        ("mon 24:00-24:00", "24:00 can only end"),
        ("mon 09:00", "expected HH:MM-HH:MM"),
        ("mon 09:00-10:00-11:00", "expected HH:MM-HH:MM"),
        ("mon", "expected days then hours"),
        ("09:00-18:00", "expected days then hours"),
        ("mon--fri 09:00-18:00", "cannot read the days"),
        ("mon-tue-wed 09:00-18:00", "cannot read the days"),
        (";", "no open time"),
    ],
)
def test_parse_hours_errors(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_hours(text)


def test_format_hours_is_canonical():
    assert format_hours(None) == "24/7"
    text = "mon-fri 09:00-12:00, 13:00-18:00; sat 10:00-14:00"
    assert format_hours(parse_hours(text)) == text
    assert format_hours(parse_hours("sun 10:00-11:00; sat 10:00-11:00")) == "sat,sun 10:00-11:00"
    assert (
        format_hours(parse_hours("mon,wed,thu,fri,sun 00:00-24:00"))
        == "mon,wed-fri,sun 00:00-24:00"
    )
    assert format_hours(parse_hours("tue 08:00-09:00; mon 08:00-09:00")) == "mon,tue 08:00-09:00"
    with pytest.raises(ValueError, match="no open time"):
        format_hours(((),) * 7)


def test_calendar_validates_its_fields():
    with pytest.raises(ValueError, match="unknown time zone"):
        Calendar("Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="seven lists"):
        Calendar(weekly=(1, 2, 3, 4, 5, 6, 7))
    with pytest.raises(ValueError, match="seven lists"):
        Calendar(weekly="mon-fri 09:00-18:00")
    with pytest.raises(ValueError, match=r"is not a \(start, end\) pair"):
        Calendar(weekly=(((0, 60, 120),),) + ((),) * 6)
    with pytest.raises(ValueError, match="7 days"):
        Calendar(weekly=(((0, 60),),) * 6)
    with pytest.raises(ValueError, match="start < end"):
        Calendar(weekly=(((60, 60),),) + ((),) * 6)
    with pytest.raises(ValueError, match="overlap"):
        Calendar(weekly=(((0, 60), (30, 90)),) + ((),) * 6)
    with pytest.raises(ValueError, match="not a date"):
        Calendar(holidays=frozenset({dt.datetime(2024, 1, 1)}))
    # Lists (say, from JSON) are stored as hashable tuples.
    cal = Calendar(weekly=[[[540, 1080]]] * 5 + [[], []], holidays={MONDAY})
    assert cal == Calendar("UTC", OFFICE.weekly, frozenset({MONDAY}))
    assert hash(cal)


# ------------------------------------------------------------------------- properties

ZONES = [
    "UTC",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",  # half-hour DST
    "America/Santiago",  # DST changes at midnight
]


@st.composite
def day_hours(draw) -> tuple[tuple[int, int], ...]:
    edges = sorted(draw(st.sets(st.integers(0, 1440), max_size=6)))
    return tuple(zip(edges[::2], edges[1::2], strict=False))


weeklies = st.one_of(st.none(), st.tuples(*[day_hours()] * 7).filter(any))
holiday_sets = st.frozensets(st.dates(dt.date(2023, 12, 1), dt.date(2025, 2, 1)), max_size=30)
calendars = st.builds(Calendar, st.sampled_from(ZONES), weeklies, holiday_sets)
moments = st.datetimes(
    dt.datetime(2024, 1, 1),
    dt.datetime(2024, 12, 31),
    timezones=st.sampled_from(ZONES).map(ZoneInfo),
)
durations = st.one_of(
    st.integers(0, 40 * 86400),
    st.floats(0, 40 * 86400, allow_nan=False),
    st.sampled_from([0, 1, 60, 3600, 86400]),
)


def in_time_order(points: list[dt.datetime]) -> list[dt.datetime]:
    # Same-tzinfo datetimes compare and subtract by wall time, wrong in a repeated hour.
    return sorted(point.astimezone(UTC) for point in points)


quick = settings(max_examples=200, deadline=None)


@quick
@given(cal=calendars, start=moments, seconds=durations)
def test_added_open_time_measures_back(cal, start, seconds):
    due = add_open_seconds(cal, start, seconds)
    assert due.tzinfo is UTC
    assert due >= start
    assert open_seconds_between(cal, start, due) == pytest.approx(seconds, abs=1e-6)
    # The earliest such moment: any earlier one has less open time behind it, and the clock
    # ends on open time (or starts on it, for 0 seconds).
    if dt.timedelta(seconds=seconds) > dt.timedelta(0):
        before = due - dt.timedelta(microseconds=1)
        assert open_seconds_between(cal, start, before) < seconds
        assert is_open(cal, before)
    else:
        assert is_open(cal, due)
        assert open_seconds_between(cal, start, due) == 0


@quick
@given(cal=calendars, points=st.lists(moments, min_size=3, max_size=3).map(in_time_order))
def test_open_time_adds_up_over_consecutive_spans(cal, points):
    a, b, c = points
    whole = open_seconds_between(cal, a, c)
    assert whole == pytest.approx(open_seconds_between(cal, a, b) + open_seconds_between(cal, b, c))
    assert 0 <= open_seconds_between(cal, a, b) <= whole <= (c - a).total_seconds()
    assert open_seconds_between(cal, c, a) == 0


@quick
@given(
    cal=calendars,
    starts=st.lists(moments, min_size=2, max_size=2).map(in_time_order),
    x=durations,
    y=durations,
)
def test_due_moments_are_monotonic(cal, starts, x, y):
    early, late = starts
    small, large = sorted((x, y))
    assert add_open_seconds(cal, early, small) <= add_open_seconds(cal, early, large)
    assert add_open_seconds(cal, early, small) <= add_open_seconds(cal, late, small)


@quick
@given(cal=calendars, moment=moments)
def test_is_open_agrees_with_a_tiny_interval(cal, moment):
    # Add in UTC: adding to a local datetime moves the wall clock, not real time.
    tiny = open_seconds_between(cal, moment, moment.astimezone(UTC) + dt.timedelta(microseconds=1))
    assert is_open(cal, moment) == (tiny > 0)


@quick
@given(cal=calendars, moment=moments)
def test_is_open_matches_the_local_clock_on_days_without_a_transition(cal, moment):
    tz = ZoneInfo(cal.timezone)
    local = moment.astimezone(tz)
    day = local.date()
    offsets = {
        dt.datetime.combine(day, dt.time(0), tzinfo=tz).utcoffset(),
        dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz).utcoffset(),
        local.utcoffset(),
    }
    assume(len(offsets) == 1)
    minute = local.hour * 60 + local.minute
    hours = ((0, 1440),) if cal.weekly is None else cal.weekly[day.weekday()]
    expected = day not in cal.holidays and any(s <= minute < e for s, e in hours)
    assert is_open(cal, moment) == expected


@quick
@given(weekly=st.tuples(*[day_hours()] * 7).filter(any))
def test_format_and_parse_round_trip(weekly):
    text = format_hours(weekly)
    assert parse_hours(text) == weekly
    assert format_hours(parse_hours(text)) == text
