"""Customer education's rules: tutorial series and each reader's progress, awareness
campaigns and their window, webinars with registration, the calendar file, reminders
sent exactly once, cancellation and the recording link (docs/education.md)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from email.mime.text import MIMEText

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator, validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exdesk.accounts.models import User
from exdesk.accounts.permissions import educates_customers
from exdesk.helpcenter.choices import LANGUAGES
from exdesk.helpcenter.models import Article
from exdesk.helpcenter.services import voter_id

from . import ics
from .models import (
    MAX_WEBINAR_MINUTES,
    AwarenessCampaign,
    TutorialProgress,
    TutorialSeries,
    TutorialStep,
    Webinar,
    WebinarRegistration,
)

logger = logging.getLogger(__name__)

MAX_STEPS = 30
MAX_CAMPAIGN_TEXT = 600
MAX_CAMPAIGN_DAYS = 366
MAX_POSITION = 32767  # PositiveSmallIntegerField
MAX_CAPACITY = 100_000
DAY_REMINDER = dt.timedelta(hours=24)
HOUR_REMINDER = dt.timedelta(hours=1)
CONFIRMATION_AGAIN = dt.timedelta(hours=1)  # registering again re-sends it at most this often


def check_can_educate(user: User) -> None:
    if not educates_customers(user):
        raise PermissionDenied


def _required(field: str, value: str, max_length: int, *, single_line: bool = False) -> str:
    """The trimmed value; a single-line one (a title, a name: it ends up in mail
    headers) has every run of whitespace, line breaks included, collapsed to one space."""
    value = " ".join((value or "").split()) if single_line else (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Use at most %(n)d characters.") % {"n": max_length}})
    return value


def _position(position: int | None) -> int:
    return min(MAX_POSITION, max(0, int(position or 0)))


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose English or Simplified Chinese.")})
    return language


# ---------------------------------------------------------------- tutorial series


@transaction.atomic
def create_series(
    user: User,
    *,
    language: str,
    slug: str,
    title: str,
    summary: str = "",
    published: bool = False,
    position: int = 0,
) -> TutorialSeries:
    check_can_educate(user)
    language = _language(language)
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValidationError(
            {"slug": _("Use lowercase letters, digits and hyphens for the address.")}
        ) from None
    if TutorialSeries.objects.filter(language=language, slug=slug).exists():
        raise ValidationError({"slug": _("A series in this language already has this address.")})
    return TutorialSeries.objects.create(
        language=language,
        slug=slug[:80],
        title=_required("title", title, 160, single_line=True),
        summary=(summary or "").strip()[:300],
        published=bool(published),
        position=_position(position),
    )


@transaction.atomic
def update_series(
    user: User,
    series: TutorialSeries,
    *,
    title: str,
    summary: str = "",
    published: bool = False,
    position: int = 0,
) -> TutorialSeries:
    check_can_educate(user)
    series.title = _required("title", title, 160, single_line=True)
    series.summary = (summary or "").strip()[:300]
    series.published = bool(published)
    series.position = _position(position)
    series.save(update_fields=["title", "summary", "published", "position"])
    return series


@transaction.atomic
def add_step(user: User, series: TutorialSeries, article: Article) -> TutorialStep:
    """The article becomes the series' last step. It must be in the series' language;
    readers see it only while it is live and public."""
    check_can_educate(user)
    locked = TutorialSeries.objects.select_for_update().get(pk=series.pk)
    if article.language != locked.language:
        raise ValidationError({"article": _("Choose an article in the series' language.")})
    if locked.steps.filter(article=article).exists():
        raise ValidationError({"article": _("This article is already a step of the series.")})
    if locked.steps.count() >= MAX_STEPS:
        raise ValidationError(_("A series has at most %(n)d steps.") % {"n": MAX_STEPS})
    last = locked.steps.aggregate(last=Max("position"))["last"] or 0
    return TutorialStep.objects.create(series=locked, article=article, position=last + 1)


@transaction.atomic
def remove_step(user: User, step: TutorialStep) -> None:
    check_can_educate(user)
    series = TutorialSeries.objects.select_for_update().get(pk=step.series_id)
    step.delete()
    _renumber(series)


@transaction.atomic
def move_step(user: User, step: TutorialStep, direction: str) -> None:
    """One place up or down; the first step cannot go up nor the last down."""
    check_can_educate(user)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a step up or down."))
    series = TutorialSeries.objects.select_for_update().get(pk=step.series_id)
    steps = list(series.steps.order_by("position", "id"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(steps):
        raise ValidationError(_("This step cannot move further."))
    steps[index], steps[other] = steps[other], steps[index]
    _renumber(series, steps)


def _renumber(series: TutorialSeries, steps: list[TutorialStep] | None = None) -> None:
    steps = steps if steps is not None else list(series.steps.order_by("position", "id"))
    for number, step in enumerate(steps, 1):
        if step.position != number:
            TutorialStep.objects.filter(pk=step.pk).update(position=number)


# ---------------------------------------------------------------- reader progress


def reader_id(session_key: str) -> str:
    """Who a reader is for their progress: a keyed hash of their session, as the help
    center's "was this helpful?" uses; nothing that leads back to the session."""
    return voter_id(session_key)


