"""Every table of the analytics pages as headers and rows, for CSV and XLSX export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from exdesk.accounts.models import User

from . import metrics, performance
from .metrics import Filters

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _counts(column: str, header: str) -> Callable:
    def table(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
        rows = metrics.counts_by(metrics.facts_in(filters), column)
        return [header, _("Conversations")], [[value or "—", n] for value, n in rows]

    return table


def hours(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    grid = metrics.heatmap(metrics.Samples.of(metrics.facts_in(filters), filters.tz).local)
    return [_("Weekday"), *[f"{hour:02d}" for hour in range(24)]], [
        [WEEKDAYS[day], *grid[day]] for day in range(7)
    ]


def days(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    rows = metrics.per_day(metrics.Samples.of(metrics.facts_in(filters), filters.tz).local, filters)
    return [_("Day"), _("Conversations")], [[day.isoformat(), n] for day, n in rows]


def summary(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    facts = metrics.facts_in(filters)
    figures = {**metrics.totals(facts), **metrics.response_times(facts)}
    return [_("Figure"), _("Value")], [[name, value] for name, value in figures.items()]


def searches(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    found = metrics.help_center(filters, limit=1000)
    return [_("Search with no result"), _("Times")], [list(row) for row in found["top_no_result"]]


def articles(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    found = metrics.help_center(filters, limit=1000)
    return [_("Article"), _("Votes"), _("Helpful"), _("Helpful %")], [
        [row["article__slug"], row["votes"], row["helpful"], row["helpful_share"]]
        for row in found["articles"]
    ]


def agents(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    headers = [
        _("Agent"),
        _("Handled"),
        _("Solved"),
        _("Resolution rate %"),
        _("First response, median (s)"),
        _("Handling time, median (s)"),
        _("Rated"),
        _("CSAT"),
        _("QA reviews"),
        _("QA score"),
        _("Valid certificates"),
        _("Overdue training"),
    ]
    return headers, [
        [
            row.agent.username,
            row.handled,
            row.solved,
            row.resolution_rate,
            row.first_response_median,
            row.handling_median,
            row.rated,
            row.csat_average,
            row.qa_reviews,
            row.qa_score,
            row.valid_certificates,
            row.overdue_training,
        ]
        for row in performance.agent_rows(viewer, filters)
    ]


def conversation_rows(viewer: User, filters: Filters) -> tuple[list[str], list[list]]:
    """One row per conversation counted, for analysis elsewhere (figures only, no text)."""
    headers = [
        _("Conversation"),
        _("Created"),
        _("Channel"),
        _("Language"),
        _("Intent"),
        _("Team"),
        _("Agent"),
        _("VIP tier"),
        _("Status"),
        _("First response (s)"),
        _("Resolution (s)"),
        _("SLA met"),
        _("Transfers"),
        _("Reopens"),
        _("CSAT"),
    ]
    facts = (
        metrics.facts_in(filters)
        .order_by("created_at")
        .values_list(
            "conversation_id",
            "created_at",
            "channel",
            "language",
            "intent",
            "team__slug",
            "agent__username",
            "vip_tier",
            "status",
            "first_response_seconds",
            "resolution_seconds",
            "sla_met",
            "transfers",
            "reopens",
            "csat",
        )
    )
    tz = filters.tz
    rows = [
        [f"EXD-{pk:06d}", created.astimezone(tz).isoformat(), *rest]
        for pk, created, *rest in facts.iterator(chunk_size=5000)
    ]
    return headers, rows


TABLES: dict[str, Callable] = {
    "conversations": conversation_rows,
    "summary": summary,
    "channels": _counts("channel", "Channel"),
    "languages": _counts("language", "Language"),
    "intents": _counts("intent", "Intent"),
    "hours": hours,
    "days": days,
    "searches": searches,
    "articles": articles,
    "agents": agents,
}
# Tables a team lead may export (of their own team); the rest need analytics access.
LEAD_TABLES = {"agents"}


def spreadsheet_safe(value):
    """A text cell a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(headers: list[str], rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM: spreadsheets then read UTF-8


def to_xlsx(title: str, headers: list[str], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
