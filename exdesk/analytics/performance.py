"""Agent performance: each agent's figures over the dashboard's filters. An agent sees
their own, a team lead the members of their teams, analytics viewers everyone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from exdesk.accounts.choices import ANSWERS_CUSTOMERS
from exdesk.accounts.models import User
from exdesk.accounts.permissions import leads_teams, sees_analytics

from .metrics import Filters, facts_in, percentiles_by


def visible_agents(viewer: User) -> QuerySet[User]:
    agents = User.objects.filter(is_active=True, role__in=ANSWERS_CUSTOMERS)
    if sees_analytics(viewer):
        return agents.order_by("username")
    if leads_teams(viewer):
        mates = agents.filter(teams__in=viewer.teams.all())
        return (mates | User.objects.filter(pk=viewer.pk)).distinct().order_by("username")
    return User.objects.filter(pk=viewer.pk)


@dataclass
class AgentRow:
    agent: User
    handled: int = 0
    solved: int = 0
    first_response_median: float | None = None
    handling_median: float | None = None
    rated: int = 0
    csat_average: float | None = None
    qa_reviews: int = 0
    qa_score: float | None = None
    valid_certificates: int = 0
    overdue_training: int = 0

    @property
    def resolution_rate(self) -> float | None:
        return round(100 * self.solved / self.handled, 1) if self.handled else None


def agent_rows(viewer: User, filters: Filters, now: dt.datetime | None = None) -> list[AgentRow]:
    from exdesk.academy.models import Assignment, Certificate
    from exdesk.quality.models import QaReview

    now = now or timezone.now()
    agents = list(visible_agents(viewer))
    ids = [agent.pk for agent in agents]
    if filters.agent is not None:
        ids = [pk for pk in ids if pk == filters.agent]
    rows = {agent.pk: AgentRow(agent) for agent in agents if agent.pk in ids}
    facts = facts_in(filters).filter(agent_id__in=ids)
    for agent_id, handled, solved, rated, csat in (
        facts.values_list("agent_id")
        .annotate(
            handled=Count("pk"),
            solved=Count("pk", filter=Q(solved_at__isnull=False)),
            rated=Count("csat"),
            csat=Avg("csat"),
        )
        .order_by()
    ):
        row = rows[agent_id]
        row.handled, row.solved, row.rated = handled, solved, rated
        row.csat_average = round(csat, 2) if csat is not None else None
    points = (0.5,)
    for agent_id, figures in percentiles_by(
        facts, "first_response_seconds", points, group="agent_id"
    ).items():
        rows[agent_id].first_response_median = figures[0.5]
    for agent_id, figures in percentiles_by(
        facts, "handling_seconds", points, group="agent_id"
    ).items():
        rows[agent_id].handling_median = figures[0.5]
    reviews = QaReview.objects.filter(
        agent_id__in=ids,
        calibration__isnull=True,
        created_at__gte=filters.since,
        created_at__lt=filters.until,
    )
    for agent_id, n, score in (
        reviews.values_list("agent_id").annotate(n=Count("pk"), score=Avg("score")).order_by()
    ):
        rows[agent_id].qa_reviews = n
        rows[agent_id].qa_score = round(score, 1) if score is not None else None
    valid = Certificate.objects.filter(user_id__in=ids, revoked_at__isnull=True, expires_at__gt=now)
    for user_id, n in valid.values_list("user_id").annotate(n=Count("pk")).order_by():
        rows[user_id].valid_certificates = n
    overdue = Assignment.objects.filter(user_id__in=ids, completed_at__isnull=True, due_at__lt=now)
    for user_id, n in overdue.values_list("user_id").annotate(n=Count("pk")).order_by():
        rows[user_id].overdue_training = n
    return list(rows.values())
