"""Complaints in the console. Thin: parse, call services, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission, staff_required
from exdesk.accounts.permissions import handles_complaints
from exdesk.conversations.selectors import access_conversation
from exdesk.core.forms import run_action

from . import register_export, selectors, services
from .forms import MessageForm, OpenForm
from .models import ComplaintState


def _back(complaint_or_conversation_pk):
    return redirect("conversations:detail", complaint_or_conversation_pk)


@staff_required
@require_POST
def open_complaint(request, conversation_pk: int):
    conversation = access_conversation(request.user, conversation_pk)
    form = OpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a category and say what the complaint is about."))
        return _back(conversation.pk)
    run_action(
        request,
        lambda: services.open_complaint(request.user, conversation, **form.cleaned_data),
        _("The conversation is now a formal complaint."),
    )
    return _back(conversation.pk)


def _act(request, pk: int, work, success: str):
    """One step on a complaint with the text the form sent, then back to its page."""
    complaint = selectors.complaint_for(request.user, pk)
    form = MessageForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    run_action(request, lambda: work(request.user, complaint, text), success)
    return _back(complaint.conversation_id)


@staff_required
@require_POST
def acknowledge(request, pk: int):
    return _act(request, pk, services.acknowledge, _("The acknowledgement is sent."))


@staff_required
@require_POST
def escalate(request, pk: int):
    return _act(request, pk, services.escalate, _("The complaint is escalated."))


@staff_required
@require_POST
def resolve(request, pk: int):
    success = _("The written outcome is sent and the complaint is closed.")
    return _act(request, pk, services.resolve, success)


@require_permission(handles_complaints)
def complaint_register(request):
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    return render(
        request,
        "complaints/register.html",
        {
            "complaints": selectors.register(request.user, state, overdue)[:500],
            "states": ComplaintState.choices,
            "state": state,
            "overdue": overdue,
        },
    )


@require_permission(handles_complaints)
def export(request, fmt: str):
    try:
        exported = register_export.export(request.user, fmt, request)
    except ValidationError:
        return HttpResponseBadRequest(_("There is no such format."))
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
