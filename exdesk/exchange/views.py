"""The console's exchange account pages: the trader's account beside a conversation, the
approved actions, the stolen-account checklist and the deposit diagnosis. Thin: each view
checks access, calls one service and renders."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from exdesk.accounts.decorators import staff_required
from exdesk.accounts.permissions import answers_customers, sees_customer_pii
from exdesk.conversations import selectors as conversation_selectors

from . import selectors, services
from .models import ActionKind


def _context(request, conversation, **extra) -> dict:
    refresh = request.GET.get("refresh") == "1"
    if refresh:
        services.exchange_recovered()
    account = services.account_context(request.user, conversation, refresh=refresh, request=request)
    actions = services.actions_of(conversation)
    for action in actions:
        action.approvable = services.may_approve(request.user, action)  # type: ignore[attr-defined]
    return {
        "conversation": conversation,
        "account": account,
        "actions": actions,
        "action_kinds": ActionKind.choices,
        "four_eyes": services.needs_approval(ActionKind.FREEZE),
        "can_act": answers_customers(request.user),
        "recovery": services.recovery_steps(conversation),
        "stolen_reason": _("Reported stolen account, case %(reference)s")
        % {"reference": conversation.reference},
        "diagnose_initial": {
            "txid": conversation.txid,
            "coin": conversation.coin,
            "network": conversation.network,
            "amount": conversation.amount if conversation.amount is not None else "",
            "address": conversation.address,
        },
        **extra,
    }


def _conversation(request, pk):
    conversation = conversation_selectors.access_conversation(request.user, pk)
    if not sees_customer_pii(request.user):
        raise PermissionDenied
    return conversation


@staff_required
@require_GET
def account(request, pk):
    conversation = _conversation(request, pk)
    return render(request, "exchange/account.html", _context(request, conversation))


@staff_required
@require_GET
def account_panel(request, pk):
    """The same account, as a fragment the conversation page loads beside the timeline."""
    conversation = _conversation(request, pk)
    return render(request, "exchange/_panel.html", _context(request, conversation))


def _back(conversation) -> HttpResponseRedirect:
    return redirect(reverse("exchange:account", args=[conversation.pk]))


def _refused(request, conversation, error: ValidationError):
    messages = error.messages
    context = _context(request, conversation, errors=messages)
    return render(request, "exchange/account.html", context, status=400)


@staff_required
@require_POST
def request_action(request, pk):
    conversation = _conversation(request, pk)
    try:
        services.request_action(
            request.user,
            conversation,
            request.POST.get("kind", ""),
            request.POST.get("reason", ""),
            request=request,
        )
    except ValidationError as error:
        return _refused(request, conversation, error)
    return _back(conversation)


@staff_required
@require_POST
def approve(request, action_id):
    action = selectors.access_action(request.user, action_id)
    services.approve_action(request.user, action, request=request)
    return _back(action.conversation)


@staff_required
@require_POST
def reject(request, action_id):
    action = selectors.access_action(request.user, action_id)
    try:
        services.reject_action(
            request.user, action, request.POST.get("reason", ""), request=request
        )
    except ValidationError as error:
        return _refused(request, action.conversation, error)
    return _back(action.conversation)


@staff_required
@require_POST
def retry(request, action_id):
    action = selectors.access_action(request.user, action_id)
    try:
        services.retry_action(request.user, action, request=request)
    except ValidationError as error:
        return _refused(request, action.conversation, error)
    return _back(action.conversation)


@staff_required
@require_POST
def report_stolen(request, pk):
    conversation = _conversation(request, pk)
    services.report_stolen_account(request.user, conversation, request=request)
    return _back(conversation)


@staff_required
@require_POST
def tick_recovery(request, pk):
    conversation = _conversation(request, pk)
    try:
        services.tick_recovery_step(
            request.user,
            conversation,
            request.POST.get("code", ""),
            request.POST.get("done") == "1",
            request=request,
        )
    except ValidationError as error:
        return _refused(request, conversation, error)
    return _back(conversation)


@staff_required
@require_GET
def diagnose(request, pk):
    conversation = _conversation(request, pk)
    fields = {
        name: request.GET.get(name, "") for name in ("txid", "coin", "network", "memo", "address")
    }
    try:
        report = services.diagnose_deposit(
            request.user,
            conversation,
            amount=request.GET.get("amount", ""),
            request=request,
            **fields,
        )
    except ValidationError as error:
        return _refused(request, conversation, error)
    context = _context(request, conversation, report=report, diagnose_initial=request.GET)
    return render(request, "exchange/account.html", context)


@staff_required
@require_GET
def check_withdrawal(request, pk):
    conversation = _conversation(request, pk)
    withdrawal_id = request.GET.get("id", "")[:100]
    result = services.check_withdrawal(request.user, conversation, withdrawal_id, request=request)
    context = _context(request, conversation, withdrawal_check=result)
    return render(request, "exchange/account.html", context)
