"""An agent's record and the trainer's team dashboard: figures counted by hand, who may
see what, the audited CSV export, and a query count that does not grow with the team."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exdesk import testing
from exdesk.academy import record, selectors, services
from exdesk.academy.choices import AttemptState
from exdesk.academy.models import (
    Attempt,
    DrillRun,
    LearningPath,
    Lesson,
    LessonCompletion,
    PathStep,
    Scenario,
)
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditAction, AuditEntry
from exdesk.conversations.models import Conversation

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def client_of(user):
    return testing.signed_in(user)


def conversation_for(agent, *, age, first_response=None, solved=False, training=False):
    """A conversation assigned to ``agent``, opened ``age`` ago, first answered after
    ``first_response`` (a timedelta, or never)."""
    conversation = Conversation.objects.create(
        subject="Deposit not credited",
        channel="web",
        customer=testing.customer(),
        assignee=agent,
        training=training,
    )
    created = NOW - age
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=created,
        first_response_at=created + first_response if first_response is not None else None,
        solved_at=created + dt.timedelta(hours=1) if solved else None,
    )
    return conversation


def minutes(n):
    return dt.timedelta(minutes=n)


def days(n):
    return dt.timedelta(days=n)


# ---------------------------------------------------------------- service figures


@pytest.fixture
def served(trainee):
    """Five real conversations in the window (first responses 1, 3, 5 and 16 min, one
    unanswered; two solved), plus three that must not count."""
    conversation_for(trainee, age=days(1), first_response=minutes(1), solved=True)
    conversation_for(trainee, age=days(2), first_response=minutes(3))
    conversation_for(trainee, age=days(3), first_response=minutes(5), solved=True)
    conversation_for(trainee, age=days(4), first_response=minutes(16))
    conversation_for(trainee, age=days(5))
    # A drill, an old conversation and a colleague's: all fast and solved, all left out.
    conversation_for(trainee, age=days(1), first_response=minutes(0), solved=True, training=True)
    conversation_for(trainee, age=days(31), first_response=minutes(0), solved=True)
    conversation_for(testing.staff("colleague"), age=days(1), first_response=minutes(0))
    return trainee


def test_service_figures_are_counted_by_hand(served):
    figures = record.service_figures(served, now=NOW)
    assert figures.handled == 5
    assert figures.solved == 2
    assert figures.resolution_rate == pytest.approx(0.4)
    assert figures.resolution_percent == 40
    # Four first responses: 1, 3, 5, 16 min; the median is the mean of 3 and 5.
    assert figures.median_first_response == minutes(4)
    assert (figures.median_minutes, figures.median_seconds) == (4, 0)


def test_satisfaction_and_qa_scores_sit_beside_the_service_figures(trainee):
    """Customers' ratings and QA reviews of the agent's real conversations in the window;
    a drill's, an old one's and a calibration session's are left out."""
    from exdesk.quality.models import Calibration, Feedback, QaReview, Scorecard

    card = Scorecard.objects.create(name="Standard")
    reviewer = testing.staff("quinn", role=Role.QA_REVIEWER)
    recent = [conversation_for(trainee, age=days(n), solved=True) for n in (1, 2, 3)]
    drill = conversation_for(trainee, age=days(1), solved=True, training=True)
    old = conversation_for(trainee, age=days(40), solved=True)
    for conversation, score in [
        (recent[0], 5),
        (recent[1], 4),
        (recent[2], 2),
        (drill, 1),
        (old, 1),
    ]:
        Feedback.objects.create(
            conversation=conversation, score=score, source="link", created_at=NOW, updated_at=NOW
        )
    for conversation, score in [(recent[0], 90), (recent[1], 60), (old, 0)]:
        QaReview.objects.create(
            conversation=conversation,
            scorecard=card,
            reviewer=reviewer,
            agent=trainee,
            score=score,
            created_at=NOW,
        )
    session = Calibration.objects.create(
        conversation=recent[2], scorecard=card, created_by=reviewer, created_at=NOW
    )
    QaReview.objects.create(
        conversation=recent[2],
        scorecard=card,
        reviewer=reviewer,
        agent=trainee,
        calibration=session,
        score=0,
        created_at=NOW,
    )
    figures = record.service_figures(trainee, now=NOW)
    assert (figures.satisfaction, figures.rated) == (3.67, 3)  # (5 + 4 + 2) / 3
    assert (figures.qa_score, figures.qa_reviewed) == (75.0, 2)
    page = client_of(trainee).get(f"/console/training/people/{trainee.pk}/").content.decode()
    assert "3.67 of 5 (3 ratings)" in page and "75.0 of 100 (2 reviews)" in page


