"""The dashboard's figures equal what was worked out by hand on a fixed set of
conversations: exact medians and 90th percentiles, local days and hours across a
daylight-saving change and a half-hour time zone. Runs on SQLite and PostgreSQL."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from exdesk import testing
from exdesk.analytics import metrics, rollup
from exdesk.analytics.metrics import Filters
from exdesk.conversations.models import Conversation

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NEW_YORK = ZoneInfo("America/New_York")  # clocks went 02:00 → 03:00 on Sunday 8 March 2026
KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+05:30


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def make(created, *, first_response=None, solved=None, channel="web", agent=None, **extra):
    conversation = testing.conversation(channel=channel)
    fields = {"created_at": created, "first_response_at": first_response, "assignee": agent}
    if solved is not None:
        fields.update(status="solved", solved_at=solved)
    Conversation.objects.filter(pk=conversation.pk).update(**fields, **extra)
    return conversation


@pytest.fixture
def dst_day():
    """Around the New York spring-forward night, in UTC."""
    made = {
        "sat_2359": make(at(2026, 3, 8, 4, 59)),  # Saturday 23:59 EST: the day before
        "sun_0000": make(at(2026, 3, 8, 5, 0)),  # Sunday 00:00 EST
        "sun_0130": make(at(2026, 3, 8, 6, 30)),  # 01:30 EST
        "sun_0330": make(at(2026, 3, 8, 7, 30)),  # 03:30 EDT (02:xx never happened)
        "sun_2359": make(at(2026, 3, 9, 3, 59)),  # Sunday 23:59 EDT
        "mon_0000": make(at(2026, 3, 9, 4, 0)),  # Monday 00:00 EDT: the day after
    }
    rollup.refresh(c.pk for c in made.values())
    return made


def test_a_local_day_across_the_dst_change(dst_day):
    sunday = Filters(start=dt.date(2026, 3, 8), end=dt.date(2026, 3, 8), tz=NEW_YORK)
    facts = metrics.facts_in(sunday)
    assert set(facts.values_list("conversation_id", flat=True)) == {
        dst_day[name].pk for name in ("sun_0000", "sun_0130", "sun_0330", "sun_2359")
    }
    figures = metrics.dashboard(sunday)  # on PostgreSQL the database converts the times
    grid = figures["heatmap"]
    sunday_row = grid[6]
    assert (sunday_row[0], sunday_row[1], sunday_row[2], sunday_row[3], sunday_row[23]) == (
        1,
        1,
        0,
        1,
        1,
    )
    assert sum(map(sum, grid)) == 4
    assert figures["per_day"] == [(dt.date(2026, 3, 8), 4)]
    # The drill-down's own conversion agrees with it.
    assert metrics.heatmap(metrics.local_counts(metrics.slot_counts(facts), NEW_YORK)) == grid
    # Sunday in UTC holds the New York Saturday 23:59 but not the Sunday 23:59.
    utc_sunday = Filters(start=dt.date(2026, 3, 8), end=dt.date(2026, 3, 8))
    assert set(metrics.facts_in(utc_sunday).values_list("conversation_id", flat=True)) == {
        dst_day[name].pk for name in ("sat_2359", "sun_0000", "sun_0130", "sun_0330")
    }
    behind = metrics.facts_behind(sunday, "hour:6-3")
    assert list(behind.values_list("conversation_id", flat=True)) == [dst_day["sun_0330"].pk]
    assert metrics.facts_behind(sunday, "hour:6-2").count() == 0


def test_a_half_hour_time_zone():
    late = make(at(2026, 6, 1, 18, 45))  # 00:15 on Tuesday 2 June in Kolkata
    early = make(at(2026, 6, 1, 18, 15))  # 23:45 on Monday 1 June in Kolkata
    rollup.refresh([late.pk, early.pk])
    tuesday = Filters(start=dt.date(2026, 6, 2), end=dt.date(2026, 6, 2), tz=KOLKATA)
    assert list(metrics.facts_in(tuesday).values_list("conversation_id", flat=True)) == [late.pk]
    both = Filters(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 2), tz=KOLKATA)
    grid = metrics.dashboard(both)["heatmap"]
    assert (grid[0][23], grid[1][0]) == (1, 1)


def test_exact_medians_and_90th_percentiles():
    alice, bob = testing.staff("alice"), testing.staff("bob")
    start = at(2026, 5, 4, 9, 0)
    # First responses in seconds: 60, 120, 180, 240, 600 (alice, alice, bob, bob, bob);
    # resolutions in hours: 1, 2, 4, 10 (the fifth is still open).
    made = []
    for n, (wait, hours, agent) in enumerate(
        [(60, 1, alice), (120, 2, alice), (180, 4, bob), (240, 10, bob), (600, None, bob)]
    ):
        created = start + dt.timedelta(minutes=n)
        made.append(
            make(
                created,
                first_response=created + dt.timedelta(seconds=wait),
                solved=created + dt.timedelta(hours=hours) if hours else None,
                agent=agent,
            )
        )
    rollup.refresh(c.pk for c in made)
    week = Filters(start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 10))
    times = metrics.dashboard(week)["times"]
    # Five values: the median is the third; p90 sits at rank 3.6: 240 + 0.6 × (600 − 240).
    assert times["first_response_median"] == pytest.approx(180)
    assert times["first_response_p90"] == pytest.approx(456)
    # Four values: the median is the mean of 2 h and 4 h; p90 at rank 2.7: 4 + 0.7 × 6 h.
    assert times["resolution_median"] == pytest.approx(3 * 3600)
    assert times["resolution_p90"] == pytest.approx(8.2 * 3600)
    by_agent = metrics.percentiles_by(
        metrics.facts_in(week), "first_response_seconds", (0.5,), group="agent_id"
    )
    assert by_agent == {alice.pk: {0.5: pytest.approx(90)}, bob.pk: {0.5: pytest.approx(240)}}
    totals = metrics.totals(metrics.facts_in(week))
    assert (totals["conversations"], totals["solved"]) == (5, 4)
    empty = Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 1))
    assert metrics.response_times(metrics.facts_in(empty)) == {
        "first_response_median": None,
        "first_response_p90": None,
        "resolution_median": None,
        "resolution_p90": None,
    }


def test_filters_and_rates():
    day = at(2026, 7, 1, 12, 0)
    vip = testing.customer(vip_tier=3)
    chats = [make(day, channel="chat", solved=day + dt.timedelta(hours=1)) for _ in range(3)]
    mail = make(day, channel="email", language="zh-hans", intent="withdrawal_delay")
    Conversation.objects.filter(pk=mail.pk).update(customer=vip)
    rollup.refresh([*(c.pk for c in chats), mail.pk])
    from exdesk.analytics.models import ConversationFact

    ConversationFact.objects.update(sla_met=None)  # then two with a target: one met
    ConversationFact.objects.filter(conversation=chats[0]).update(bot_answered=True, contained=True)
    ConversationFact.objects.filter(conversation=chats[1]).update(
        bot_answered=True, handed_off=True, reopens=1, csat=5
    )
    ConversationFact.objects.filter(conversation=chats[2]).update(csat=2, sla_met=False)
    ConversationFact.objects.filter(conversation=mail).update(sla_met=True, transfers=2)
    july = Filters(start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 31))
    t = metrics.totals(metrics.facts_in(july))
    assert (t["conversations"], t["rated"], t["csat_average"], t["satisfied_share"]) == (
        4,
        2,
        3.5,
        50.0,
    )
    assert (t["containment_rate"], t["handoff_rate"], t["sla_attainment"]) == (50.0, 50.0, 50.0)
    assert (t["transfer_rate"], t["reopen_rate"]) == (25.0, 25.0)
    assert metrics.counts_by(metrics.facts_in(july), "channel") == [("chat", 3), ("email", 1)]
    for narrowed, expected in [
        (Filters(start=july.start, end=july.end, channel="email"), [mail.pk]),
        (Filters(start=july.start, end=july.end, language="zh-hans"), [mail.pk]),
        (Filters(start=july.start, end=july.end, intent="withdrawal_delay"), [mail.pk]),
        (Filters(start=july.start, end=july.end, vip=3), [mail.pk]),
        (Filters(start=july.start, end=july.end, vip=4), []),
    ]:
        assert list(metrics.facts_in(narrowed).values_list("conversation_id", flat=True)) == (
            expected
        )
    contained = metrics.facts_behind(july, "contained")
    assert list(contained.values_list("conversation_id", flat=True)) == [chats[0].pk]
    assert metrics.facts_behind(july, "csat:2").get().conversation_id == chats[2].pk
    with pytest.raises(ValueError):
        metrics.facts_behind(july, "bogus")


def test_the_backlog_counts_open_cases_by_age():
    now = at(2026, 8, 1, 12, 0)
    ages = [0.5, 2, 2.5, 30, 100]
    made = [make(now - dt.timedelta(hours=h)) for h in ages]
    made.append(make(now - dt.timedelta(hours=3), solved=now))
    rollup.refresh(c.pk for c in made)
    any_day = Filters(start=dt.date(2026, 8, 1), end=dt.date(2026, 8, 1))
    backlog = metrics.backlog(any_day, now)
    assert backlog == {
        "total": 5,
        "ages": [("lt1h", 1), ("1to4h", 2), ("4to24h", 0), ("1to3d", 1), ("gt3d", 1)],
    }
    behind = metrics.facts_behind(any_day, "backlog:1to4h", now)
    assert set(behind.values_list("conversation_id", flat=True)) == {made[1].pk, made[2].pk}
