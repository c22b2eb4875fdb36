"""Record who saw which customer's data. Called inside the actions that show data."""

from __future__ import annotations

from exdesk.core.http import client_ip

from .models import AuditAction, AuditEntry


def record(
    actor,
    action: AuditAction,
    target,
    *,
    customer=None,
    detail: str = "",
    request=None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.model_name if hasattr(target, "_meta") else str(target),
        target_id=str(getattr(target, "pk", "")),
        customer=customer,
        detail=detail[:255],
        ip_address=client_ip(request) if request is not None else None,
    )
