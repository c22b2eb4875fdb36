"""Staffing through the API: how many agents a load needs (Erlang C)."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from . import staffing

router = Router(tags=["staffing"])


class StaffingQuery(Schema):
    arrivals_per_hour: float = Field(..., ge=0, le=1_000_000)
    handling_seconds: float = Field(..., gt=0, le=86_400)
    target_seconds: float = Field(20, ge=0, le=86_400)
    service_level: float = Field(0.8, gt=0, lt=1)
    max_occupancy: float = Field(1.0, gt=0, le=1)


class StaffingOut(Schema):
    agents: int
    traffic_erlangs: float
    probability_of_waiting: float
    service_level: float
    average_wait_seconds: float
    occupancy: float


@router.get("", response=StaffingOut)
def agents_needed(request, query: Query[StaffingQuery]):
    """The fewest agents that answer `service_level` of arrivals within `target_seconds`
    (M/M/N, nobody gives up), with what they achieve."""
    try:
        plan = staffing.agents_needed(
            query.arrivals_per_hour,
            query.handling_seconds,
            query.target_seconds,
            query.service_level,
            query.max_occupancy,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    return asdict(plan)
