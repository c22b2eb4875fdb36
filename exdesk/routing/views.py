"""The live queue for supervisors: who waits, in which order, who is at their desk, and
pins. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import manages_routing, sees_compliance_cases

from . import selectors, services, staffing
from .forms import StaffingForm


@require_permission(manages_routing)
def queue(request):
    agents, teams = selectors.pin_targets()
    context = {
        "waiting": selectors.live_queue(),
        "desks": selectors.desks(),
        "agents": agents,
        "teams": teams,
        "sees_compliance_cases": sees_compliance_cases(request.user),
    }
    return render(request, "routing/queue.html", context)


def _number(text: str) -> int | None:
    digits = text.strip().upper().removeprefix("EXD-").lstrip("#")
    return int(digits) if digits.isdigit() and len(digits) < 12 else None


@require_permission(manages_routing)
@require_POST
def pin(request):
    number = _number(request.POST.get("conversation", "")[:20])
    conversation = selectors.conversation(request.user, number) if number else None
    target = request.POST.get("target", "")[:40]
    kind, _sep, raw_id = target.partition(":")
    agents, teams = selectors.pin_targets()
    agent = agents.filter(pk=raw_id).first() if kind == "agent" and raw_id.isdigit() else None
    team = teams.filter(pk=raw_id).first() if kind == "team" and raw_id.isdigit() else None
    if conversation is None:
        messages.error(request, _("No conversation has that number."))
    else:
        try:
            services.pin(conversation, request.user, agent=agent, team=team)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Pinned."))
    return redirect("routing:queue")


@require_permission(manages_routing)
@require_POST
def unpin(request, pk):
    conversation = selectors.conversation(request.user, pk)
    if conversation is not None:
        services.unpin(conversation, request.user)
        messages.success(request, _("Pin removed."))
    return redirect("routing:queue")


@require_permission(manages_routing)
def staffing_plan(request):
    """How many agents a load needs, and what one more or fewer would give."""
    form = StaffingForm(request.GET or None)
    plan, around = None, []
    if form.is_valid():
        data = form.cleaned_data
        load = (data["arrivals_per_hour"], data["handling_seconds"], data["target_seconds"])
        try:
            plan = staffing.agents_needed(
                *load, data["service_level"] / 100, data["max_occupancy"] / 100
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            around = staffing.around(plan, *load)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "plan": plan, "around": around}
    return render(request, "routing/staffing.html", context, status=status)
