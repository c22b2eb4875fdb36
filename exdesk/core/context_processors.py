from exdesk.accounts.permissions import reads_audit_log


def staff_permissions(request):
    """What the console's navigation may offer; the rule stays in accounts.permissions."""
    return {"can_read_audit_log": reads_audit_log(getattr(request, "user", None))}
