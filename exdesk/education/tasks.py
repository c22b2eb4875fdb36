"""Webinar mail in the task queue: the confirmation, the reminders (a periodic sweep),
the cancellation, a new time or new details, and the recording link. Each mail is
claimed before it is sent, so a retry or a second worker sends nothing twice
(services._claim_and_send)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=5, retry_delay=60)
def mail_registration(registration_id: int) -> None:
    from .services import mail_registration as send

    send(registration_id)


@db_periodic_task(crontab(minute="*"))
def send_webinar_reminders() -> int:
    """The 24-hour and 1-hour reminders that are due (each once per registration), and
    any cancellation or recording mail a failed send left behind."""
    from .services import sweep

    return sweep()


@db_task(retries=5, retry_delay=120)
def mail_webinar_cancelled(webinar_id: int) -> int:
    from .services import mail_cancelled

    return mail_cancelled(webinar_id)


@db_task(retries=5, retry_delay=120)
def mail_webinar_changed(
    webinar_id: int, sequence: int | None = None, kind: str = "changed"
) -> int:
    """A new time ("changed") or new details ("details"), once per SEQUENCE."""
    from .services import mail_changed

    return mail_changed(webinar_id, sequence, kind)


@db_task(retries=5, retry_delay=120)
def mail_recording(webinar_id: int) -> int:
    from .services import mail_recording_link

    return mail_recording_link(webinar_id)