def _check_step(series: TutorialSeries, step: TutorialStep) -> None:
    if step.series_id != series.pk:
        raise ValidationError(_("This step is not part of the series."))


def mark_done(
    series: TutorialSeries, step: TutorialStep, reader: str, now: dt.datetime | None = None
) -> bool:
    """Mark a step done for this reader; True when it was not done before. Idempotent."""
    _check_step(series, step)
    if not reader:
        raise ValidationError(_("Your progress could not be saved."))
    try:
        with transaction.atomic():
            _progress, created = TutorialProgress.objects.get_or_create(
                step=step,
                reader=reader,
                defaults={"series": series, "done_at": now or timezone.now()},
            )
    except IntegrityError:  # the same reader twice at once: the other request made it
        return False
    return created


def mark_not_done(series: TutorialSeries, step: TutorialStep, reader: str) -> bool:
    """Take the mark off again; True when there was one. Idempotent."""
    _check_step(series, step)
    deleted, _rows = TutorialProgress.objects.filter(step=step, reader=reader).delete()
    return bool(deleted)


# ---------------------------------------------------------------- awareness campaigns


def _clean_slug(field: str, value: str) -> str:
    value = (value or "").strip().lower()
    if not value:
        return ""
    try:
        validate_slug(value)
    except ValidationError:
        raise ValidationError(
            {field: _("Give the article's address, e.g. common-scams.")}
        ) from None
    return value[:80]


def check_window(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give when the campaign starts and ends."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The campaign must end after it starts.")})
    if ends_at - starts_at > dt.timedelta(days=MAX_CAMPAIGN_DAYS):
        raise ValidationError({"ends_at": _("A campaign runs for at most a year.")})


@transaction.atomic
def create_campaign(
    user: User,
    *,
    title_en: str,
    title_zh: str,
    body_en: str,
    body_zh: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    article_slug_en: str = "",
    article_slug_zh: str = "",
) -> AwarenessCampaign:
    """A campaign shown while starts_at ≤ now < ends_at, in both languages. Plain text."""
    check_can_educate(user)
    check_window(starts_at, ends_at)
    transaction.on_commit(_refresh_cached_campaign, robust=True)
    return AwarenessCampaign.objects.create(
        title_en=_required("title_en", title_en, 160, single_line=True),
        title_zh=_required("title_zh", title_zh, 160, single_line=True),
        body_en=_required("body_en", body_en, MAX_CAMPAIGN_TEXT),
        body_zh=_required("body_zh", body_zh, MAX_CAMPAIGN_TEXT),
        article_slug_en=_clean_slug("article_slug_en", article_slug_en),
        article_slug_zh=_clean_slug("article_slug_zh", article_slug_zh),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=user,
    )


