from __future__ import annotations

from django.core.exceptions import PermissionDenied

from exdesk.accounts.permissions import reads_audit_log

from .models import AuditEntry


def audit_entries_for(user, *, actor: str = "", customer_uid: str = "", action: str = ""):
    if not reads_audit_log(user):
        raise PermissionDenied
    entries = AuditEntry.objects.select_related("actor", "customer")
    if actor:
        entries = entries.filter(actor__username=actor)
    if customer_uid:
        entries = entries.filter(customer__uid=customer_uid)
    if action:
        entries = entries.filter(action=action)
    return entries
