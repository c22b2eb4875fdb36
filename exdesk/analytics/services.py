"""Analytics' business rules that change something: exports (audited) and the
scheduled e-mail reports."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exdesk.accounts.models import User
from exdesk.accounts.permissions import leads_teams, sees_analytics
from exdesk.audit.models import AuditAction
from exdesk.audit.services import record

from . import metrics, tables
from .metrics import Filters
from .models import ReportSubscription

FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": tables.XLSX_TYPE}


def may_export(user: User, table: str) -> bool:
    if sees_analytics(user):
        return True
    return table in tables.LEAD_TABLES and leads_teams(user)


@dataclass
class Export:
    filename: str
    content_type: str
    content: bytes
    rows: int


def describe(filters: Filters) -> str:
    parts = [f"{filters.start}..{filters.end} {filters.tz.key}"]
    for name in ("team", "agent", "channel", "language", "intent", "vip"):
        value = getattr(filters, name)
        if value not in (None, ""):
            parts.append(f"{name}={value}")
    return " ".join(parts)


def export_table(user: User, table: str, fmt: str, filters: Filters, request=None) -> Export:
    """One table as CSV or XLSX; who exported what, with which filters, goes in the
    audit log first."""
    if table not in tables.TABLES or fmt not in FORMATS:
        raise ValidationError(_("There is no such table or format."))
    if not may_export(user, table):
        raise PermissionDenied
    headers, rows = tables.TABLES[table](user, filters)
    record(
        user,
        AuditAction.EXPORT,
        f"analytics:{table}",
        detail=f"{fmt} {describe(filters)} rows={len(rows)}",
        request=request,
    )
    as_file = tables.to_csv if fmt == "csv" else lambda h, r: tables.to_xlsx(table, h, r)
    content = as_file(headers, rows)
    name = f"exdesk-{table}-{filters.start}-{filters.end}.{fmt}"
    return Export(name, FORMATS[fmt], content, len(rows))


# ---------------------------------------------------------------- scheduled reports

REPORT_HOUR = 7  # local time the report goes out, for the day (or week) before


def subscribe(user: User, frequency: str, team, time_zone: str) -> ReportSubscription:
    if not sees_analytics(user):
        raise PermissionDenied
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=user, frequency=frequency, defaults={"team": team, "time_zone": time_zone}
    )
    return subscription


def subscriptions_of(user: User) -> list[ReportSubscription]:
    return list(ReportSubscription.objects.filter(user=user).select_related("team"))


def unsubscribe(user: User, pk: int) -> None:
    ReportSubscription.objects.filter(user=user, pk=pk).delete()


def report_period(subscription: ReportSubscription, local_today: dt.date) -> Filters:
    days = 7 if subscription.frequency == ReportSubscription.Frequency.WEEKLY else 1
    return Filters(
        start=local_today - dt.timedelta(days=days),
        end=local_today - dt.timedelta(days=1),
        tz=zoneinfo.ZoneInfo(subscription.time_zone),
        team=subscription.team_id,
    )


def is_due(subscription: ReportSubscription, now: dt.datetime) -> bool:
    local = now.astimezone(zoneinfo.ZoneInfo(subscription.time_zone))
    if local.hour < REPORT_HOUR or subscription.last_sent_on == local.date():
        return False
    if subscription.frequency == ReportSubscription.Frequency.WEEKLY:
        return local.weekday() == 0
    return True


def send_due_reports(now: dt.datetime | None = None) -> int:
    """Mail every report whose hour has come and that has not gone today; returns how
    many went. A failed send is tried again at the next run."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse

    now = now or timezone.now()
    sent = 0
    for subscription in ReportSubscription.objects.select_related("user", "team"):
        user = subscription.user
        if not (user.is_active and user.email and sees_analytics(user)):
            continue
        if not is_due(subscription, now):
            continue
        local_today = now.astimezone(zoneinfo.ZoneInfo(subscription.time_zone)).date()
        filters = report_period(subscription, local_today)
        with translation.override((user.languages or ["en"])[0]):
            figures = metrics.dashboard(filters, now)
            link = settings.SITE_URL + reverse("analytics:dashboard")
            subject = _("exdesk report: %(start)s to %(end)s") % {
                "start": filters.start,
                "end": filters.end,
            }
            body = render_to_string(
                "analytics/email/report.txt",
                {
                    "figures": figures,
                    "filters": filters,
                    "subscription": subscription,
                    "link": link,
                },
            )
        with transaction.atomic():
            locked = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
            if locked.last_sent_on == local_today:
                continue
            EmailMessage(
                subject=subject,
                body=body,
                to=[user.email],
                headers={"Auto-Submitted": "auto-generated"},
            ).send()
            locked.last_sent_on = local_today
            locked.save(update_fields=["last_sent_on"])
        sent += 1
    return sent
