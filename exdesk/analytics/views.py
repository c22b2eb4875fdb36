"""Analytics pages in the console. Thin: parse the filters, call, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from exdesk.accounts.choices import Language
from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import sees_analytics
from exdesk.conversations.choices import Channel
from exdesk.core.forms import add_service_errors

from . import charts, metrics, performance, selectors, services
from .forms import COMMON_ZONES, FilterForm, SubscriptionForm
from .tables import WEEKDAYS

FILTER_NAMES = ["start", "end", "tz", "team", "agent", "channel", "language", "intent", "vip"]


def _filter_form(request, agents=None) -> FilterForm:
    return FilterForm(request.GET, agents=agents)  # every field is optional


def _query(request) -> str:
    """The filters of this page, to carry into its links."""
    return urlencode({name: request.GET[name] for name in FILTER_NAMES if request.GET.get(name)})


@require_permission(sees_analytics)
def dashboard(request):
    form = _filter_form(request)
    context = {"form": form, "zones": COMMON_ZONES, "query": _query(request)}
    if not form.is_valid():
        return render(request, "analytics/dashboard.html", context, status=400)
    filters = form.filters()
    figures = metrics.dashboard(filters)
    channel_names = dict(Channel.choices)
    language_names = dict(Language.choices)
    context.update(
        filters=filters,
        figures=figures,
        times={name: charts.duration(value) for name, value in figures["times"].items()},
        channels=charts.bars(figures["by_channel"], channel_names),
        languages=charts.bars(figures["by_language"], language_names),
        intents=charts.bars(figures["by_intent"]),
        heatmap=list(zip(WEEKDAYS, charts.heat(figures["heatmap"]), strict=True)),
        days=charts.columns(figures["per_day"]),
    )
    return render(request, "analytics/dashboard.html", context)


@require_permission(sees_analytics)
def conversations(request):
    form = _filter_form(request)
    show = request.GET.get("show", "all")[:40]
    if not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid."))
    try:
        found = selectors.conversations_behind(
            request.user, form.filters(), show, request.GET.get("page")
        )
    except ValueError:
        return HttpResponseBadRequest(_("There is no such figure."))
    context = {**found, "show": show, "query": _query(request), "filters": form.filters()}
    return render(request, "analytics/conversations.html", context)


@staff_required
def export(request, table: str, fmt: str):
    form = _filter_form(request, agents=performance.visible_agents(request.user))
    if not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid."))
    try:
        exported = services.export_table(request.user, table, fmt, form.filters(), request)
    except ValidationError:
        return HttpResponseBadRequest(_("There is no such table or format."))
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@staff_required
def agents(request):
    """Agent performance: one's own, one's team's (team leads), everyone's (analytics)."""
    visible = performance.visible_agents(request.user)
    form = _filter_form(request, agents=visible)
    context = {
        "form": form,
        "zones": COMMON_ZONES,
        "query": _query(request),
        "sees_all": sees_analytics(request.user),
        "may_export": services.may_export(request.user, "agents"),
    }
    if not form.is_valid():
        return render(request, "analytics/agents.html", context, status=400)
    rows = performance.agent_rows(request.user, form.filters())
    context["rows"] = [
        {
            "row": row,
            "first_response": charts.duration(row.first_response_median),
            "handling": charts.duration(row.handling_median),
        }
        for row in rows
    ]
    return render(request, "analytics/agents.html", context)


@require_permission(sees_analytics)
def reports(request):
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST":
        if "unsubscribe" in request.POST:
            services.unsubscribe(request.user, _int(request.POST.get("unsubscribe")))
            messages.success(request, _("The report is cancelled."))
            return redirect("analytics:reports")
        if form.is_valid():
            try:
                services.subscribe(
                    request.user,
                    form.cleaned_data["frequency"],
                    form.cleaned_data["team"],
                    form.cleaned_data["time_zone"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The report will reach you by e-mail."))
                return redirect("analytics:reports")
    subscriptions = services.subscriptions_of(request.user)
    return render(
        request,
        "analytics/reports.html",
        {"form": form, "subscriptions": subscriptions, "zones": COMMON_ZONES},
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
