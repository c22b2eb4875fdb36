"""The complaints register as CSV or XLSX for the regulator (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from exdesk.accounts.models import User
from exdesk.accounts.permissions import handles_complaints
from exdesk.analytics import tables
from exdesk.audit.models import AuditAction
from exdesk.audit.services import record

from . import selectors

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": tables.XLSX_TYPE}


@dataclass
class Exported:
    filename: str
    content_type: str
    content: bytes


def _when(moment) -> str:
    return moment.isoformat() if moment else ""


def rows(user: User) -> tuple[list[str], list[list]]:
    headers = [
        _("Reference"),
        _("Conversation"),
        _("Customer UID"),
        _("Category"),
        _("Opened"),
        _("Acknowledge by"),
        _("Acknowledged"),
        _("Answer by"),
        _("Outcome sent"),
        _("Level"),
        _("State"),
        _("Summary"),
        _("Outcome"),
        _("History"),
    ]
    found = []
    for complaint in (
        selectors.register(user).prefetch_related("steps__by").order_by("opened_at", "id")
    ):
        history = "; ".join(
            f"{_when(step.at)} {step.kind} {_('by')} {step.by.username if step.by else 'exdesk'}"
            f" ({step.level}){': ' + step.note if step.note else ''}"
            for step in complaint.steps.all()
        )
        found.append(
            [
                complaint.reference,
                complaint.conversation.reference,
                complaint.conversation.customer.uid,
                complaint.category,
                _when(complaint.opened_at),
                _when(complaint.acknowledge_due),
                _when(complaint.acknowledged_at),
                _when(complaint.resolve_due),
                _when(complaint.resolved_at),
                complaint.level,
                complaint.state,
                complaint.summary,
                complaint.outcome,
                history,
            ]
        )
    return headers, found


def export(user: User, fmt: str, request=None) -> Exported:
    if fmt not in FORMATS:
        raise ValidationError(_("There is no such format."))
    if not handles_complaints(user):
        raise PermissionDenied
    headers, found = rows(user)
    record(
        user,
        AuditAction.EXPORT,
        "complaints:register",
        detail=f"{fmt} rows={len(found)}",
        request=request,
    )
    content = (
        tables.to_csv(headers, found)
        if fmt == "csv"
        else tables.to_xlsx("complaints", headers, found)
    )
    return Exported(f"exdesk-complaints.{fmt}", FORMATS[fmt], content)
