"""An agent's record (training and service side by side) and the trainer's team
dashboard. The rules of what is counted live here; views_record only parse and render."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.models import Team, User
from exdesk.accounts.permissions import trains
from exdesk.conversations.models import Conversation

from . import selectors
from .choices import AttemptState
from .models import (
    Assignment,
    Attempt,
    Certificate,
    DrillRun,
    Lesson,
    LessonCompletion,
    PathStep,
)
from .selectors import PathProgress

# How far back the service figures look, and how far ahead an expiry is "soon".
SERVICE_WINDOW = dt.timedelta(days=30)
EXPIRY_WINDOW = dt.timedelta(days=30)

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


# ---------------------------------------------------------------- who sees a record


def agent_for_record(viewer, user_id: int) -> User:
    """The staff member whose record ``viewer`` asked for: their own, or anyone's for a
    trainer. Anyone else is told the record does not exist, so ids reveal nobody."""
    if viewer.pk != user_id and not trains(viewer):
        raise Http404
    agent = User.objects.filter(pk=user_id).first()
    if agent is None:
        raise Http404
    return agent


# ---------------------------------------------------------------- service figures


@dataclass
class ServiceFigures:
    """Real (not training) conversations assigned to the agent, opened since ``since``."""

    since: dt.datetime
    handled: int
    solved: int
    median_first_response: dt.timedelta | None
    # Customers' satisfaction (1–5) and QA scores (0–100) on those conversations.
    satisfaction: float | None = None
    rated: int = 0
    qa_score: float | None = None
    qa_reviewed: int = 0

    @property
    def resolution_rate(self) -> float | None:
        return self.solved / self.handled if self.handled else None

    @property
    def resolution_percent(self) -> int | None:
        rate = self.resolution_rate
        return None if rate is None else round(100 * rate)

    @property
    def median_minutes(self) -> int | None:
        if self.median_first_response is None:
            return None
        return round(self.median_first_response.total_seconds()) // 60

    @property
    def median_seconds(self) -> int | None:
        """The seconds past ``median_minutes``."""
        if self.median_first_response is None:
            return None
        return round(self.median_first_response.total_seconds()) % 60


def median(values: list[dt.timedelta]) -> dt.timedelta | None:
    """The exact median (the mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def service_figures(agent: User, now: dt.datetime | None = None) -> ServiceFigures:
    now = now or timezone.now()
    since = now - SERVICE_WINDOW
    # Drills are training conversations: they say nothing about service to customers.
    conversations = Conversation.objects.filter(
        assignee=agent, training=False, created_at__gte=since, created_at__lte=now
    ).order_by()
    counts = conversations.aggregate(
        handled=Count("pk"), solved=Count("pk", filter=Q(solved_at__isnull=False))
    )
    # Subtracted in Python: duration arithmetic differs between SQLite and PostgreSQL,
    # and an agent has few enough conversations a month to read them all.
    answered = conversations.filter(first_response_at__isnull=False)
    waits = [
        first - created
        for created, first in answered.values_list("created_at", "first_response_at")
        if first is not None
    ]
    from exdesk.quality.models import Feedback, QaReview

    rated = Feedback.objects.filter(conversation__in=conversations).aggregate(
        n=Count("pk"), mean=Avg("score")
    )
    reviewed = QaReview.objects.filter(
        conversation__in=conversations, agent=agent, calibration__isnull=True
    ).aggregate(n=Count("pk"), mean=Avg("score"))
    return ServiceFigures(
        since=since,
        handled=counts["handled"],
        solved=counts["solved"],
        median_first_response=median(waits),
        satisfaction=round(rated["mean"], 2) if rated["mean"] is not None else None,
        rated=rated["n"],
        qa_score=round(reviewed["mean"], 1) if reviewed["mean"] is not None else None,
        qa_reviewed=reviewed["n"],
    )


# ---------------------------------------------------------------- the agent's record


@dataclass
class PathRow:
    assignment: Assignment
    progress: PathProgress


@dataclass
class CertificateRow:
    certificate: Certificate
    status: str  # VALID, EXPIRED or REVOKED
    expires_soon: bool


def certificate_status(certificate: Certificate, now: dt.datetime) -> str:
    # The same rule as selectors.valid_certificates: valid until the expiry instant.
    if certificate.revoked_at is not None:
        return REVOKED
    return VALID if certificate.expires_at > now else EXPIRED


@dataclass
class AgentRecord:
    agent: User
    paths: list[PathRow]
    attempts: list[Attempt]
    certificates: list[CertificateRow]
    drills: list[DrillRun]
    service: ServiceFigures


def agent_record(agent: User, now: dt.datetime | None = None) -> AgentRecord:
    now = now or timezone.now()
    soon = now + EXPIRY_WINDOW
    certificates = []
    for certificate in selectors.certificates_of(agent):
        status = certificate_status(certificate, now)
        certificates.append(
            CertificateRow(certificate, status, status == VALID and certificate.expires_at <= soon)
        )
    return AgentRecord(
        agent=agent,
        # In the agent's own reading language, as the team dashboard counts it.
        paths=[
            PathRow(assignment, selectors.path_progress(assignment.path, agent))
            for assignment in selectors.assignments_of(agent)
        ],
        attempts=list(Attempt.objects.filter(user=agent).select_related("exam")),
        certificates=certificates,
        drills=list(selectors.drills_of(agent)),
        service=service_figures(agent, now),
    )


# ---------------------------------------------------------------- the team dashboard


@dataclass
class AgentRow:
    agent: User
    lessons_done: int
    lessons_total: int
    exams_passed: int
    exams_graded: int  # attempts passed or failed; those still open have no outcome
    valid_certificates: int
    expiring_certificates: int
    last_drill_score: int | None
    last_drill_adjustment: int

    @property
    def completion_percent(self) -> int | None:
        if not self.lessons_total:
            return None
        return round(100 * self.lessons_done / self.lessons_total)

    @property
    def pass_rate_percent(self) -> int | None:
        if not self.exams_graded:
            return None
        return round(100 * self.exams_passed / self.exams_graded)


@dataclass
class TeamDashboard:
    team: Team | None
    rows: list[AgentRow]
    expiring: list[Certificate]
    expiring_before: dt.datetime


def team_from(value: str | None) -> Team | None:
    """The team a ``?team=`` filter names; anything else means every team."""
    # ASCII digits that fit a database id; anything else would fail in int() or the query.
    if not value or not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return Team.objects.filter(pk=int(value)).first()


def teams() -> QuerySet[Team]:
    return Team.objects.order_by("name")


def _agents(team: Team | None) -> QuerySet[User]:
    agents = User.objects.filter(is_active=True)
    return agents.filter(teams=team) if team is not None else agents


def _count_per_user(rows: QuerySet, user_field: str = "user"):
    """How many of ``rows`` belong to the outer user row, as a correlated subquery: one
    query for every agent at once, whatever else is joined."""
    counted = (
        rows.filter(**{user_field: OuterRef("pk")})
        .order_by()
        .values(user_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _reading_language(user) -> str:
    # The language selectors.path_progress reads lessons in when none is given.
    languages = [str(code).lower() for code in (user.languages or [])]
    return "zh-hans" if languages[:1] == ["zh-hans"] else "en"


def _lesson_counts(agents: Sequence[User], agent_ids: QuerySet) -> dict[int, tuple[int, int]]:
    """(lessons done, lessons in assigned paths) per agent, counted as
    selectors.path_progress counts them, in four queries for all agents."""
    paths_of: dict[int, list[int]] = defaultdict(list)
    for user_id, path_id in Assignment.objects.filter(user__in=agent_ids).values_list(
        "user_id", "path_id"
    ):
        paths_of[user_id].append(path_id)
    path_ids = {path_id for ids in paths_of.values() for path_id in ids}
    modules_of: dict[int, list[int]] = defaultdict(list)
    for path_id, module_id in (
        PathStep.objects.filter(path__in=path_ids, module__isnull=False)
        .order_by("path", "position")
        .values_list("path_id", "module_id")
    ):
        modules_of[path_id].append(module_id)
    module_ids = {module_id for ids in modules_of.values() for module_id in ids}
    # Lesson keys per module and language: a reader gets their language, else English.
    keys: dict[tuple[int, str], set[str]] = defaultdict(set)
    for module_id, key, language in Lesson.objects.filter(
        module__in=module_ids, published_version__isnull=False
    ).values_list("module_id", "key", "language"):
        keys[(module_id, language)].add(key)
    done: dict[int, set[str]] = defaultdict(set)
    for user_id, key in LessonCompletion.objects.filter(user__in=agent_ids).values_list(
        "user_id", "lesson__key"
    ):
        done[user_id].add(key)
    counts = {}
    for agent in agents:
        language = _reading_language(agent)
        lessons_done = lessons_total = 0
        for path_id in paths_of.get(agent.pk, []):
            for module_id in modules_of.get(path_id, []):
                lesson_keys = keys.get((module_id, language), set()) | keys.get(
                    (module_id, "en"), set()
                )
                lessons_total += len(lesson_keys)
                lessons_done += len(lesson_keys & done[agent.pk])
        counts[agent.pk] = (lessons_done, lessons_total)
    return counts


def team_dashboard(team: Team | None = None, now: dt.datetime | None = None) -> TeamDashboard:
    """Where each active staff member (of ``team``, or everyone) stands, in a fixed
    number of queries however many agents there are."""
    now = now or timezone.now()
    soon = now + EXPIRY_WINDOW
    agent_ids = _agents(team).values("pk")
    valid = selectors.valid_certificates(now)
    last_drill = DrillRun.objects.filter(
        trainee=OuterRef("pk"), finished_at__isnull=False
    ).order_by("-finished_at", "-id")
    agents = list(
        _agents(team)
        .annotate(
            exams_passed=_count_per_user(Attempt.objects.filter(state=AttemptState.PASSED)),
            exams_graded=_count_per_user(
                Attempt.objects.filter(state__in=[AttemptState.PASSED, AttemptState.FAILED])
            ),
            valid_certificates=_count_per_user(valid),
            expiring_certificates=_count_per_user(valid.filter(expires_at__lte=soon)),
            last_drill_score=Subquery(last_drill.values("score")[:1]),
            last_drill_adjustment=Subquery(last_drill.values("review_adjustment")[:1]),
        )
        .order_by("username")
    )
    lessons = _lesson_counts(agents, agent_ids)
    rows = [
        AgentRow(
            agent=agent,
            lessons_done=lessons[agent.pk][0],
            lessons_total=lessons[agent.pk][1],
            exams_passed=agent.exams_passed,
            exams_graded=agent.exams_graded,
            valid_certificates=agent.valid_certificates,
            expiring_certificates=agent.expiring_certificates,
            last_drill_score=agent.last_drill_score,
            last_drill_adjustment=agent.last_drill_adjustment or 0,
        )
        for agent in agents
    ]
    expiring = list(
        valid.filter(user__in=agent_ids, expires_at__lte=soon)
        .select_related("user", "certification")
        .order_by("expires_at", "id")
    )
    return TeamDashboard(team=team, rows=rows, expiring=expiring, expiring_before=soon)


# ---------------------------------------------------------------- CSV export


def csv_safe(value: str) -> str:
    """A text cell a spreadsheet will not run: one starting like a formula (or with a
    tab or carriage return, which some spreadsheets skip first) is quoted as text."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def team_csv_rows(dashboard: TeamDashboard) -> list[list[object]]:
    """The dashboard as spreadsheet rows, a header first. Text cells go through
    ``csv_safe``; numbers are written as numbers."""
    rows: list[list[object]] = [
        [
            _("Username"),
            _("Name"),
            _("Lessons done"),
            _("Lessons assigned"),
            _("Path completion (%)"),
            _("Exams passed"),
            _("Exams graded"),
            _("Pass rate (%)"),
            _("Valid certificates"),
            _("Certificates expiring in 30 days"),
            _("Last drill score (%)"),
            _("Last drill review adjustment"),
        ]
    ]
    for row in dashboard.rows:
        rows.append(
            [
                csv_safe(row.agent.username),
                csv_safe(row.agent.get_full_name()),
                row.lessons_done,
                row.lessons_total,
                _blank_if_none(row.completion_percent),
                row.exams_passed,
                row.exams_graded,
                _blank_if_none(row.pass_rate_percent),
                row.valid_certificates,
                row.expiring_certificates,
                _blank_if_none(row.last_drill_score),
                row.last_drill_adjustment,
            ]
        )
    return rows


def _blank_if_none(value: int | None) -> object:
    return "" if value is None else value
