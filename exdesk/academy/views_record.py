"""An agent's record and the trainer's team dashboard (with its CSV export). Thin:
parse, call record, render."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import trains
from exdesk.audit import services as audit
from exdesk.audit.models import AuditAction

from . import record as records


@staff_required
def record(request, user_id: int):
    agent = records.agent_for_record(request.user, user_id)
    return render(
        request,
        "academy/record.html",
        {"record": records.agent_record(agent), "can_train": trains(request.user)},
    )


@require_permission(trains)
def team(request):
    selected = records.team_from(request.GET.get("team"))
    return render(
        request,
        "academy/team.html",
        {
            "dashboard": records.team_dashboard(selected),
            "teams": records.teams(),
            "selected": selected,
        },
    )


@require_permission(trains)
def team_csv(request):
    selected = records.team_from(request.GET.get("team"))
    dashboard = records.team_dashboard(selected)
    audit.record(
        request.user,
        AuditAction.EXPORT,
        "training-team",
        detail=f"team={selected.slug if selected else 'all'} agents={len(dashboard.rows)}",
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"exdesk-training-{selected.slug if selected else 'all'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    csv.writer(response).writerows(records.team_csv_rows(dashboard))
    return response
