"""The academy's background work. Thin wrappers: the task queue retries them."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from exdesk.core.queue import LIVE_PRIORITY


# The trainee is waiting for the simulated customer's answer, as for a real one.
@db_task(retries=2, retry_delay=5, priority=LIVE_PRIORITY)
def drill_turn(event_id: int) -> None:
    from .drills import customer_turn

    customer_turn(event_id)


@db_periodic_task(crontab(minute="7"))
def training_reminders() -> None:
    from . import services

    services.notify_overdue_assignments()
    services.remind_expiring_certificates()


@db_task(retries=10, retry_delay=60)
def send_candidate_invitation(candidate_id: int, token: str) -> None:
    """The invitation with the one-time link, in the candidate's language."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from .models import Candidate

    candidate = Candidate.objects.select_related("exam").get(pk=candidate_id)
    with translation.override(candidate.language):
        link = settings.SITE_URL + reverse("assessment:open", args=[token])
        subject = translation.gettext("Your support assessment")
        body = render_to_string(
            "academy/email/candidate_invitation.txt", {"candidate": candidate, "link": link}
        )
    EmailMessage(
        subject=subject,
        body=body,
        to=[candidate.email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
