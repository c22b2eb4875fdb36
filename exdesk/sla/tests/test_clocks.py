"""SLA clocks on the real database, with time travel: policies, calendars, pauses,
warnings and breaches, the breach rules, and deadlines that passed while nothing ran."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, EventKind, Status
from exdesk.routing.models import RerouteMark
from exdesk.sla import services, tasks
from exdesk.sla.models import BreachRule, BusinessCalendar, Holiday, Metric, SlaClock, SlaPolicy

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday, 10:00 UTC.
START = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)


def clock(conversation, metric) -> SlaClock:
    return SlaClock.objects.filter(conversation=conversation, metric=metric).latest("id")


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def travel():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# ---------------------------------------------------------------- policies


def test_the_most_specific_policy_wins():
    policies = services.active_policies()
    assert services.policy_for("p2", 0, "web", policies).name == "Default"
    assert services.policy_for("p0", 0, "web", policies).name == "P0 security"
    # Priority and channel both match: two conditions beat one.
    assert services.policy_for("p0", 0, "chat", policies).name == "P0 security, chat"
    assert services.policy_for("p2", 0, "chat", policies).name == "Live chat"
    assert services.policy_for("p1", 0, "chat", policies).name == "P1 high, chat"
    assert services.policy_for("p2", 3, "web", policies).name == "VIP tier 3 and above"
    assert services.policy_for("p2", 2, "web", policies).name == "Default"


def test_an_inactive_policy_is_not_used():
    policy = SlaPolicy.objects.get(name="Live chat")
    policy.active = False
    policy.save()  # as the admin does: every process stops using it
    assert services.policy_for("p2", 0, "chat").name == "Default"


def test_no_policy_means_no_clock():
    SlaPolicy.objects.all().delete()
    conversation = testing.conversation()
    assert not conversation.sla_clocks.exists()


# ---------------------------------------------------------------- running, stopping


def test_a_new_ticket_starts_first_response_and_resolution_clocks(travel):
    conversation = testing.conversation()  # P2, web form: the Default policy
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.due_at == START + minutes(240)
    assert first.warn_at == START + minutes(180)  # at 75 %
    assert clock(conversation, Metric.RESOLUTION).due_at == START + minutes(4320)


def test_an_answer_meets_the_first_response_and_a_customer_message_owes_the_next(travel):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    travel.shift(minutes(30))
    conversations.do_reply(conversation, alice, "Looking into it", notify_customer=False)
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.stopped_at == START + minutes(30) and first.breached_at is None
    assert not first.cancelled
    travel.shift(minutes(10))
    conversations.do_add_customer_message(conversation, "Any news?")
    following = clock(conversation, Metric.NEXT_RESPONSE)
    assert following.due_at == START + minutes(40 + 480)
    conversations.do_add_customer_message(conversation, "Hello?")  # still the same answer owed
    assert (
        SlaClock.objects.filter(conversation=conversation, metric=Metric.NEXT_RESPONSE).count() == 1
    )
    travel.shift(minutes(5))
    conversations.do_reply(conversation, alice, "Found it", notify_customer=False)
    assert clock(conversation, Metric.NEXT_RESPONSE).stopped_at == START + minutes(45)


def test_pending_on_the_customer_pauses_the_clocks(travel):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    travel.shift(minutes(60))
    conversations.do_change_status(conversation, alice, Status.PENDING)
    resolution = clock(conversation, Metric.RESOLUTION)
    assert resolution.paused and resolution.elapsed_seconds == 3600
    travel.shift(dt.timedelta(days=2))  # the customer takes two days to answer
    assert services.fire_due() == {"warnings": 0, "breaches": 0, "more": 0}
    conversations.do_add_customer_message(conversation, "Here is the TxID")  # reopens
    resolution.refresh_from_db()
    assert not resolution.paused
    # 60 minutes counted before the pause; the two days do not count.
    assert resolution.due_at == timezone.now() + minutes(4320 - 60)
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.due_at == timezone.now() + minutes(240 - 60)


def test_solving_meets_resolution_and_reopening_continues_it(travel):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    travel.shift(minutes(90))
    conversations.do_reply(conversation, alice, "Done", status=Status.SOLVED, notify_customer=False)
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.stopped_at and not first.cancelled  # the reply came before the solve
    resolution = clock(conversation, Metric.RESOLUTION)
    assert resolution.stopped_at == START + minutes(90) and resolution.elapsed_seconds == 5400
    travel.shift(dt.timedelta(days=1))
    conversations.do_add_customer_message(conversation, "It happened again")
    resolution.refresh_from_db()
    assert resolution.stopped_at is None
    assert resolution.due_at == timezone.now() + minutes(4320 - 90)
    assert clock(conversation, Metric.NEXT_RESPONSE).stopped_at is None


def test_solved_without_an_answer_the_answer_is_no_longer_owed(travel):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    conversations.do_change_status(conversation, alice, Status.SOLVED)
    assert clock(conversation, Metric.FIRST_RESPONSE).cancelled
    assert not clock(conversation, Metric.RESOLUTION).cancelled


def test_a_higher_priority_brings_the_deadline_forward(travel):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    travel.shift(minutes(2))
    conversations.do_change_priority(conversation, alice, "p0")
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.policy.name == "P0 security"
    # 2 minutes already counted of the P0 target of 5.
    assert first.due_at == START + minutes(5)


# ---------------------------------------------------------------- calendars


def business_hours(hours="mon-fri 09:00-18:00", holidays=()):
    calendar = BusinessCalendar.objects.create(
        name="Shanghai office", timezone="Asia/Shanghai", hours=hours
    )
    for day in holidays:
        Holiday.objects.create(calendar=calendar, date=day, name="holiday")
    policy = SlaPolicy.objects.get(name="Default")
    policy.calendar, policy.first_response_minutes = calendar, 60
    policy.save()
    return calendar


def test_business_hours_carry_a_deadline_over_the_weekend():
    business_hours()
    friday_evening = dt.datetime(2026, 3, 6, 17, 30, tzinfo=SHANGHAI)
    with time_machine.travel(friday_evening, tick=False) as traveller:
        conversation = testing.conversation()
        first = clock(conversation, Metric.FIRST_RESPONSE)
        assert first.due_at == dt.datetime(2026, 3, 9, 9, 30, tzinfo=SHANGHAI)
        traveller.move_to(dt.datetime(2026, 3, 7, 12, 0, tzinfo=SHANGHAI))  # Saturday
        assert services.fire_due()["breaches"] == 0
        traveller.move_to(dt.datetime(2026, 3, 9, 9, 31, tzinfo=SHANGHAI))  # Monday
        assert services.fire_due()["breaches"] == 1


def test_a_holiday_pauses_the_clock_all_day():
    business_hours(holidays=[dt.date(2026, 3, 9)])
    friday_evening = dt.datetime(2026, 3, 6, 17, 30, tzinfo=SHANGHAI)
    with time_machine.travel(friday_evening, tick=False):
        conversation = testing.conversation()
    assert clock(conversation, Metric.FIRST_RESPONSE).due_at == dt.datetime(
        2026, 3, 10, 9, 30, tzinfo=SHANGHAI
    )


def test_a_pause_inside_business_hours_counts_only_open_time():
    business_hours()
    alice = testing.staff("alice")
    thursday = dt.datetime(2026, 3, 5, 17, 0, tzinfo=SHANGHAI)
    with time_machine.travel(thursday, tick=False) as traveller:
        conversation = testing.conversation()
        traveller.move_to(dt.datetime(2026, 3, 5, 17, 20, tzinfo=SHANGHAI))
        conversations.do_change_status(conversation, alice, Status.PENDING)
        assert clock(conversation, Metric.FIRST_RESPONSE).elapsed_seconds == 20 * 60
        # The customer answers on Saturday: the clock resumes, but the office is shut.
        traveller.move_to(dt.datetime(2026, 3, 7, 11, 0, tzinfo=SHANGHAI))
        conversations.do_add_customer_message(conversation, "Sent the screenshot")
    assert clock(conversation, Metric.FIRST_RESPONSE).due_at == dt.datetime(
        2026, 3, 9, 9, 40, tzinfo=SHANGHAI
    )


def test_changing_a_calendar_moves_running_deadlines(travel):
    conversation = testing.conversation()
    calendar = business_hours()
    services.policies_changed()
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.policy.calendar == calendar
    # Wednesday 18:00 in Shanghai is 10:00 UTC: the office has just shut, 60 open
    # minutes from Thursday 09:00.
    assert first.due_at == dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


# ---------------------------------------------------------------- warnings, breaches, rules


def test_a_warning_then_a_breach_fire_once_each_with_the_rules(travel, settings):
    settings.ROUTING_ENABLED = True  # re-routing hands conversations back to routing
    alice = testing.staff("alice")
    supervisor = testing.staff("sup", role=Role.SUPERVISOR)
    conversation = testing.conversation()
    conversations.do_assign(conversation, supervisor, alice)
    travel.shift(minutes(181))
    assert services.fire_due() == {"warnings": 1, "breaches": 0, "more": 0}
    assert services.fire_due() == {"warnings": 0, "breaches": 0, "more": 0}
    assert alice.notifications.get().kind == "sla_warning"  # rule: warn the assignee
    travel.shift(minutes(60))
    assert services.fire_due() == {"warnings": 0, "breaches": 1, "more": 0}
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.breached_at == START + minutes(240)
    conversation.refresh_from_db()
    assert conversation.events.filter(kind=EventKind.SLA_BREACH).count() == 1
    assert supervisor.notifications.filter(kind="sla_breach").count() == 1
    assert conversation.priority == "p1"  # raised one step
    # Re-routed: no longer the agent's who let it wait, and they are offered it last.
    assert conversation.assignee is None
    assert RerouteMark.objects.get(conversation=conversation).avoid_agent == alice
    # The raised priority's tighter target was already breached: it is not fired twice.
    travel.shift(minutes(60))
    services.fire_due()
    assert conversation.events.filter(kind=EventKind.SLA_BREACH).count() == 1


def test_operators_change_what_a_breach_does(travel):
    supervisor = testing.staff("sup", role=Role.SUPERVISOR)
    BreachRule.objects.filter(action=BreachRule.Action.RAISE_PRIORITY).update(active=False)
    BreachRule.objects.create(when="warning", action=BreachRule.Action.NOTIFY_SUPERVISORS)
    conversation = testing.conversation()
    travel.shift(minutes(181))
    services.fire_due()
    assert supervisor.notifications.filter(kind="sla_warning").count() == 1
    travel.shift(minutes(60))
    services.fire_due()
    conversation.refresh_from_db()
    assert conversation.priority == "p2"


def test_without_routing_a_breach_leaves_the_assignee_in_place(travel):
    alice = testing.staff("alice")
    conversation = testing.conversation()
    conversations.do_assign(conversation, alice, alice)
    travel.shift(minutes(241))
    services.fire_due()
    conversation.refresh_from_db()
    assert conversation.assignee == alice and not RerouteMark.objects.exists()


def test_supervisors_of_the_team_are_told_before_others():
    general = testing.staff("sup.general", role=Role.SUPERVISOR)
    testing.staff("sup.security", role=Role.SUPERVISOR, teams=("security",))
    conversation = testing.conversation(team_slug="general")
    assert services.supervisors_of(conversation) == [general]


def test_a_deadline_that_passed_while_nothing_ran_fires_when_exdesk_is_back(travel):
    conversation = testing.conversation(channel=Channel.CHAT)  # first response in 2 minutes
    # exdesk is down for three hours: no task ran.
    travel.shift(dt.timedelta(hours=3))
    tasks.sweep_every_minute()  # the first sweep after the restart
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.breached_at == START + minutes(2)  # dated when it fell due
    assert first.warned_at is not None  # the moot warning is not sent afterwards
    assert conversation.events.filter(kind=EventKind.SLA_BREACH).count() == 1


def test_timers_are_kept_by_the_task_queue_across_a_restart(
    tmp_path, travel, django_capture_on_commit_callbacks
):
    """The minute sweep schedules a wake-up for each deadline of the minute ahead, as a
    task in the queue's storage: a new process reading the same storage finds it and
    fires the breach on time."""
    from huey.contrib.djhuey import HUEY

    from exdesk.core.queue import WalSqliteStorage

    storage = WalSqliteStorage("sla-restart", filename=str(tmp_path / "tasks.sqlite3"))
    immediate, kept = HUEY.immediate, HUEY.storage
    HUEY._immediate, HUEY.storage = False, storage
    try:
        conversation = testing.conversation(channel=Channel.CHAT)  # answer due in 2 minutes
        due = clock(conversation, Metric.FIRST_RESPONSE).due_at
        travel.shift(minutes(1))
        with django_capture_on_commit_callbacks(execute=True):
            tasks.sweep_every_minute.call_local()  # as the consumer runs it
        # A restart: the storage is opened afresh from its file.
        HUEY.storage = WalSqliteStorage("sla-restart", filename=str(tmp_path / "tasks.sqlite3"))
        queued = []
        while (task := HUEY.dequeue()) is not None:
            queued.append(task)
        wake_ups = [t for t in queued if t.name == tasks.fire_due.task_class.__name__]
        # One for the warning and one for the deadline of each clock, at their moments.
        assert (due + dt.timedelta(seconds=1)).replace(tzinfo=None) in {t.eta for t in wake_ups}
        travel.move_to(due + dt.timedelta(seconds=5))
        # (Immediate again so that the task leaves the test's database connection open:
        # outside immediate mode a task closes it when done, as a worker should.)
        HUEY._immediate = True
        for task in wake_ups:  # what the consumer does with each once its time comes
            HUEY.execute(task)
    finally:
        HUEY._immediate, HUEY.storage = immediate, kept
    assert clock(conversation, Metric.FIRST_RESPONSE).breached_at == due


def test_a_change_schedules_a_wake_up_only_for_a_moment_the_sweep_could_miss(travel):
    soon = START + minutes(1)
    later = START + minutes(10)
    assert services.upcoming_moments(START, dt.timedelta(seconds=75)) == []
    conversation = testing.conversation(channel=Channel.CHAT, priority="p0")  # 1 minute
    first = clock(conversation, Metric.FIRST_RESPONSE)
    assert first.due_at == soon
    assert soon in services.upcoming_moments(START, dt.timedelta(seconds=75))
    assert later not in services.upcoming_moments(START, dt.timedelta(seconds=75))


def test_warnings_no_rule_acts_on_are_marked_in_one_statement(
    travel, django_assert_max_num_queries
):
    for n in range(30):
        testing.conversation(channel=Channel.CHAT, subject=f"chat {n}")  # nobody has them
    travel.shift(minutes(1.6))  # past the warning at 90 s, before the deadline at 2 min
    with django_assert_max_num_queries(4):
        assert services.fire_due() == {"warnings": 30, "breaches": 0, "more": 0}
    assert not SlaClock.objects.filter(metric=Metric.FIRST_RESPONSE, warned_at__isnull=True)
    assert services.fire_due() == {"warnings": 0, "breaches": 0, "more": 0}


def test_a_burst_of_breaches_is_handled_in_passes(travel, monkeypatch):
    monkeypatch.setattr(services, "BREACHES_PER_PASS", 4)
    for n in range(6):
        testing.conversation(channel=Channel.CHAT, subject=f"chat {n}")
    travel.shift(minutes(3))
    first = services.fire_due()
    assert first["breaches"] == 4 and first["more"] == 1
    second = services.fire_due()
    assert second["breaches"] == 2 and second["more"] == 0
    assert (
        SlaClock.objects.filter(metric=Metric.FIRST_RESPONSE, breached_at__isnull=True).count() == 0
    )


def test_a_policy_changed_or_deleted_elsewhere_is_seen_at_once():
    from exdesk.sla.models import PoliciesVersion

    assert services.policy_for("p2", 0, "chat").name == "Live chat"  # read and kept
    # Another process deletes it: the token it leaves behind is all this one sees.
    SlaPolicy.objects.filter(name="Live chat").update(active=False)
    PoliciesVersion.objects.filter(pk=1).update(token="changed-elsewhere")
    assert services.policy_for("p2", 0, "chat").name == "Default"
    # Saving through the model (the admin) changes the token itself.
    policy = SlaPolicy.objects.get(name="Default")
    policy.first_response_minutes = 99
    policy.save()
    assert services.policy_for("p2", 0, "chat").first_response_minutes == 99
