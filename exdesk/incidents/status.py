"""The public status page's rules: who subscribes (confirmed by e-mail), and the mails
they get when an incident is declared, updated or resolved."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Incident, StatusSubscriber

PAST_DAYS = 90


def page(now: dt.datetime | None = None) -> dict:
    """Current incidents, upcoming or running maintenance, and the past ones."""
    now = now or timezone.now()
    public = Incident.objects.filter(public=True).prefetch_related("updates")
    active = list(public.filter(resolved_at__isnull=True))
    current = [i for i in active if i.kind == "incident"]
    maintenance = [i for i in active if i.kind == "maintenance"]
    past = list(public.filter(resolved_at__gte=now - dt.timedelta(days=PAST_DAYS)))
    return {"current": current, "maintenance": maintenance, "past": past}


def subscribe(email: str, language: str) -> StatusSubscriber:
    """Ask for a confirmation: the news goes only to an address whose owner clicked."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    subscriber, _created = StatusSubscriber.objects.get_or_create(
        email=email, defaults={"language": language}
    )
    if subscriber.confirmed_at is None:
        from .tasks import send_status_confirmation

        transaction.on_commit(lambda: send_status_confirmation(subscriber.pk), robust=True)
    return subscriber


def confirm(token: str) -> StatusSubscriber | None:
    subscriber = StatusSubscriber.objects.filter(token=token).first()
    if subscriber is not None and subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def unsubscribe(token: str) -> bool:
    deleted, _rows = StatusSubscriber.objects.filter(token=token).delete()
    return bool(deleted)


def subscriber_by_token(token: str) -> StatusSubscriber | None:
    return StatusSubscriber.objects.filter(token=token).first()


def mail_subscribers(incident_id: int, update_id: int | None = None) -> int:
    """The news of a public incident to every confirmed subscriber, in their language."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    incident = Incident.objects.get(pk=incident_id)
    if not incident.public:
        return 0
    update = incident.updates.filter(pk=update_id).first() if update_id else None
    sent = 0
    for subscriber in StatusSubscriber.objects.filter(confirmed_at__isnull=False).iterator():
        language = subscriber.language
        with translation.override(language):
            context = {
                "incident": incident,
                "title": incident.title_in(language),
                "text": update.body_in(language) if update else incident.script_in(language),
                # A declaration says what it is; an update, the status it brings.
                "status": update.get_status_display() if update else incident.get_kind_display(),
                "page": settings.SITE_URL + reverse("status:page", args=[language]),
                "leave": settings.SITE_URL
                + reverse("status:unsubscribe", args=[language, subscriber.token]),
            }
            subject = _("[Status] %(title)s: %(status)s") % {
                "title": context["title"],
                "status": context["status"],
            }
            body = render_to_string("incidents/email/status.txt", context)
        EmailMessage(
            subject=subject,
            body=body,
            to=[subscriber.email],
            headers={
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{context['leave']}>",
            },
        ).send()
        sent += 1
    return sent