@transaction.atomic
def end_campaign(
    user: User, campaign: AwarenessCampaign, now: dt.datetime | None = None
) -> AwarenessCampaign:
    """Stop showing it now. One that has not started yet is called off (its window
    closes before now, so it never shows)."""
    check_can_educate(user)
    now = now or timezone.now()
    campaign = AwarenessCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.ends_at <= now:
        raise ValidationError(_("This campaign has already ended."))
    campaign.ends_at = now
    if campaign.starts_at >= now:
        campaign.starts_at = now - dt.timedelta(seconds=1)
    campaign.save(update_fields=["starts_at", "ends_at"])
    transaction.on_commit(_refresh_cached_campaign, robust=True)
    return campaign


def _refresh_cached_campaign() -> None:
    """The widgets' next welcome has the change at once (education.live)."""
    from .live import refresh_campaign

    refresh_campaign()


def current_campaign(now: dt.datetime | None = None) -> AwarenessCampaign | None:
    """The campaign shown now: of those in their window, the one that started last."""
    now = now or timezone.now()
    return (
        AwarenessCampaign.objects.filter(starts_at__lte=now, ends_at__gt=now)
        .order_by("-starts_at", "-id")
        .first()
    )


# ---------------------------------------------------------------- webinars

_https = URLValidator(schemes=["https"])


def check_https(field: str, url: str, *, required: bool = True) -> str:
    url = (url or "").strip()
    if not url and not required:
        return ""
    try:
        _https(url)
    except ValidationError:
        raise ValidationError({field: _("Give a full link that starts with https://.")}) from None
    if len(url) > 500:
        raise ValidationError({field: _("Use at most %(n)d characters.") % {"n": 500}})
    return url


def _check_webinar_fields(
    *,
    title: str,
    description: str,
    duration_minutes: int,
    host_name: str,
    join_url: str,
    capacity: int | None,
) -> dict:
    duration = int(duration_minutes or 0)
    if not 5 <= duration <= MAX_WEBINAR_MINUTES:
        raise ValidationError({"duration_minutes": _("A webinar lasts from 5 minutes to 8 hours.")})
    if capacity is not None and int(capacity) < 1:
        raise ValidationError({"capacity": _("Give at least one place, or leave it empty.")})
    if capacity is not None and int(capacity) > MAX_CAPACITY:
        raise ValidationError(
            {"capacity": _("Give at most %(n)d places, or leave it empty.") % {"n": MAX_CAPACITY}}
        )
    return {
        "title": _required("title", title, 160, single_line=True),
        "description": _required("description", description, 4000),
        "duration_minutes": duration,
        "host_name": _required("host_name", host_name, 120, single_line=True),
        "join_url": check_https("join_url", join_url),
        "capacity": int(capacity) if capacity is not None else None,
    }


@transaction.atomic
def create_webinar(
    user: User,
    *,
    language: str,
    title: str,
    description: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    host_name: str,
    join_url: str,
    capacity: int | None = None,
    now: dt.datetime | None = None,
) -> Webinar:
    check_can_educate(user)
    now = now or timezone.now()
    if starts_at is None or starts_at <= now:
        raise ValidationError({"starts_at": _("A new webinar starts in the future.")})
    fields = _check_webinar_fields(
        title=title,
        description=description,
        duration_minutes=duration_minutes,
        host_name=host_name,
        join_url=join_url,
        capacity=capacity,
    )
    return Webinar.objects.create(
        language=_language(language), starts_at=starts_at, created_by=user, **fields
    )


def update_webinar(
    user: User,
    webinar: Webinar,
    *,
    title: str,
    description: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    host_name: str,
    join_url: str,
    capacity: int | None = None,
    now: dt.datetime | None = None,
) -> Webinar:
    """Change a webinar. A new time is mailed to every registrant with the updated
    calendar event, and their reminders follow the new time; a new duration or join
    link is mailed as changed details (the reminders already sent stay sent). Both
    raise SEQUENCE so calendars replace the event."""
    check_can_educate(user)
    now = now or timezone.now()
    fields = _check_webinar_fields(
        title=title,
        description=description,
        duration_minutes=duration_minutes,
        host_name=host_name,
        join_url=join_url,
        capacity=capacity,
    )
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        if locked.cancelled:
            raise ValidationError(_("This webinar is cancelled."))
        if starts_at is not None and _to_minute(starts_at) == _to_minute(locked.starts_at):
            starts_at = locked.starts_at  # the form's minutes: the same time
        moved = starts_at != locked.starts_at
        details_changed = (
            fields["duration_minutes"] != locked.duration_minutes
            or fields["join_url"] != locked.join_url
        )
        if moved and (starts_at is None or starts_at <= now):
            raise ValidationError({"starts_at": _("A new time must be in the future.")})
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.starts_at = starts_at
        if moved:
            locked.registrations.filter(cancelled_at__isnull=True).update(
                reminder_day_sent_at=None, reminder_hour_sent_at=None
            )
        if moved or details_changed:
            locked.sequence += 1
        locked.save()
        if moved or details_changed:
            from .tasks import mail_webinar_changed

            pk, sequence = locked.pk, locked.sequence
            kind = "changed" if moved else "details"
            transaction.on_commit(lambda: mail_webinar_changed(pk, sequence, kind), robust=True)
    webinar.refresh_from_db()
    return webinar


