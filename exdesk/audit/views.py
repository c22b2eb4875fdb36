from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import reads_audit_log

from . import services
from .models import AuditAction
from .selectors import audit_entries_for


def _filters(request) -> dict[str, str]:
    return {
        "actor": request.GET.get("actor", "").strip()[:150],
        "customer_uid": request.GET.get("customer", "").strip()[:64],
        "action": request.GET.get("action", "").strip()[:30],
    }


@require_permission(reads_audit_log)
def audit_log(request):
    filters = _filters(request)
    page = Paginator(audit_entries_for(request.user, **filters), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "filters": filters, "actions": AuditAction.choices}
    return render(request, "audit/log.html", context)


@require_permission(reads_audit_log)
def audit_export(request):
    filters = _filters(request)
    entries = audit_entries_for(request.user, **filters)
    services.record(
        request.user, AuditAction.EXPORT, "auditentry", detail=str(filters), request=request
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exdesk-audit.csv"'
    writer = csv.writer(response)
    writer.writerow(["time", "actor", "action", "target", "customer_uid", "detail", "ip"])
    for e in entries.iterator():
        writer.writerow(
            [
                e.created_at.isoformat(),
                e.actor.username,
                e.action,
                f"{e.target_type}:{e.target_id}",
                e.customer.uid if e.customer else "",
                _csv_safe(e.detail),
                e.ip_address or "",
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ is read as a formula.
    return "'" + value if value[:1] in {"=", "+", "-", "@"} else value
