"""Numbers shaped for the charts the templates draw as SVG and HTML (no chart library,
nothing from another host)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

HEAT_LEVELS = 5


def bars(rows: list[tuple[str, int]], labels: dict | None = None) -> list[dict]:
    """Horizontal bars: each row's share of the largest, for the bar's width."""
    top = max((n for _, n in rows), default=0)
    labels = labels or {}
    return [
        {
            "value": value,
            "label": labels.get(value, value) or "—",
            "n": n,
            "width": round(100 * n / top) if top else 0,
        }
        for value, n in rows
    ]


def heat(grid: list[list[int]]) -> list[list[dict]]:
    """Each cell of the weekday × hour grid with its shade (0 empty … 5 busiest)."""
    top = max((n for row in grid for n in row), default=0)
    return [
        [
            {
                "hour": hour,
                "n": n,
                "level": 0 if not n or not top else max(1, round(HEAT_LEVELS * n / top)),
            }
            for hour, n in enumerate(row)
        ]
        for row in grid
    ]


def columns(days: list[tuple[dt.date, int]], height: int = 120) -> dict:
    """Daily volume as SVG columns: x, y, height per day in a 0–``height`` frame."""
    top = max((n for _, n in days), default=0)
    width = 10
    cols = []
    for index, (day, n) in enumerate(days):
        h = round(height * n / top) if top else 0
        cols.append({"day": day, "n": n, "x": index * width, "y": height - h, "h": h})
    return {"columns": cols, "width": max(len(days) * width, width), "height": height}


def duration(seconds: float | None) -> str:
    """Seconds as "1 h 05 min", "4 min 10 s" or "12 s"."""
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds >= 3600:
        return _("%(h)d h %(m)02d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}
    if seconds >= 60:
        return _("%(m)d min %(s)02d s") % {"m": seconds // 60, "s": seconds % 60}
    return _("%(s)d s") % {"s": seconds}