def _to_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def cancel_webinar(user: User, webinar: Webinar, now: dt.datetime | None = None) -> Webinar:
    """Call a webinar off; every registrant is told once, with a calendar cancellation."""
    check_can_educate(user)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        if locked.cancelled:
            raise ValidationError(_("This webinar is already cancelled."))
        if locked.ends_at <= now:
            raise ValidationError(_("This webinar is over; it cannot be cancelled."))
        locked.cancelled, locked.cancelled_at = True, now
        locked.sequence += 1
        locked.save(update_fields=["cancelled", "cancelled_at", "sequence"])
        from .tasks import mail_webinar_cancelled

        pk = locked.pk
        transaction.on_commit(lambda: mail_webinar_cancelled(pk), robust=True)
    webinar.refresh_from_db()
    return webinar


def set_recording(
    user: User, webinar: Webinar, recording_url: str, now: dt.datetime | None = None
) -> Webinar:
    """The recording link, once the webinar is over: shown on the listing, and mailed
    once to every active registrant (a corrected link later is not mailed again)."""
    check_can_educate(user)
    url = check_https("recording_url", recording_url)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        if locked.cancelled:
            raise ValidationError(_("This webinar was cancelled."))
        if locked.ends_at > now:
            raise ValidationError(_("Add the recording once the webinar is over."))
        locked.recording_url = url
        locked.save(update_fields=["recording_url"])
        from .tasks import mail_recording

        pk = locked.pk
        transaction.on_commit(lambda: mail_recording(pk), robust=True)
    webinar.refresh_from_db()
    return webinar


def closed_reason(webinar: Webinar, now: dt.datetime | None = None) -> str:
    """Why registration is closed ("" when it is open): cancelled, started, or full."""
    now = now or timezone.now()
    if webinar.cancelled:
        return "cancelled"
    if webinar.starts_at <= now:
        return "past"
    if webinar.capacity is not None and active_registrations(webinar).count() >= webinar.capacity:
        return "full"
    return ""


def closed_message(reason: str) -> str:
    return {
        "cancelled": _("This webinar is cancelled, so registration is closed."),
        "past": _("This webinar has already started or taken place; registration is closed."),
        "full": _("This webinar is full; registration is closed."),
    }.get(reason, "")


def active_registrations(webinar: Webinar) -> QuerySet[WebinarRegistration]:
    return WebinarRegistration.objects.filter(webinar=webinar, cancelled_at__isnull=True)


def register(
    webinar: Webinar, *, name: str, email: str, now: dt.datetime | None = None
) -> tuple[WebinarRegistration, bool]:
    """Register someone; returns (registration, created). Registering again with the
    same address keeps the one registration (and its place) and sends the confirmation
    again, at most once an hour. Closed when cancelled, started or full, with the same
    answer whether or not the address is registered (a full webinar does not tell who
    has a place)."""
    name = _required("name", name, 120, single_line=True)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    now = now or timezone.now()
    with transaction.atomic():
        locked = Webinar.objects.select_for_update().get(pk=webinar.pk)
        reason = closed_reason(locked, now)
        if reason:
            raise ValidationError(closed_message(reason), code=reason)
        existing = active_registrations(locked).filter(email=email).first()
        created = existing is None
        if existing is None:
            try:
                with transaction.atomic():
                    registration = WebinarRegistration.objects.create(
                        webinar=locked,
                        name=name,
                        email=email,
                        created_at=now,
                        # The confirmation carries this SEQUENCE: no change mail for it.
                        changed_sent_sequence=locked.sequence,
                    )
            except IntegrityError:  # the same address at the same moment
                registration = active_registrations(locked).get(email=email)
                created = False
        else:
            registration = existing
        from .tasks import mail_registration

        pk = registration.pk
        transaction.on_commit(lambda: mail_registration(pk), robust=True)
    return registration, created


