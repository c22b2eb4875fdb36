"""Incidents in the console. Thin: parse, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import manages_incidents
from exdesk.analytics import charts
from exdesk.core.forms import add_service_errors

from . import selectors, services
from .forms import DeclareForm, ResolveForm, UpdateForm


@staff_required
def incident_list(request):
    return render(
        request,
        "incidents/list.html",
        {"incidents": selectors.incidents(), "can_manage": manages_incidents(request.user)},
    )


@require_permission(manages_incidents)
def declare(request):
    if request.method == "POST":
        form = DeclareForm(request.POST)
        if form.is_valid():
            try:
                incident = services.declare(request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The incident is declared."))
                return redirect("incidents:detail", incident.pk)
    else:
        # Prefilled from an unusual topic of Analytics (?intents=…&title_en=…).
        form = DeclareForm(
            initial={
                name: request.GET[name][:160]
                for name in ("title_en", "intents", "networks", "keywords")
                if name in request.GET
            }
        )
    return render(request, "incidents/declare.html", {"form": form})


@staff_required
def detail(request, pk: int):
    incident = selectors.incident(pk)
    report = selectors.report(incident)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "updates": selectors.updates_with_deliveries(incident),
            "links": selectors.recent_links(incident),
            "linked": report["linked"],
            "report": report,
            "durations": {
                key: charts.duration(report[key])
                for key in ("first_response_median", "first_response_p90")
            },
            "can_manage": manages_incidents(request.user),
            "update_form": UpdateForm(),
            "resolve_form": ResolveForm(),
        },
    )


@require_permission(manages_incidents)
@require_POST
def post_update(request, pk: int):
    incident = selectors.incident(pk)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.post_update(request.user, incident, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The update is on its way to every linked conversation."))
    else:
        messages.error(request, _("Write the update in both languages."))
    return redirect("incidents:detail", incident.pk)


@require_permission(manages_incidents)
@require_POST
def resolve(request, pk: int):
    incident = selectors.incident(pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve(request.user, incident, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The incident is resolved."))
    else:
        messages.error(request, _("Write the final update in both languages."))
    return redirect("incidents:detail", incident.pk)
