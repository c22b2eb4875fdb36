"""The console's channel pages: quarantined mail, and linking a platform identity to a
customer. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exdesk.accounts.decorators import require_permission
from exdesk.accounts.permissions import answers_customers, manages_channels
from exdesk.audit import services as audit
from exdesk.audit.models import AuditAction

from . import selectors, services


@require_permission(manages_channels)
def quarantine(request):
    reviewed = request.GET.get("show") == "reviewed"
    context = {
        "held": selectors.quarantine(request.user, reviewed=reviewed)[:200],
        "reviewed": reviewed,
    }
    return render(request, "messaging/console/quarantine.html", context)


@require_permission(manages_channels)
def raw_mail(request, pk):
    """The message exactly as received, as a download: never rendered in the browser."""
    mail = selectors.access_inbound_mail(request.user, pk)
    audit.record(request.user, AuditAction.VIEW_RAW_MAIL, mail, detail=mail.reason, request=request)
    response = HttpResponse(bytes(mail.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="quarantined-{mail.pk}.eml"'
    return response


@require_POST
@require_permission(manages_channels)
def release(request, pk):
    mail = selectors.access_inbound_mail(request.user, pk)
    try:
        conversation = services.release_quarantined(mail.pk, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("messaging_console:quarantine")
    messages.success(
        request, _("Released into conversation %(ref)s.") % {"ref": conversation.reference}
    )
    return redirect("conversations:detail", conversation.pk)


@require_POST
@require_permission(manages_channels)
def dismiss(request, pk):
    mail = selectors.access_inbound_mail(request.user, pk)
    try:
        services.dismiss_quarantined(mail.pk, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Dismissed. The message stays stored."))
    return redirect("messaging_console:quarantine")


@require_POST
@require_permission(answers_customers)
def link_identity(request, pk):
    identity = selectors.access_identity(request.user, pk)
    conversation_pk = request.POST.get("conversation", "")
    try:
        customer = services.link_identity_by_agent(
            identity, request.POST.get("reference", ""), request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Linked to customer %(name)s.") % {"name": customer})
    if conversation_pk.isdigit():
        return redirect("conversations:detail", int(conversation_pk))
    return redirect("conversations:inbox")