def cancel_registration(token: str, now: dt.datetime | None = None) -> WebinarRegistration | None:
    """Give up a place with the link from the e-mail; None when the token is unknown."""
    registration = WebinarRegistration.objects.filter(token=token).first()
    if registration is None:
        return None
    WebinarRegistration.objects.filter(pk=registration.pk, cancelled_at__isnull=True).update(
        cancelled_at=now or timezone.now()
    )
    registration.refresh_from_db()
    return registration


# ---------------------------------------------------------------- mail


def page_url(webinar: Webinar) -> str:
    return settings.SITE_URL + reverse("education:webinar", args=[webinar.language, webinar.pk])


def calendar_method(webinar: Webinar, registration: WebinarRegistration | None = None) -> str:
    """A registrant's copy is an invitation to them (REQUEST), or its CANCEL; the public
    download, with no attendee, is published (PUBLISH; STATUS:CANCELLED once cancelled)."""
    if registration is None:
        return "PUBLISH"
    return "CANCEL" if webinar.cancelled else "REQUEST"


def calendar_file(
    webinar: Webinar,
    registration: WebinarRegistration | None = None,
    *,
    now: dt.datetime | None = None,
) -> str:
    """The webinar's iCalendar event. The join link is in it only for a registrant; the
    public download has the page's address instead."""
    with translation.override(webinar.language):
        parts = [webinar.description]
        if registration is not None and not webinar.cancelled:
            parts.append(_("Join: %(url)s") % {"url": webinar.join_url})
        parts.append(_("Details: %(url)s") % {"url": page_url(webinar)})
        description = "\n\n".join(parts)
    return ics.webinar_calendar(
        webinar,
        page_url=page_url(webinar),
        description=description,
        method=calendar_method(webinar, registration),
        attendee=(registration.name, registration.email) if registration else None,
        now=now,
    )


def _calendar_part(text: str, method: str) -> MIMEText:
    part = MIMEText(text, "calendar", "utf-8")
    part.set_param("method", method, requote=False)
    part.add_header("Content-Disposition", "attachment", filename="webinar.ics")
    return part


SUBJECTS: dict[str, Callable[[], str]] = {
    "confirmation": lambda: _("You are registered: %(title)s"),
    "day": lambda: _("Tomorrow: %(title)s"),
    "hour": lambda: _("Starting in one hour: %(title)s"),
    "changed": lambda: _("New time: %(title)s"),
    "details": lambda: _("Details changed: %(title)s"),
    "cancelled": lambda: _("Cancelled: %(title)s"),
    "recording": lambda: _("Recording: %(title)s"),
}


