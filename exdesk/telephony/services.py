"""The phone channel: call records from the telephony provider, and callback requests.

Calls. The provider (Twilio, or one speaking its dialect) posts a status callback for
each stage of a call, signed like Twilio signs them. Every callback of one call updates
one ``CallRecord``; the call lands on its conversation's timeline once, when it reaches
a final status. The customer's number (From of an inbound call, To of an outbound one)
is a ``ChannelIdentity`` of the phone platform, as a chat id is for Telegram: a number
proves nothing about who holds it, so a new number gets a customer record of its own
and only a *verified* identity leads to the customer's other conversations.

Callbacks. A customer leaves a number and a time window in the help center; the request
is a conversation (channel phone) so routing and SLA treat it as any other, plus a
``CallbackRequest`` that says when the call is owed. Agents log the outcome; a periodic
task flags a request once when its due time passes without a call.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exdesk.accounts.choices import Language
from exdesk.accounts.models import User
from exdesk.accounts.permissions import answers_customers
from exdesk.assistant import guard, safety
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import ACTIVE_STATUSES, Channel, Status
from exdesk.conversations.models import Conversation
from exdesk.customers.models import Customer
from exdesk.customers.services import find_or_create_customer
from exdesk.messaging.models import ChannelIdentity, ChannelThread, Platform

from .choices import (
    FINAL_STATUSES,
    OPEN_CALLBACK_STATES,
    OUTCOME_STATES,
    SOLVING_STATES,
    STATUS_RANK,
    CallbackState,
    CallDirection,
    CallStatus,
)
from .models import CallbackRequest, CallRecord

# ---------------------------------------------------------------- phone numbers


def check_phone(value: str, region: str | None = None, *, strict: bool = True) -> str:
    """The number in E.164, or a ValidationError on ``phone``. ``region`` reads a national
    number ("020 7946 0958" in GB). ``strict``: the number must be one the numbering
    plan assigns (what a customer types); otherwise a number of a possible length is
    enough (what a provider reports: its own metadata may be newer than ours)."""
    try:
        number = phonenumbers.parse((value or "").strip(), region or None)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            {
                "phone": _(
                    "Enter the number in international format, starting with + and the "
                    "country code (for example +44 20 7946 0958), or choose your country."
                )
            }
        ) from None
    valid = (
        phonenumbers.is_valid_number(number) if strict else phonenumbers.is_possible_number(number)
    )
    if not valid:
        raise ValidationError({"phone": _("This is not a valid phone number.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(number: str) -> str:
    """A number for staff who may not see personal data: the country code and the last
    two digits (enough to tell two calls apart, not to dial)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return "***" if number else ""
    return f"+{parsed.country_code} ***{str(parsed.national_number)[-2:]}"


# ---------------------------------------------------------------- the provider's signature