def test_service_figures_of_an_agent_without_conversations(trainee):
    figures = record.service_figures(trainee, now=NOW)
    assert (figures.handled, figures.solved) == (0, 0)
    assert figures.resolution_rate is None and figures.median_first_response is None


def test_median_is_exact():
    seconds = dt.timedelta(seconds=1)
    assert record.median([]) is None
    assert record.median([3 * seconds, 1 * seconds, 2 * seconds]) == 2 * seconds
    assert record.median([1 * seconds, 2 * seconds]) == dt.timedelta(milliseconds=1500)


def test_the_record_page_shows_the_service_figures(served):
    page = client_of(served).get(f"/console/training/people/{served.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 min 0 s" in text
    assert "40% (2 of 5 solved)" in text


# ---------------------------------------------------------------- permissions


def test_an_agent_sees_their_own_record_only(trainee):
    other = testing.staff("other")
    client = client_of(trainee)
    assert client.get(f"/console/training/people/{trainee.pk}/").status_code == 200
    # Another agent's record, and one that does not exist, look the same: not found.
    assert client.get(f"/console/training/people/{other.pk}/").status_code == 404
    assert client.get("/console/training/people/999999/").status_code == 404


def test_an_agent_may_not_open_the_dashboard_or_export_it(trainee):
    client = client_of(trainee)
    assert client.get("/console/training/team/").status_code == 403
    assert client.get("/console/training/team.csv").status_code == 403
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.SUPERVISOR, Role.ADMIN])
def test_trainers_see_everyone(role, trainee):
    viewer = testing.staff("viewer", role=role)
    client = client_of(viewer)
    assert client.get(f"/console/training/people/{trainee.pk}/").status_code == 200
    assert client.get("/console/training/team/").status_code == 200
    assert client.get("/console/training/team.csv").status_code == 200
    assert client.get("/console/training/people/999999/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(trainee):
    from django.test import Client

    page = Client().get(f"/console/training/people/{trainee.pk}/")
    assert page.status_code == 302


# ---------------------------------------------------------------- training figures


@pytest.fixture
def curriculum(module, lesson):
    """A path over ``module``: "phishing" in English, "fake-support" in both languages,
    "wallet-basics" in Chinese only; then the exam."""
    both = Lesson.objects.create(module=module, key="fake-support", language="en", position=1)
    services.publish_lesson(both, title="Fake support", body="Never.")
    both_zh = Lesson.objects.create(
        module=module, key="fake-support", language="zh-hans", position=1
    )
    services.publish_lesson(both_zh, title="假客服", body="从不。")
    zh_only = Lesson.objects.create(
        module=module, key="wallet-basics", language="zh-hans", position=2
    )
    services.publish_lesson(zh_only, title="钱包", body="基础。")
    Lesson.objects.create(module=module, key="draft-only", language="en", position=3)
    path = LearningPath.objects.create(key="security", title_en="Security path", title_zh="安全")
    PathStep.objects.create(path=path, position=0, module=module)
    return path


def attempt_of(user, exam, state, score=None, max_score=4, ago=None):
    ago = ago or days(1)
    return Attempt.objects.create(
        exam=exam,
        user=user,
        state=state,
        started_at=NOW - ago,
        deadline=NOW - ago + minutes(20),
        submitted_at=None if state == AttemptState.IN_PROGRESS else NOW - ago + minutes(10),
        score=score,
        max_score=max_score,
    )


def complete(user, key, language="en"):
    LessonCompletion.objects.create(
        user=user,
        lesson=Lesson.objects.get(key=key, language=language),
        version=1,
        check_score=3,
        check_total=3,
        completed_at=NOW,
    )


@pytest.fixture
def scenario():
    return Scenario.objects.create(
        key="seed-offer",
        language="en",
        title="USDT on the wrong network",
        opening="My USDT has not arrived.",
        persona={"name": "Daniel"},
        facts={},
        script={},
        rubric={},
    )


def drill_of(user, scenario, *, score, passed, ago, adjustment=0, reviewer=None, finished=True):
    conversation = conversation_for(user, age=ago, training=True)
    return DrillRun.objects.create(
        scenario=scenario,
        trainee=user,
        conversation=conversation,
        started_at=NOW - ago,
        finished_at=NOW - ago + minutes(10) if finished else None,
        score=score if finished else None,
        passed=passed if finished else None,
        review_adjustment=adjustment,
        reviewed_by=reviewer,
    )


def grant(user, certification, *, granted_ago):
    return services.grant_certificate(user, certification, now=NOW - granted_ago)


@pytest.fixture
def trained(trainee, trainer, curriculum, exam, certification, scenario):
    """The trainee's training, with a figure for each column of the dashboard."""
    services.assign_path(curriculum, [trainee], by=trainer)
    complete(trainee, "phishing")
    attempt_of(trainee, exam, AttemptState.FAILED, score=1, ago=days(3))
    attempt_of(trainee, exam, AttemptState.PASSED, score=4, ago=days(2))
    attempt_of(trainee, exam, AttemptState.IN_PROGRESS, ago=minutes(5))  # no outcome yet
    grant(trainee, certification, granted_ago=days(10))  # valid for another 170 days
    grant(trainee, certification, granted_ago=days(170))  # expires in 10 days
    grant(trainee, certification, granted_ago=days(200))  # expired
    revoked = grant(trainee, certification, granted_ago=days(1))
    services.revoke_certificate(revoked, trainer, "Asked a customer for a code")
    drill_of(trainee, scenario, score=60, passed=False, ago=days(4))
    drill_of(trainee, scenario, score=85, passed=True, ago=days(2), adjustment=-5, reviewer=trainer)
    drill_of(trainee, scenario, score=0, passed=False, ago=days(1), finished=False)  # running
    return trainee


def row_of(dashboard, user):
    return next(row for row in dashboard.rows if row.agent.pk == user.pk)


def test_the_dashboard_counts_each_column(trained):
    row = row_of(record.team_dashboard(now=NOW), trained)
    # An English reader: phishing and fake-support (the Chinese-only lesson and the
    # unpublished one are not theirs to read).
    assert (row.lessons_done, row.lessons_total, row.completion_percent) == (1, 2, 50)
    assert (row.exams_passed, row.exams_graded, row.pass_rate_percent) == (1, 2, 50)
    assert (row.valid_certificates, row.expiring_certificates) == (2, 1)
    assert (row.last_drill_score, row.last_drill_adjustment) == (85, -5)


def test_path_completion_agrees_with_the_learners_own_progress(trained, curriculum):
    chinese = testing.staff("chinese")
    chinese.languages = ["zh-hans", "en"]
    chinese.save(update_fields=["languages"])
    services.assign_path(curriculum, [chinese])
    complete(chinese, "fake-support", "zh-hans")
    complete(chinese, "wallet-basics", "zh-hans")
    dashboard = record.team_dashboard(now=NOW)
    for user in (trained, chinese):
        progress = selectors.path_progress(curriculum, user)
        row = row_of(dashboard, user)
        assert (row.lessons_done, row.lessons_total) == (
            progress.lessons_done,
            progress.lessons_total,
        )
    assert (row_of(dashboard, chinese).lessons_done, row_of(dashboard, chinese).lessons_total) == (
        2,
        3,
    )


def test_an_agent_without_training_shows_blanks(trainee):
    row = row_of(record.team_dashboard(now=NOW), trainee)
    assert row.completion_percent is None and row.pass_rate_percent is None
    assert row.last_drill_score is None and row.last_drill_adjustment == 0
    assert (row.valid_certificates, row.expiring_certificates) == (0, 0)


def test_the_dashboard_lists_the_certificates_expiring_soon(trained, certification):
    dashboard = record.team_dashboard(now=NOW)
    assert [(c.user_id, c.expires_at.date()) for c in dashboard.expiring] == [
        (trained.pk, (NOW + days(10)).date())
    ]


def test_the_team_filter_and_inactive_staff(trained):
    vip = testing.staff("vip-agent", teams=("vip",))
    gone = testing.staff("gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    everyone = {row.agent.username for row in record.team_dashboard(now=NOW).rows}
    assert {"trainee", "vip-agent"} <= everyone and "gone" not in everyone
    vip_team = testing.team("vip")
    only_vip = record.team_dashboard(vip_team, now=NOW)
    assert [row.agent.username for row in only_vip.rows] == [vip.username]
    assert only_vip.expiring == []  # the trainee's certificate is outside the team


def test_a_team_filter_that_names_no_team_means_all():
    assert record.team_from(None) is None
    assert record.team_from("") is None
    assert record.team_from("abc") is None
    assert record.team_from("²") is None
    assert record.team_from("9" * 30) is None
    assert record.team_from("999999") is None
    team = testing.team("vip")
    assert record.team_from(str(team.pk)) == team


def test_the_team_page_links_each_agent_to_their_record(trained, trainer):
    vip = testing.staff("vip-agent", teams=("vip",))
    client = client_of(trainer)
    page = client.get("/console/training/team/").content.decode()
    assert f'href="/console/training/people/{trained.pk}/"' in page
    assert f'href="/console/training/people/{vip.pk}/"' in page
    assert "50% (1 of 2 lessons)" in page
    team_id = testing.team("vip").pk
    filtered = client.get(f"/console/training/team/?team={team_id}").content.decode()
    assert f'href="/console/training/people/{vip.pk}/"' in filtered
    assert f'href="/console/training/people/{trained.pk}/"' not in filtered
    assert f'href="/console/training/team.csv?team={team_id}"' in filtered


def test_the_record_shows_exams_certificates_and_drills(trained, trainer):
    page = client_of(trainer).get(f"/console/training/people/{trained.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Security path" in text
    assert "Security L1 exam" in text and "4 / 4" in text and "1 / 4" in text
    assert "In progress" in text and "Failed" in text and "Passed" in text
    assert "revoked" in text and "Asked a customer for a code" in text
    assert "expired" in text and "within 30 days" in text
    assert "USDT on the wrong network" in text and "<td>-5</td>" in text


def test_record_certificate_statuses(trained):
    rows = record.agent_record(trained, now=NOW).certificates
    statuses = sorted((row.status, row.expires_soon) for row in rows)
    assert statuses == [
        ("expired", False),
        ("revoked", False),
        ("valid", False),
        ("valid", True),
    ]


# ---------------------------------------------------------------- CSV export


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_export_is_audited(trained, trainer):
    response = client_of(trainer).get("/console/training/team.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header[:3] == ["Username", "Name", "Lessons done"]
    row = dict(zip(header, next(r for r in rows if r[0] == "trainee"), strict=True))
    assert row["Lessons done"] == "1" and row["Lessons assigned"] == "2"
    assert row["Path completion (%)"] == "50"
    assert (row["Exams passed"], row["Exams graded"], row["Pass rate (%)"]) == ("1", "2", "50")
    assert row["Valid certificates"] == "2"
    assert row["Certificates expiring in 30 days"] == "1"
    assert row["Last drill score (%)"] == "85"
    assert row["Last drill review adjustment"] == "-5"
    entry = AuditEntry.objects.get()
    assert entry.actor == trainer and entry.action == AuditAction.EXPORT
    assert entry.target_type == "training-team"
    assert "team=all" in entry.detail


def test_the_csv_export_follows_the_team_filter(trained, trainer):
    testing.staff("vip-agent", teams=("vip",))
    team = testing.team("vip")
    response = client_of(trainer).get(f"/console/training/team.csv?team={team.pk}")
    _header, *rows = read_csv(response)
    assert [r[0] for r in rows] == ["vip-agent"]
    assert 'filename="exdesk-training-vip.csv"' in response["Content-Disposition"]
    assert "team=vip agents=1" in AuditEntry.objects.get().detail


def test_the_csv_export_does_not_let_a_name_run_as_a_formula(trainer):
    evil = testing.staff("@evil")
    evil.first_name = '=HYPERLINK("http://attacker.example","Click")'
    evil.save(update_fields=["first_name"])
    _header, *rows = read_csv(client_of(trainer).get("/console/training/team.csv"))
    row = next(r for r in rows if "evil" in r[0])
    assert row[0] == "'@evil"
    assert row[1] == '\'=HYPERLINK("http://attacker.example","Click")'


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_quotes_what_a_spreadsheet_would_run(value):
    assert record.csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["", "Alice", "1+1", "a=b"])
def test_csv_safe_leaves_plain_text_alone(value):
    assert record.csv_safe(value) == value


# ---------------------------------------------------------------- query count


_agent_numbers = itertools.count(1)


def add_trained_agents(n, curriculum, exam, certification, scenario):
    for _i in range(n):
        agent = testing.staff(f"agent-{next(_agent_numbers)}")
        services.assign_path(curriculum, [agent])
        complete(agent, "phishing")
        attempt_of(agent, exam, AttemptState.PASSED, score=4)
        grant(agent, certification, granted_ago=days(170))
        drill_of(agent, scenario, score=70, passed=True, ago=days(1))


def test_the_dashboard_query_count_does_not_grow_with_agents(
    trained, trainer, curriculum, exam, certification, scenario
):
    client = client_of(trainer)
    client.get("/console/training/team/")  # the session's first request settles once

    def queries():
        with CaptureQueriesContext(connection) as dashboard:
            record.team_dashboard(now=NOW)
        with CaptureQueriesContext(connection) as page:
            assert client.get("/console/training/team/").status_code == 200
        with CaptureQueriesContext(connection) as export:
            assert client.get("/console/training/team.csv").status_code == 200
        return len(dashboard), len(page), len(export)

    few = queries()
    add_trained_agents(5, curriculum, exam, certification, scenario)
    many = queries()
    assert many == few
    assert few[0] <= 8


def test_the_dashboard_stays_within_a_fixed_budget(
    django_assert_max_num_queries, trained, curriculum, exam, certification, scenario
):
    add_trained_agents(10, curriculum, exam, certification, scenario)
    with django_assert_max_num_queries(8):
        dashboard = record.team_dashboard(now=NOW)
    assert len(dashboard.rows) >= 12
    assert all(row.valid_certificates for row in dashboard.rows if row.agent.username != "trainer")