def send_mail_to(
    registration: WebinarRegistration, kind: str, now: dt.datetime | None = None
) -> None:
    """One of the webinar's mails to one registrant, in the webinar's language, with the
    calendar file attached (except for the recording)."""
    webinar = registration.webinar
    with translation.override(webinar.language):
        context = {
            "kind": kind,
            "webinar": webinar,
            "registration": registration,
            "page": page_url(webinar),
            "cancel": settings.SITE_URL
            + reverse("education:cancel_registration", args=[webinar.language, registration.token]),
        }
        # One line whatever the stored title holds (a line break is a BadHeaderError).
        subject = " ".join((SUBJECTS[kind]() % {"title": webinar.title}).split())
        body = render_to_string("education/email/webinar.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[registration.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    if kind != "recording":
        message.attach(
            _calendar_part(
                calendar_file(webinar, registration, now=now),
                calendar_method(webinar, registration),
            )
        )
    message.send()


def _unclaimed(field: str, webinar: Webinar, now: dt.datetime) -> tuple[Q, object]:
    """When the registration's ``field`` leaves this mail to send, and the value that
    claims it: a time stamp set once (reminders, cancellation, recording), the
    confirmation again after an hour, the change mail once per SEQUENCE."""
    if field == "confirmation_sent_at":
        return (
            Q(confirmation_sent_at__isnull=True)
            | Q(confirmation_sent_at__lte=now - CONFIRMATION_AGAIN)
        ), now
    if field == "changed_sent_sequence":
        return (
            Q(changed_sent_sequence__isnull=True) | Q(changed_sent_sequence__lt=webinar.sequence)
        ), webinar.sequence
    return Q(**{f"{field}__isnull": True}), now


def _claim_and_send(
    registration: WebinarRegistration, field: str, kind: str, now: dt.datetime
) -> bool:
    """Claim one mail with a conditional UPDATE, committed on its own, then send it;
    a send that fails gives the claim back, so the next run (or retry) sends it.

    The UPDATE touches the registration's table alone (the webinar is a subquery, not a
    join): on PostgreSQL a second worker that waited for the row re-checks the claim on
    the row as committed and finds nothing to claim. The webinar must still be as the
    mail describes it (not cancelled, or cancelled for the cancellation; the same start
    and SEQUENCE), so a reminder claimed after the webinar moved sends nothing. No
    transaction is held while the mail goes out (SQLite's write lock is not held through
    SMTP): run it outside ``atomic``, as the tasks do. A worker that dies between the
    claim and the send loses that one mail rather than sending it twice (only a send
    that fails after the relay took the mail can go again)."""
    webinar = registration.webinar
    unclaimed, value = _unclaimed(field, webinar, now)
    claimed = WebinarRegistration.objects.filter(
        unclaimed,
        pk=registration.pk,
        cancelled_at__isnull=True,
        webinar_id__in=Webinar.objects.filter(
            pk=registration.webinar_id,
            cancelled=(kind == "cancelled"),
            starts_at=webinar.starts_at,
            sequence=webinar.sequence,
        ).values("pk"),
    ).update(**{field: value})
    if not claimed:
        return False
    try:
        send_mail_to(registration, kind, now)
    except Exception:
        try:
            WebinarRegistration.objects.filter(pk=registration.pk, **{field: value}).update(
                **{field: None}
            )
        except Exception:
            logger.exception("could not give back the %s mail claim of %s", kind, registration.pk)
        raise
    return True


def _send_each(
    registrations: list[WebinarRegistration], field: str, kind: str, now: dt.datetime
) -> int:
    sent = 0
    for registration in registrations:
        try:
            sent += _claim_and_send(registration, field, kind, now)
        except Exception:  # one bad address must not stop the others; retried next run
            logger.warning("webinar %s mail to %s failed", kind, registration.pk, exc_info=True)
    return sent


def mail_registration(registration_id: int, now: dt.datetime | None = None) -> bool:
    """The confirmation, to an active registration of a webinar not cancelled; for the
    same registration again only after an hour (registering again re-sends it). A failed
    send raises, for the task to retry."""
    registration = WebinarRegistration.objects.select_related("webinar").get(pk=registration_id)
    return _claim_and_send(
        registration, "confirmation_sent_at", "confirmation", now or timezone.now()
    )


def due_reminders(kind: str, now: dt.datetime) -> list[WebinarRegistration]:
    """Registrations whose reminder of this kind is due now: the day reminder from 24 h
    to 1 h before the start, the hour reminder in the last hour; each only for those who
    registered before its window opened (the confirmation has just told the others)."""
    before, until, field = (
        (DAY_REMINDER, HOUR_REMINDER, "reminder_day_sent_at")
        if kind == "day"
        else (HOUR_REMINDER, dt.timedelta(0), "reminder_hour_sent_at")
    )
    candidates = WebinarRegistration.objects.filter(
        cancelled_at__isnull=True,
        webinar__cancelled=False,
        webinar__starts_at__gt=now + until,
        webinar__starts_at__lte=now + before,
        **{f"{field}__isnull": True},
    ).select_related("webinar")
    return [r for r in candidates if r.created_at <= r.webinar.starts_at - before]


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """The 24-hour and 1-hour reminders that are due; each goes once per registration,
    however often and on however many workers this runs. Returns how many went."""
    now = now or timezone.now()
    sent = _send_each(due_reminders("day", now), "reminder_day_sent_at", "day", now)
    sent += _send_each(due_reminders("hour", now), "reminder_hour_sent_at", "hour", now)
    return sent


def mail_cancelled(webinar_id: int, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    webinar = Webinar.objects.get(pk=webinar_id)
    if not webinar.cancelled:
        return 0
    waiting = list(
        active_registrations(webinar)
        .filter(cancellation_sent_at__isnull=True)
        .select_related("webinar")
    )
    return _send_each(waiting, "cancellation_sent_at", "cancelled", now)


def mail_recording_link(webinar_id: int, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    webinar = Webinar.objects.get(pk=webinar_id)
    if not webinar.recording_url or webinar.cancelled:
        return 0
    waiting = list(
        active_registrations(webinar)
        .filter(recording_sent_at__isnull=True)
        .select_related("webinar")
    )
    return _send_each(waiting, "recording_sent_at", "recording", now)


RECORDING_MAIL_DAYS = 30


def sweep(now: dt.datetime | None = None) -> int:
    """What the periodic task runs: the reminders that are due, and any cancellation or
    recording mail a failed send left behind (each still only once)."""
    now = now or timezone.now()
    sent = send_due_reminders(now)
    for webinar_id, starts_at, minutes in (
        Webinar.objects.filter(
            cancelled=True,
            # A webinar can be cancelled until it ends: so late its mail is still news.
            starts_at__gt=now - dt.timedelta(minutes=MAX_WEBINAR_MINUTES),
            registrations__cancelled_at__isnull=True,
            registrations__cancellation_sent_at__isnull=True,
        )
        .values_list("pk", "starts_at", "duration_minutes")
        .distinct()
    ):
        if starts_at + dt.timedelta(minutes=minutes) > now:
            sent += mail_cancelled(webinar_id, now)
    for webinar_id in (
        Webinar.objects.filter(
            cancelled=False,
            starts_at__gte=now - dt.timedelta(days=RECORDING_MAIL_DAYS),
            registrations__cancelled_at__isnull=True,
            registrations__recording_sent_at__isnull=True,
        )
        .exclude(recording_url="")
        .values_list("pk", flat=True)
        .distinct()
    ):
        sent += mail_recording_link(webinar_id, now)
    return sent


class MailNotSent(Exception):
    """Some of a batch of mails failed; the task retries (the claims skip those sent)."""


CHANGE_KINDS = ("changed", "details")


def mail_changed(
    webinar_id: int,
    sequence: int | None = None,
    kind: str = "changed",
    now: dt.datetime | None = None,
) -> int:
    """After an edit, the webinar as it is now to every active registrant, once per
    SEQUENCE: "changed" (a new time) or "details" (a new duration or join link). A task
    for an older SEQUENCE sends nothing: the later edit's task mails the latest. Raises
    MailNotSent when a send failed, after trying the others, so the task is retried."""
    if kind not in CHANGE_KINDS:
        raise ValueError(kind)
    now = now or timezone.now()
    webinar = Webinar.objects.get(pk=webinar_id)
    if webinar.cancelled or (sequence is not None and webinar.sequence != sequence):
        return 0
    waiting = list(
        active_registrations(webinar)
        .filter(
            Q(changed_sent_sequence__isnull=True) | Q(changed_sent_sequence__lt=webinar.sequence)
        )
        .select_related("webinar")
    )
    sent = failed = 0
    for registration in waiting:
        try:
            sent += _claim_and_send(registration, "changed_sent_sequence", kind, now)
        except Exception:
            failed += 1
            logger.warning("webinar change mail to %s failed", registration.pk, exc_info=True)
    if failed:
        raise MailNotSent(f"{failed} of {len(waiting)} change mails of webinar {webinar_id}")
    return sent


def places_left(webinar: Webinar) -> int | None:
    if webinar.capacity is None:
        return None
    return max(0, webinar.capacity - active_registrations(webinar).count())