def call_signature(secret: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's request signature: base64 HMAC-SHA1 of the URL it called followed by
    every POST parameter's name and value, sorted by name (a repeated name's values
    sorted too, as Twilio's own validator does)."""
    values: dict[str, set[str]] = {}
    for name, value in params:
        values.setdefault(name, set()).add(value)
    signed = url + "".join(
        name + value for name in sorted(values) for value in sorted(values[name])
    )
    digest = hmac.new(secret.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_ok(url: str, params: Iterable[tuple[str, str]], given: str) -> bool:
    secret = settings.PHONE_WEBHOOK_SECRET
    if not secret or not given:
        return False
    return hmac.compare_digest(call_signature(secret, url, params), given)


# ---------------------------------------------------------------- reading a callback

SID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# What providers put in From when the caller hid their number.
WITHHELD = {"anonymous", "restricted", "private", "unknown", "unavailable"}
MAX_SECONDS_DIGITS = 7  # a duration field: up to about 115 days
MAX_RECORDING_URL = 500


@dataclass(frozen=True)
class CallUpdate:
    """One status callback, checked."""

    call_sid: str
    account_sid: str
    direction: str
    caller: str  # E.164, or "" when withheld
    callee: str
    status: str
    at: dt.datetime
    duration: int | None
    recording_url: str
    recording_seconds: int | None
    agent_email: str
    voicemail: bool

    @property
    def inbound(self) -> bool:
        return self.direction == CallDirection.INBOUND

    @property
    def customer_number(self) -> str:
        return self.caller if self.inbound else self.callee


def parse_call_update(params: Mapping[str, str], now: dt.datetime | None = None) -> CallUpdate:
    """Check a callback's fields; a ValidationError names every field that is wrong."""
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        return (params.get(name) or "").strip()

    def number(name: str, *, may_be_withheld: bool) -> str:
        value = text(name)
        if may_be_withheld and value.lower() in WITHHELD:
            return ""
        try:
            return check_phone(value, strict=False)
        except ValidationError:
            errors[name] = _("Expected a phone number in E.164 format (+ and digits).")
            return ""

    def seconds(name: str) -> int | None:
        value = text(name)
        if not value:
            return None
        if not value.isdigit() or len(value) > MAX_SECONDS_DIGITS:
            errors[name] = _("Expected a whole number of seconds.")
            return None
        return int(value)

    call_sid, account_sid = text("CallSid"), text("AccountSid")
    if not SID_PATTERN.match(call_sid):
        errors["CallSid"] = _("Expected the call's id: 1 to 64 letters and digits.")
    if account_sid and not SID_PATTERN.match(account_sid):
        errors["AccountSid"] = _("Expected the account's id: 1 to 64 letters and digits.")
    direction, status = text("Direction"), text("CallStatus")
    if direction not in CallDirection.values:
        errors["Direction"] = _("Expected one of: %(values)s.") % {
            "values": ", ".join(CallDirection.values)
        }
    if status not in CallStatus.values:
        errors["CallStatus"] = _("Expected one of: %(values)s.") % {
            "values": ", ".join(CallStatus.values)
        }
    inbound = direction == CallDirection.INBOUND
    caller = number("From", may_be_withheld=inbound)
    callee = number("To", may_be_withheld=False)
    at = _timestamp(text("Timestamp"), now or timezone.now(), errors)
    duration, recording_seconds = seconds("CallDuration"), seconds("RecordingDuration")
    voicemail = text("Voicemail").lower()
    if voicemail not in ("", "true", "false"):
        errors["Voicemail"] = _("Expected true or false.")
    agent_email = text("AgentEmail")
    if len(agent_email) > 254:
        errors["AgentEmail"] = _("Expected an e-mail address.")
    if errors:
        raise ValidationError(errors)
    return CallUpdate(
        call_sid=call_sid,
        account_sid=account_sid,
        direction=direction,
        caller=caller,
        callee=callee,
        status=status,
        at=at,
        duration=duration,
        recording_url=https_only(text("RecordingUrl")),
        recording_seconds=recording_seconds,
        agent_email=agent_email,
        voicemail=voicemail == "true",
    )


def _timestamp(value: str, now: dt.datetime, errors: dict[str, str]) -> dt.datetime:
    """RFC 2822, as Twilio sends it; the time of receipt when it is missing."""
    if not value:
        return now
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        errors["Timestamp"] = _("Expected a date in RFC 2822 format.")
        return now
    # "-0000" (time in UTC, zone unknown) parses without a zone.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def https_only(url: str) -> str:
    # The console links to the recording: anything but an https address is dropped, so
    # no javascript:, data: or plain-http link reaches an agent's page.
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or len(url) > MAX_RECORDING_URL:
        return ""
    return url


# ---------------------------------------------------------------- recording a call


def record_call(update: CallUpdate) -> CallRecord:
    """Apply one status callback: create or update the call's record, and when the call
    ends, put it on the conversation's timeline, once."""
    agent = _agent_by_email(update.agent_email)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _apply(update, agent)
        except IntegrityError:
            # A parallel callback of the same call (or of the same new number) stored
            # its record first; the second attempt updates that one.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _agent_by_email(address: str) -> User | None:
    if not address:
        return None
    return User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()


def _apply(update: CallUpdate, agent: User | None) -> CallRecord:
    record = CallRecord.objects.select_for_update().filter(call_sid=update.call_sid).first()
    if record is not None and record.event_id is not None:
        return record  # the call ended and is recorded: a retried callback adds nothing
    if record is None:
        conversation, opened = _conversation_for_call(update.direction, update.customer_number)
        record = CallRecord(
            call_sid=update.call_sid,
            direction=update.direction,
            caller=update.caller,
            callee=update.callee,
            status=update.status,
            conversation=conversation,
            opened_conversation=opened,
        )
    _merge(record, update, agent)
    record.save()
    if record.status in FINAL_STATUSES:
        _finish(record)
    return record


def _merge(record: CallRecord, update: CallUpdate, agent: User | None) -> None:
    if STATUS_RANK[CallStatus(update.status)] > STATUS_RANK[CallStatus(record.status)]:
        record.status = update.status
    started = update.at
    if update.status in FINAL_STATUSES:
        record.ended_at = update.at
        if update.duration is not None:
            record.duration_seconds = update.duration
            started = update.at - dt.timedelta(seconds=update.duration)
    record.started_at = min(filter(None, (record.started_at, started)))
    record.account_sid = update.account_sid or record.account_sid
    record.agent = agent or record.agent
    record.recording_url = update.recording_url or record.recording_url
    if update.recording_seconds is not None:
        record.recording_seconds = update.recording_seconds
    record.voicemail = record.voicemail or update.voicemail


def _finish(record: CallRecord) -> None:
    """The call ended. Who must do what next depends on how it went:

    - nobody of ours spoke with an inbound caller (no answer, busy, hung up in the menu,
      no agent named, or they left a voicemail): the customer is owed an answer, as if
      they had written. A conversation the call did not open gets a
      message from the customer, which reopens it when pending or solved (on hold stays
      on hold, as for any message) and starts the response clock; it is routed when
      nobody has it. A closed one is over for good,
      so the call opens a new conversation instead.
    - an agent completed the call: that conversation *was* the answer. The response
      clocks stop, the status stays (a solved case is not reopened by the call that
      solved it), and the agent keeps the follow-up when nobody has the case yet.
    - anything else (an outbound call nobody picked up): the timeline records it.
    """
    inbound = record.direction == CallDirection.INBOUND
    answered = (
        record.status == CallStatus.COMPLETED
        and record.agent is not None
        and not (inbound and record.voicemail)
    )
    if inbound and not answered:
        _owe_answer(record)
    record.event = conversations.do_record_call(
        record.conversation, call_event_data(record), call_summary(record)
    )
    record.save(update_fields=["event", "conversation", "opened_conversation"])
    if answered and record.agent is not None:
        _answered_by(record.conversation, record.agent)


def _owe_answer(record: CallRecord) -> None:
    if record.conversation.status == Status.CLOSED:
        number = record.caller if record.direction == CallDirection.INBOUND else record.callee
        record.conversation, record.opened_conversation = _conversation_for_call(
            record.direction, number
        )
    if not record.opened_conversation:
        conversations.do_add_customer_message(record.conversation, _missed_text(record))
    transaction.on_commit(_request_routing, robust=True)


def _answered_by(conversation: Conversation, agent: User) -> None:
    from exdesk.sla import services as sla

    sla.agent_replied(conversation.pk)
    if conversation.assignee_id is None and answers_customers(agent):
        conversations.do_route(conversation.pk, agent)


def _request_routing() -> None:
    from exdesk.routing.tasks import request_routing

    request_routing()


def _missed_text(record: CallRecord) -> str:
    number = record.caller or _("a withheld number")
    if record.voicemail:
        return _("Voicemail from %(number)s.") % {"number": number}
    return _("Missed call from %(number)s.") % {"number": number}


def call_event_data(record: CallRecord) -> dict:
    """What the timeline keeps of a call (the console's call partial reads it)."""
    return {
        "call_sid": record.call_sid,
        "direction": record.direction,
        "from": record.caller,
        "to": record.callee,
        "status": record.status,
        "started_at": record.started_at.isoformat() if record.started_at else None,
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "duration": record.duration_seconds,
        "agent": record.agent.display_name if record.agent else "",
        "recording_url": record.recording_url,
        "voicemail": record.voicemail,
    }


def format_duration(seconds: int | None) -> str:
    if not seconds:
        return _("0 s")
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return _("%(s)d s") % {"s": rest}
    return _("%(m)d min %(s)d s") % {"m": minutes, "s": rest}


def call_summary(record: CallRecord) -> str:
    """One line for places that show an event's text (the live console, search)."""
    if record.direction == CallDirection.INBOUND:
        line = _("Inbound call from %(number)s") % {
            "number": record.caller or _("a withheld number")
        }
    else:
        line = _("Outbound call to %(number)s") % {"number": record.callee}
    parts = [str(CallStatus(record.status).label), format_duration(record.duration_seconds)]
    if record.agent is not None:
        parts.append(_("agent: %(name)s") % {"name": record.agent.display_name})
    if record.voicemail:
        parts.append(_("voicemail left"))
    return f"{line}: {', '.join(parts)}."


# ---------------------------------------------------------------- which conversation


def _conversation_for_call(direction: str, number: str) -> tuple[Conversation, bool]:
    """The conversation a call belongs to, and whether it was opened for it."""
    if direction != CallDirection.INBOUND and number:
        # An agent returning a callback request: the call joins the request's case.
        callback = (
            CallbackRequest.objects.select_related("conversation")
            .filter(phone=number, state__in=OPEN_CALLBACK_STATES)
            .exclude(conversation__status=Status.CLOSED)
            .order_by("due_at", "pk")
            .first()
        )
        if callback is not None:
            return callback.conversation, False
    if not number:
        # A withheld number cannot be told from any other: each call is a case of its own.
        customer = find_or_create_customer(display_name=_("Withheld number"))
        return _open(customer, None, direction, number), True
    identity = (
        ChannelIdentity.objects.select_related("customer")
        .filter(platform=Platform.PHONE, external_id=number)
        .first()
    )
    if identity is None:
        # A number proves nothing about who holds it: a record of its own, never an
        # existing customer's (messaging.services.link_identity verifies it later).
        identity = ChannelIdentity.objects.create(
            platform=Platform.PHONE,
            external_id=number,
            customer=find_or_create_customer(display_name=number),
        )
    else:
        running = _running_conversation(identity)
        if running is not None:
            return running, False
    return _open(identity.customer, identity, direction, number), True


def _running_conversation(identity: ChannelIdentity) -> Conversation | None:
    """A verified number's calls join its customer's latest open phone conversation
    (whichever of their numbers it began on); an unverified one's only its own."""
    if identity.verified:
        candidates = Conversation.objects.filter(customer=identity.customer)
    else:
        candidates = Conversation.objects.filter(channel_thread__identity=identity)
    return (
        candidates.filter(channel=Channel.PHONE, status__in=ACTIVE_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )


def _open(
    customer: Customer, identity: ChannelIdentity | None, direction: str, number: str
) -> Conversation:
    if direction == CallDirection.INBOUND:
        subject = _("Phone call from %(number)s") % {"number": number or _("a withheld number")}
    else:
        subject = _("Phone call to %(number)s") % {"number": number}
    conversation = conversations.do_create_conversation(
        customer=customer,
        subject=subject,
        body=f"{subject}.",
        channel=Channel.PHONE,
        language=customer.language if customer.language in Language.values else Language.EN,
        notify_customer=False,
    )
    if identity is not None:
        # Links the case to the number: merging the identity moves it to the customer.
        ChannelThread.objects.create(conversation=conversation, identity=identity)
    return conversation


# ---------------------------------------------------------------- callback requests

MAX_NAME = 120
MAX_TOPIC = 150
WINDOW_DAYS = 14
# Filling in the form takes a while: a window starting a little while ago still counts.
WINDOW_GRACE = dt.timedelta(minutes=15)


def check_window(
    start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime | None = None
) -> None:
    """Both ends or neither; the end after the start; all of it within the next 14 days."""
    now = now or timezone.now()
    if start is None and end is None:
        return
    if start is None or end is None:
        field = "window_start" if start is None else "window_end"
        raise ValidationError({field: _("Give both the start and the end of the time window.")})
    if end <= start:
        raise ValidationError({"window_end": _("The end must be later than the start.")})
    if start < now - WINDOW_GRACE:
        raise ValidationError({"window_start": _("The start must not be in the past.")})
    if end > now + dt.timedelta(days=WINDOW_DAYS):
        message = _("Choose a time within the next %(days)d days.") % {"days": WINDOW_DAYS}
        raise ValidationError({"window_end": message})


def _check_text(value: str, field: str, limit: int, language: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({field: _("Use at most %(n)d characters.") % {"n": limit}})
    # Masked like every stored customer text: a topic is no place for a seed phrase.
    return guard.mask(value, safety.mask_labels(language)).text


def _window_text(start: dt.datetime, end: dt.datetime, zone: str) -> str:
    local_start, local_end = start.astimezone(ZoneInfo(zone)), end.astimezone(ZoneInfo(zone))
    end_format = "%H:%M" if local_end.date() == local_start.date() else "%Y-%m-%d %H:%M"
    return _("between %(start)s and %(end)s (%(zone)s)") % {
        "start": local_start.strftime("%Y-%m-%d %H:%M"),
        "end": local_end.strftime(end_format),
        "zone": zone,
    }


def check_time_zone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError):
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")}) from None
    return zone


def request_callback(
    *,
    phone: str,
    name: str,
    language: str,
    topic: str,
    window_start: dt.datetime | None = None,
    window_end: dt.datetime | None = None,
    time_zone: str = "UTC",
    now: dt.datetime | None = None,
) -> CallbackRequest:
    """A customer asks to be called back: the request and its conversation, both or
    neither. The number is the customer's word only, so the request gets a customer
    record of its own (never a verified customer's, whose number anyone could type)."""
    now = now or timezone.now()
    language = language if language in Language.values else Language.EN
    phone = check_phone(phone)
    name = _check_text(name, "name", MAX_NAME, language)
    topic = _check_text(topic, "topic", MAX_TOPIC, language)
    time_zone = check_time_zone(time_zone or "UTC")
    check_window(window_start, window_end, now)
    with translation.override(language):
        subject = _("Callback request: %(topic)s") % {"topic": topic}
        when = (
            _window_text(window_start, window_end, time_zone)
            if window_start and window_end
            else _("as soon as possible")
        )
        body = _(
            "Please call me back at %(phone)s, %(when)s.\n\nName: %(name)s\nTopic: %(topic)s"
        ) % {
            "phone": phone,
            "when": when,
            "name": name,
            "topic": topic,
        }
    due_at = window_end or now + dt.timedelta(minutes=settings.CALLBACK_SLA_MINUTES)
    with transaction.atomic():
        customer = find_or_create_customer(display_name=name, language=language)
        conversation = conversations.do_create_conversation(
            customer=customer,
            subject=subject[: conversations.MAX_SUBJECT_LENGTH],
            body=body,
            channel=Channel.PHONE,
            language=language,
            notify_customer=False,
        )
        return CallbackRequest.objects.create(
            phone=phone,
            name=name,
            language=language,
            window_start=window_start,
            window_end=window_end,
            time_zone=time_zone,
            topic=topic,
            due_at=due_at,
            conversation=conversation,
        )


MAX_OUTCOME_NOTE = 2000


def log_callback_outcome(
    callback: CallbackRequest, user: User, state: str, note: str = ""
) -> CallbackRequest:
    """An agent says how the callback went: an internal note on the conversation, which
    is solved when nothing is left to do (done, cancelled). After "no answer" the
    request stays open for another try."""
    conversations.check_can_answer(user, callback.conversation)
    if state not in OUTCOME_STATES:
        raise ValidationError({"state": _("Choose how the call went.")})
    note = (note or "").strip()
    if len(note) > MAX_OUTCOME_NOTE:
        raise ValidationError(
            {"note": _("Use at most %(n)d characters.") % {"n": MAX_OUTCOME_NOTE}}
        )
    with transaction.atomic():
        callback = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
        if callback.state not in OPEN_CALLBACK_STATES:
            raise ValidationError({"state": _("The outcome of this callback is already logged.")})
        conversation = callback.conversation
        label = str(CallbackState(state).label)
        body = _("Callback outcome: %(state)s.") % {"state": label}
        if note:
            note = conversations.check_internal_text(conversation, note)
            body = f"{body}\n\n{note}"
        conversations.do_add_note(conversation, user, body)
        if state in SOLVING_STATES:
            conversations.do_change_status(conversation, user, Status.SOLVED)
        callback.state, callback.outcome_note, callback.agent = state, note, user
        callback.save(update_fields=["state", "outcome_note", "agent", "updated_at"])
    return callback


# ---------------------------------------------------------------- overdue callbacks

OVERDUE_METRIC = "callback"
OVERDUE_PER_PASS = 200


def flag_overdue_callbacks(now: dt.datetime | None = None) -> int:
    """Flag each callback whose due time passed while nobody called: once, with a note
    and an SLA breach on its conversation and a notice to whoever must act."""
    now = now or timezone.now()
    due = CallbackRequest.objects.filter(
        state=CallbackState.REQUESTED, overdue_flagged_at__isnull=True, due_at__lte=now
    ).order_by("due_at")
    return sum(_flag(pk, now) for pk in list(due.values_list("pk", flat=True)[:OVERDUE_PER_PASS]))


@transaction.atomic
def _flag(callback_pk: int, now: dt.datetime) -> bool:
    from exdesk.sla import services as sla

    callback = (
        CallbackRequest.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .get(pk=callback_pk)
    )
    if callback.overdue_flagged_at is not None or callback.state != CallbackState.REQUESTED:
        return False  # a parallel sweep was first, or the call was made meanwhile
    callback.overdue_flagged_at = now
    callback.save(update_fields=["overdue_flagged_at", "updated_at"])
    conversation = callback.conversation
    conversations.do_record_sla_breach(conversation, OVERDUE_METRIC)
    due = callback.due_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")
    conversations.do_add_system_note(
        conversation,
        _("The callback to %(phone)s was due at %(due)s UTC and has not been made.")
        % {"phone": callback.phone, "due": due},
    )
    # do_record_sla_breach read the conversation afresh under its lock: the assignee is current.
    people = [conversation.assignee] if conversation.assignee else sla.supervisors_of(conversation)
    sla.notify(people, conversation, "sla_breach", OVERDUE_METRIC)
    return True
