from django.utils.functional import SimpleLazyObject

from exdesk.accounts.permissions import (
    answers_customers,
    handles_complaints,
    manages_channels,
    manages_routing,
    reads_audit_log,
    reviews_quality,
    sees_analytics,
)


def staff_permissions(request):
    """What the console's navigation may offer; the rule stays in accounts.permissions."""
    user = getattr(request, "user", None)
    return {
        "can_read_audit_log": reads_audit_log(user),
        "can_manage_routing": manages_routing(user),
        "can_manage_channels": manages_channels(user),
        "can_review_quality": reviews_quality(user),
        "can_see_analytics": sees_analytics(user),
        "can_handle_complaints": handles_complaints(user),
        "can_answer_customers": answers_customers(user),
    }


def console_live(request):
    """What the live console's header shows: the agent's presence (one query, and only
    when a template uses it) and the choices offered, plus the timeline's kind labels."""
    from exdesk.conversations.choices import EventKind
    from exdesk.routing import services as routing
    from exdesk.routing.models import PresenceStatus

    user = getattr(request, "user", None)

    def presence() -> str:
        if user is None or not user.is_authenticated:
            return PresenceStatus.OFFLINE.value
        return str(routing.presence_of(user))

    def unread() -> int:
        from exdesk.sla.selectors import unread_notifications

        return unread_notifications(user)

    return {
        "console_presence": SimpleLazyObject(presence),
        "unread_notifications": SimpleLazyObject(unread),
        "presence_choices": PresenceStatus.choices,
        "event_kind_labels": EventKind.choices,
    }
