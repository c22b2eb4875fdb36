"""The staff member's notifications: SLA warnings and breaches, escalations received."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import staff_required

from . import selectors, services


@staff_required
def notifications(request):
    context = {"notifications": selectors.notifications_of(request.user)}
    return render(request, "sla/notifications.html", context)


@staff_required
@require_POST
def mark_read(request):
    services.mark_notifications_read(request.user)
    return redirect("sla:notifications")
