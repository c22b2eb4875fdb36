"""E-mail in: store first, then read into a conversation (docs/email.md).

``store_inbound`` is all a receiver (SMTP, IMAP, provider webhook) does before it answers:
the raw message is committed, once, and reading it is scheduled. ``ingest`` then parses it,
decides where it belongs and adds it to a conversation, or quarantines it with a reason.
It runs in the task queue and may run again after a crash: the message's row is locked and
its state checked, and the conversation's write happens in the same transaction as the
state change, so a message lands exactly once.

Threading cannot be hijacked: a reply joins a conversation only through a token exdesk
issued (the reply address ``support+<token>@…`` or the Message-ID of a mail exdesk sent)
*and* from the conversation's customer or a participant an agent added. Anything else
opens a new conversation, with a note linking the one it named.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import email.utils
import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from exdesk.accounts.choices import Language
from exdesk.assistant import guard
from exdesk.assistant.reading import detect_language
from exdesk.assistant.safety import mask_labels
from exdesk.conversations import attachments as files
from exdesk.conversations import services as conversations
from exdesk.conversations.choices import Channel, EventKind, Status
from exdesk.conversations.models import Conversation, Event
from exdesk.core import plainsql, ratelimit
from exdesk.customers.models import Customer
from exdesk.customers.services import contacts_by_email, create_customer, find_or_create_customer

from .mail import parse as mime
from .models import (
    ChannelIdentity,
    ChannelThread,
    DeliveryState,
    InboundMail,
    MailParticipant,
    MailState,
    MailThread,
    MailVia,
    OutboundMail,
    Platform,
    PlatformDelivery,
    PlatformUpdate,
)

logger = logging.getLogger(__name__)

MAX_SUBJECT = 200
QUOTED_KEPT = 50_000  # characters of quoted history shown on request (the raw copy has all)


class MailRefused(Exception):
    """The message is not taken. ``temporary``: the sender should try again later (SMTP
    4xx); otherwise never (5xx). Nothing was stored."""

    def __init__(self, code: str, text: str, *, temporary: bool = False):
        super().__init__(text)
        self.code = code
        self.text = text
        self.temporary = temporary


# ---------------------------------------------------------------- storing


def _headers(raw: bytes):
    # Headers only, the lenient way: enough for the dedupe key and the rate limit.
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[:65536])


def _clean_id(value: str | None) -> str:
    return (value or "").strip().strip("<>").strip()[:250]


def dedupe_key(raw: bytes) -> tuple[str, str]:
    """(key, message_id). The same message relayed twice gains Received headers but keeps
    its Message-ID and body: the key is the Message-ID with a hash of the body. Without a
    Message-ID, the hash of the whole message."""
    headers = _headers(raw)
    message_id = _clean_id(headers.get("Message-ID"))
    if message_id:
        split = raw.find(b"\r\n\r\n")
        split = raw.find(b"\n\n") if split < 0 else split
        body = raw[split:] if split >= 0 else raw
        return f"mid:{message_id}:{hashlib.sha256(body).hexdigest()[:32]}", message_id
    return f"sha:{hashlib.sha256(raw).hexdigest()}", ""


def _sender_of(raw: bytes, envelope_from: str) -> str:
    if envelope_from:
        return envelope_from.lower()[:320]
    return email.utils.parseaddr(str(_headers(raw).get("From", "")))[1].lower()[:320]


def store_inbound(
    raw: bytes, *, via: str, envelope_from: str = "", envelope_to: tuple[str, ...] = ()
) -> tuple[InboundMail, bool]:
    """Commit the raw message and schedule its reading. (row, False) when the same message
    was stored already: the sender is told it arrived, and nothing is added twice."""
    if via not in MailVia.values:
        raise ValueError(via)
    if len(raw) > settings.MAIL_MAX_BYTES:
        raise MailRefused("too_large", _("The message is larger than this desk accepts."))
    if not raw.strip():
        raise MailRefused("empty", _("The message is empty."))
    sender = _sender_of(raw, envelope_from)
    if sender and not ratelimit.allow(f"mail:{sender}", settings.MAIL_PER_SENDER_PER_HOUR, 3600):
        raise MailRefused(
            "rate_limited", _("Too many messages from this sender; try later."), temporary=True
        )
    key, message_id = dedupe_key(raw)
    try:
        with transaction.atomic():
            mail = InboundMail.objects.create(
                via=via,
                envelope_from=envelope_from[:320],
                envelope_to=",".join(envelope_to)[:2000],
                raw=raw,
                size=len(raw),
                dedupe_key=key,
                message_id=message_id,
                sender=sender,
            )
            transaction.on_commit(lambda: _schedule(mail.pk))
    except IntegrityError:
        return InboundMail.objects.get(dedupe_key=key), False
    return mail, True


def _schedule(inbound_id: int) -> None:
    from .tasks import ingest_mail

    ingest_mail(inbound_id)


# ---------------------------------------------------------------- reading


@dataclass
class Placement:
    conversation: Conversation | None  # None: a new conversation
    named: Conversation | None = None  # the conversation the mail referred to, if refused
    why: str = ""


def _token_of(addresses: list[str]) -> str | None:
    local, _, domain = settings.DEFAULT_FROM_EMAIL.lower().partition("@")
    pattern = re.compile(rf"^{re.escape(local)}\+([a-z2-7]{{20,40}})@{re.escape(domain)}$")
    for address in addresses:
        found = pattern.match(address.lower())
        if found:
            return found.group(1)
    return None


def _may_write_to(conversation: Conversation, sender: str) -> bool:
    customer_email = (conversation.customer.email or "").lower()
    if sender and sender == customer_email:
        return True
    return MailParticipant.objects.filter(conversation=conversation, email__iexact=sender).exists()


def place(parsed: mime.ParsedMail, envelope_to: list[str]) -> Placement:
    """Which conversation a mail belongs to, by a token exdesk issued and its sender."""
    named = None
    token = _token_of([*envelope_to, *parsed.to, *parsed.cc])
    if token:
        thread = MailThread.objects.select_related("conversation__customer").filter(
            reply_token=token
        )
        named = thread[0].conversation if thread else None
    if named is None:
        ids = [*parsed.in_reply_to, *parsed.references][:60]
        sent = (
            OutboundMail.objects.select_related("conversation__customer")
            .filter(message_id__in=ids)
            .order_by("-created_at")
            .first()
            if ids
            else None
        )
        named = sent.conversation if sent else None
    if named is None:
        return Placement(None)
    if not _may_write_to(named, parsed.from_address):
        return Placement(None, named, "sender_not_in_conversation")
    if named.status == Status.CLOSED:
        return Placement(None, named, "closed")
    return Placement(named)


def _quarantine(mail: InboundMail, reason: str, detail: str = "") -> None:
    mail.state = MailState.QUARANTINED
    mail.reason = reason[:40]
    mail.detail = detail[:300]
    mail.processed_at = timezone.now()
    # With what was read of it (sender, subject, checks) for the person who reviews it.
    plainsql.update(mail, [*READ_FIELDS, "state", "reason", "detail", "processed_at"])


# What reading a message fills in (the rest of the row, the raw bytes above all, is
# written once by store_inbound and never again).
READ_FIELDS = ("sender", "subject", "spf", "dkim", "dmarc")


def _content_hash(parsed: mime.ParsedMail) -> str:
    digest = hashlib.sha256()
    for part in (parsed.message_id, parsed.from_address, parsed.subject, parsed.text):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    for item in parsed.attachments:
        digest.update(item.filename.encode("utf-8", "replace") + b"\0")
        digest.update(hashlib.sha256(item.data).digest())
    return digest.hexdigest()


def _existing_customer(address: str) -> Customer | None:
    if not address:
        return None
    return (
        Customer.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=address)
        .order_by("pk")
        .first()
    )


def _uploads(parsed: mime.ParsedMail) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The attachments the desk's file rules accept, and a line for each one refused."""
    return _checked_uploads([(item.filename, item.data) for item in parsed.attachments])


def _body(parsed: mime.ParsedMail, refused: list[str]) -> str:
    body = parsed.text.strip() or _("(no text)")
    if refused:
        body += "\n\n" + _("Attachments not taken:") + "\n" + "\n".join(f"- {r}" for r in refused)
    return body[: conversations.MAX_BODY_LENGTH]


# Messages read in one transaction when mail arrives faster than one at a time (a burst
# after an outage, a storm of replies): one commit for them all, and the parsing done
# before the database's write lock is taken. Small, so that lock is held briefly.
READ_BATCH = 20


@dataclass
class _Reading:
    """What parsing a stored message gave, before any database write."""

    parsed: mime.ParsedMail | None
    problem: str = ""  # why it could not be parsed
    uploads: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    content_hash: str = ""


@dataclass
class _Known:
    """What a batch looks up once for all its messages, kept current as it writes:
    contacts by address, and messages read before by (Message-ID, content hash)."""

    contacts: dict[str, Customer]
    read_before: dict[tuple[str, str], tuple[int, int | None]]

    @classmethod
    def look_up(cls, mails: list[InboundMail], readings: dict[int, _Reading]) -> _Known:
        parsed = [r.parsed for r in readings.values() if r.parsed is not None]
        message_ids = {m.message_id for m in mails if m.message_id}
        earlier = InboundMail.objects.filter(
            message_id__in=message_ids, state=MailState.PROCESSED, event__isnull=False
        )
        read_before: dict[tuple[str, str], tuple[int, int | None]] = {}
        fields = ("message_id", "content_hash", "pk", "conversation_id")
        for message_id, content_hash, pk, conversation_id in earlier.values_list(*fields):
            read_before.setdefault((message_id, content_hash), (pk, conversation_id))
        return cls(contacts_by_email(p.from_address for p in parsed), read_before)


def _read_raw(raw: bytes) -> _Reading:
    try:
        parsed = mime.parse(
            raw,
            max_bytes=settings.MAIL_MAX_BYTES,
            trusted_authserv_id=settings.MAIL_TRUSTED_AUTHSERV_ID,
        )
    except mime.Unparseable as problem:
        return _Reading(None, problem.reason)
    uploads, refused = _uploads(parsed)
    return _Reading(parsed, uploads=uploads, refused=refused, content_hash=_content_hash(parsed))


def ingest(inbound_id: int) -> InboundMail:
    """Read one stored message into a conversation (or quarantine it). Safe to repeat."""
    ingest_batch(inbound_id, limit=1)
    return InboundMail.objects.defer("raw").get(pk=inbound_id)


def ingest_batch(first_id: int, limit: int = READ_BATCH) -> int:
    """Read message ``first_id`` and the unread messages stored after it, up to ``limit``,
    in one transaction with a savepoint each. Safe to repeat: each row is locked and its
    state checked. A message that fails stays unread for its own task to retry; the
    failure of ``first_id`` is raised once the others are committed. Returns how many
    messages were read."""
    unread = InboundMail.objects.filter(pk__gte=first_id, state=MailState.RECEIVED)
    raws = list(unread.order_by("pk").values_list("pk", "raw")[:limit])
    readings = {pk: _read_raw(bytes(raw)) for pk, raw in raws}
    if not readings:
        return 0
    failure: Exception | None = None
    done = 0
    with transaction.atomic():
        locked = InboundMail.objects.select_for_update().defer("raw")
        mails = list(locked.filter(pk__in=readings, state=MailState.RECEIVED).order_by("pk"))
        known = _Known.look_up(mails, readings)
        for mail in mails:
            try:
                with transaction.atomic():
                    _read_into_conversation(mail, readings[mail.pk], known)
                done += 1
            except Exception as error:
                if mail.pk == first_id:
                    failure = error
                else:
                    logger.exception("reading stored mail %s failed; its task retries", mail.pk)
    if failure is not None:
        raise failure
    return done


def _read_into_conversation(mail: InboundMail, reading: _Reading, known: _Known) -> None:
    """Under the row's lock: add the message to its conversation, or quarantine it."""
    parsed = reading.parsed
    if parsed is None:
        _quarantine(mail, "unparseable", reading.problem)
        return
    auth = parsed.authentication
    mail.sender, mail.subject = parsed.from_address[:320], parsed.subject[:300]
    mail.spf, mail.dkim, mail.dmarc = (
        auth.get("spf", ""),
        auth.get("dkim", ""),
        auth.get("dmarc", ""),
    )
    if not parsed.from_address:
        _quarantine(mail, "no_sender", _("The message has no valid From address."))
        return
    if mail.dmarc == "fail" and _existing_customer(parsed.from_address) is not None:
        # Someone else claims a known customer's address: never merge it.
        _quarantine(mail, "spoofed_customer", _("DMARC failed for a known customer's address."))
        return
    mail.content_hash = reading.content_hash
    earlier = known.read_before.get((mail.message_id, mail.content_hash))
    if earlier is not None:
        # Kept (and linked to the conversation), but its message is the earlier one's.
        mail.state, mail.reason = MailState.PROCESSED, "duplicate"
        mail.detail = f"same message as stored mail #{earlier[0]}"
        mail.conversation_id = earlier[1]
        mail.processed_at = timezone.now()
        written = ("state", "reason", "detail", "content_hash", "conversation", "processed_at")
        plainsql.update(mail, [*READ_FIELDS, *written])
        return
    envelope_to = [a for a in mail.envelope_to.split(",") if a]
    placement = place(parsed, envelope_to)
    noise = parsed.auto_submitted or parsed.bounce or parsed.bulk
    body = _body(parsed, reading.refused)
    if placement.conversation is not None:
        conversation = placement.conversation
        event = conversations.do_add_customer_message(
            conversation, body, reading.uploads, client_id=f"mail-{mail.pk}"
        )
    else:
        language = _mail_language(parsed)
        customer = known.contacts.get(parsed.from_address.lower())
        if customer is None:
            customer = known.contacts[parsed.from_address.lower()] = create_customer(
                email=parsed.from_address, display_name=parsed.from_name[:120], language=language
            )
        # An auto-reply or a bounce is kept, never answered.
        conversation, event = _open_mail_conversation(
            parsed, customer, mail, body, reading.uploads, language, notify=not noise
        )
    _record_mail_facts(conversation, event, parsed, mail, placement, noise)
    mail.state = MailState.PROCESSED
    # Quoted history can hold what the guard masked in the message it quotes.
    mail.quoted = guard.mask(parsed.quoted[:QUOTED_KEPT], mask_labels(conversation.language)).text
    mail.conversation = conversation
    mail.event = event
    mail.processed_at = timezone.now()
    written = ("state", "quoted", "content_hash", "conversation", "event", "processed_at")
    plainsql.update(mail, [*READ_FIELDS, *written])
    if mail.message_id:
        known.read_before.setdefault(
            (mail.message_id, mail.content_hash), (mail.pk, conversation.pk)
        )


def _mail_language(parsed: mime.ParsedMail) -> str:
    return _language_of(f"{parsed.subject}\n{parsed.text[:2000]}", "")


def _open_mail_conversation(
    parsed, customer, mail, body, uploads, language, *, notify: bool
) -> tuple[Conversation, Event]:
    """A new e-mail conversation for ``mail``, with its reply-address thread, and the
    event of its first message."""
    conversation = conversations.do_create_conversation(
        customer=customer,
        subject=(parsed.subject or _("(no subject)"))[:MAX_SUBJECT],
        body=body,
        channel=Channel.EMAIL,
        language=language,
        uploads=uploads,
        notify_customer=notify,
        external_key=f"mail:{mail.dedupe_key}"[:200],
    )
    plainsql.insert(MailThread(conversation=conversation))
    return conversation, conversations.opening_event(conversation)


def _record_mail_facts(conversation, event, parsed, mail, placement, noise) -> None:
    """What the agent must know about this mail: unverified sender, noise, a refused link."""
    lines = []
    if mail.dmarc in ("fail", "softfail") or (mail.dmarc == "" and mail.spf == "fail"):
        lines.append(_("The sender's address could not be verified (DMARC/SPF failed)."))
    if noise:
        lines.append(_("Automatic mail (auto-reply, bounce or bulk): it is not answered."))
    if placement.named is not None:
        lines.append(
            _(
                "This mail named conversation %(reference)s but was not added to it "
                "(%(why)s). Check before linking them."
            )
            % {"reference": placement.named.reference, "why": placement.why}
        )
    if lines:
        conversations.do_add_system_note(conversation, "\n".join(lines))


# ---------------------------------------------------------------- messaging platforms
#
# Telegram, X and Facebook adapters (messaging/platforms/) check the platform's signature
# and turn its payload into a call to receive_platform_message; replies go back through
# relay_reply. Both are the same for every platform.


@dataclass
class Received:
    """What a platform message became. ``event`` is None when the update was a retry of
    one stored before (platforms retry until they hear 200)."""

    identity: ChannelIdentity
    conversation: Conversation
    event: Event | None


def _identity_customer(platform: str, handle: str, display_name: str, language: str):
    # A customer record of the identity's own: a name on a platform proves nothing, so it
    # is never matched to an existing customer (see link_identity).
    label = display_name or (f"@{handle}" if handle else "")
    return Customer.objects.create(
        display_name=f"{label} ({Platform(platform).label})"[:120] if label else "",
        language=language,
    )


def find_or_create_identity(
    platform: str,
    external_id: str,
    *,
    handle: str = "",
    display_name: str = "",
    language: str = "en",
) -> ChannelIdentity:
    """A platform user's identity, with a customer record of its own on first sight (e.g.
    Telegram's /start with a link token, before any message)."""
    found = ChannelIdentity.objects.filter(platform=platform, external_id=external_id)
    identity = found.first()
    if identity is not None:
        return identity
    try:
        with transaction.atomic():
            return ChannelIdentity.objects.create(
                platform=platform,
                external_id=external_id,
                handle=handle[:120],
                display_name=display_name[:120],
                language=language,
                customer=_identity_customer(platform, handle, display_name, language),
            )
    except IntegrityError:  # the same user's first message, stored at the same moment
        return found.get()


def _conversation_for(identity: ChannelIdentity) -> Conversation | None:
    """The identity's latest conversation unless it is closed: a chat id maps to one
    running conversation, and a solved one reopens when the customer writes again."""
    thread = (
        ChannelThread.objects.select_related("conversation")
        .filter(identity=identity)
        .order_by("-conversation__created_at", "-pk")
        .first()
    )
    if thread is None or thread.conversation.status == Status.CLOSED:
        return None
    return thread.conversation


def receive_platform_message(
    *,
    platform: str,
    external_id: str,
    update_key: str,
    text: str,
    handle: str = "",
    display_name: str = "",
    language_hint: str = "",
    uploads: tuple = (),
    not_taken: tuple[str, ...] = (),
    channel: str | None = None,
) -> Received:
    """Store one message a platform delivered, once, in the sender's conversation.

    ``update_key`` is the platform's id of the delivery (Telegram's update_id, a
    message id); a second delivery with the same key adds nothing. ``uploads`` are
    (name, bytes) pairs, checked by the desk's file rules; refused ones, and the lines an
    adapter gives in ``not_taken`` (files it could not fetch), are listed in the message
    rather than dropped silently. The guard masks secrets before anything is
    stored, and the bot warns the sender through the platform."""
    if platform not in Platform.values:
        raise ValueError(platform)
    external_id = str(external_id).strip()[:128]
    if not external_id or not update_key:
        raise ValidationError(_("A platform message needs a sender and an update id."))
    kept, refused = _checked_uploads(uploads)
    refused = [*not_taken, *refused]
    body = (text or "").strip()
    if refused:
        listed = "\n".join(f"- {r}" for r in refused)
        body = f"{body}\n\n{_('Attachments not taken:')}\n{listed}".strip()
    if not body:
        body = _("(attachment)") if kept else _("(empty message)")
    body = body[: conversations.MAX_BODY_LENGTH]
    language = _language_of(body, language_hint)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _store_platform_message(
                    platform,
                    external_id,
                    str(update_key)[:200],
                    body,
                    kept,
                    handle=handle[:120],
                    display_name=display_name[:120],
                    language=language,
                    channel=channel or _channel_of(platform),
                )
        except IntegrityError:
            # The same update stored by a parallel delivery, or the same new identity
            # created twice at once: the second attempt finds what the first stored.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _channel_of(platform: str) -> str:
    return Channel.TELEGRAM if platform == Platform.TELEGRAM else Channel.SOCIAL


def _language_of(text: str, hint: str) -> str:
    hint = (hint or "").lower()
    if hint.startswith("zh"):
        return Language.ZH_HANS
    detected = detect_language(text, "en")
    return detected if detected in Language.values else Language.EN


def _checked_uploads(uploads) -> tuple[list[tuple[str, bytes]], list[str]]:
    kept: list[tuple[str, bytes]] = []
    refused: list[str] = []
    for name, data in uploads:
        if len(kept) >= settings.ATTACHMENT_MAX_FILES:
            refused.append(_("%(name)s: too many files") % {"name": name})
            continue
        try:
            files.check_files([(name, data)])
        except ValidationError as error:
            refused.append("; ".join(error.messages))
            continue
        kept.append((name, data))
    return kept, refused


def _store_platform_message(
    platform, external_id, update_key, body, uploads, *, handle, display_name, language, channel
) -> Received:
    seen = (
        PlatformUpdate.objects.select_related("identity", "event__conversation")
        .filter(platform=platform, update_key=update_key)
        .first()
    )
    if seen is not None and seen.identity is not None and seen.event is not None:
        return Received(seen.identity, seen.event.conversation, None)
    update = PlatformUpdate.objects.create(platform=platform, update_key=update_key)
    identity = find_or_create_identity(
        platform, external_id, handle=handle, display_name=display_name, language=language
    )
    if (handle, display_name) != (identity.handle, identity.display_name):
        identity.handle, identity.display_name = handle, display_name
        identity.save(update_fields=["handle", "display_name", "last_seen_at"])
    conversation = _conversation_for(identity)
    if conversation is not None:
        event = conversations.do_add_customer_message(
            conversation, body, uploads, client_id=f"{platform}-{update.pk}"
        )
    else:
        first_line = body.splitlines()[0] if body else ""
        conversation = conversations.do_create_conversation(
            customer=identity.customer,
            subject=first_line[:80] or _("Message"),
            body=body,
            channel=channel,
            language=language,
            uploads=uploads,
            notify_customer=False,  # the answer comes back through the platform
        )
        ChannelThread.objects.create(conversation=conversation, identity=identity)
        event = conversations.opening_event(conversation)
    update.identity, update.event = identity, event
    update.save(update_fields=["identity", "event"])
    return Received(identity, conversation, event)


def identity_of(conversation: Conversation) -> ChannelIdentity | None:
    thread = ChannelThread.objects.select_related("identity").filter(conversation=conversation)
    return thread[0].identity if thread else None


def reply_text(event: Event) -> str:
    """What a platform shows of a reply: the text, and the article the bot offered."""
    text = event.body or ""
    article = (event.data or {}).get("article") or {}
    if article.get("url") and article["url"] not in text:
        text = f"{text}\n\n{article['url']}"
    return text


class DeliveryFailed(Exception):
    """The platform did not take the message. ``permanent``: trying again cannot help
    (the user blocked the bot, the chat is gone)."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def relay_reply(event_id: int) -> PlatformDelivery | None:
    """Send one reply (or the satisfaction survey) through the platform its conversation
    came from, once. Raises DeliveryFailed for the task queue to retry (a permanent
    failure is recorded only)."""
    from .platforms import adapter_for

    event = (
        Event.objects.select_related("conversation", "author_user")
        .filter(pk=event_id, kind__in=[EventKind.AGENT_REPLY, EventKind.SURVEY])
        .first()
    )
    if event is None:
        return None
    identity = identity_of(event.conversation)
    if identity is None:
        return None
    delivery, _created = PlatformDelivery.objects.get_or_create(
        event=event, defaults={"identity": identity}
    )
    if delivery.state == DeliveryState.SENT:
        return delivery
    adapter = adapter_for(identity.platform)
    delivery.attempts += 1
    if not adapter.configured():
        # Credentials removed since the conversation began: say so on the message.
        delivery.state, delivery.error = DeliveryState.FAILED, "platform not configured"
        delivery.save(update_fields=["state", "error", "attempts"])
        return delivery
    try:
        delivery.external_id = adapter.send(identity, event)[:128]
    except DeliveryFailed as failure:
        delivery.state = DeliveryState.FAILED
        delivery.error = failure.reason[:300]
        delivery.save(update_fields=["state", "error", "attempts"])
        if failure.permanent:
            return delivery
        raise
    delivery.state, delivery.error, delivery.sent_at = DeliveryState.SENT, "", timezone.now()
    delivery.save(update_fields=["state", "error", "attempts", "external_id", "sent_at"])
    return delivery


# ---------------------------------------------------------------- one customer


def link_identity(identity: ChannelIdentity, customer: Customer, *, by: str, actor=None) -> None:
    """Attach a platform identity to a customer, proven by ``by`` ("exchange": the
    exchange signed the customer's UID; "agent": a person merged them, audited). The
    identity's conversations move to the customer; its own placeholder record stays,
    empty, so nothing that pointed at it breaks."""
    from exdesk.audit import services as audit
    from exdesk.audit.models import AuditAction

    if by not in ("exchange", "agent"):
        raise ValueError(by)
    if by == "agent" and actor is None:
        raise ValueError("an agent's merge names the agent")
    with transaction.atomic():
        identity = ChannelIdentity.objects.select_for_update().get(pk=identity.pk)
        previous = identity.customer
        if identity.verified and previous.pk != customer.pk:
            raise ValidationError(_("This identity already belongs to another verified customer."))
        identity.customer = customer
        identity.verified = True
        identity.verified_by = "exchange" if by == "exchange" else f"agent:{actor.pk}"
        identity.save(update_fields=["customer", "verified", "verified_by", "last_seen_at"])
        Conversation.objects.filter(channel_thread__identity=identity).update(customer=customer)
        if actor is not None:
            audit.record(
                actor,
                AuditAction.MERGE_IDENTITY,
                identity,
                customer=customer,
                detail=f"{identity} from customer #{previous.pk}",
            )


# The exchange proves who a platform user is by sending them a link that carries a token
# it signed (e.g. Telegram's t.me/<bot>?start=<token>, at most 64 characters of
# [A-Za-z0-9_-]): the trader's UID, an expiry, and an HMAC with the chat identity secret
# the exchange already shares with exdesk for the widget.
LINK_TOKEN_PATTERN = re.compile(r"^([A-Za-z0-9]{1,30})_([0-9a-z]{1,10})_([A-Za-z0-9_-]{22})$")


def _link_signature(uid: str, expires: str) -> str:
    key = settings.CHAT_IDENTITY_SECRET.encode()
    digest = hmac.new(key, f"exdesk-link:{uid}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def link_token(uid: str, *, valid_seconds: int = 3600, now: float | None = None) -> str:
    """What the exchange's server computes (docs/channels.md shows it in a few lines)."""
    expires = _base36(int((now if now is not None else time.time()) + valid_seconds))
    return f"{uid}_{expires}_{_link_signature(uid, expires)}"


def uid_from_link_token(token: str, *, now: float | None = None) -> str | None:
    """The exchange UID a valid, unexpired token names; None for anything else."""
    found = LINK_TOKEN_PATTERN.match(token or "")
    if not found or not settings.CHAT_IDENTITY_SECRET:
        return None
    uid, expires, signature = found.groups()
    if not hmac.compare_digest(_link_signature(uid, expires), signature):
        return None
    if int(expires, 36) < (now if now is not None else time.time()):
        return None
    return uid


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def link_identity_by_token(identity: ChannelIdentity, token: str) -> Customer | None:
    """Attach ``identity`` to the exchange customer a signed link token names."""
    uid = uid_from_link_token(token)
    if uid is None:
        return None
    customer = find_or_create_customer(uid=uid, language=identity.language or "en")
    link_identity(identity, customer, by="exchange")
    return customer


# ---------------------------------------------------------------- quarantine review


def release_quarantined(mail_id: int, user) -> Conversation:
    """Open a conversation for a quarantined mail a person judged genuine. It gets a
    customer record of its own, never the one it claimed: the DMARC failure still stands,
    and the agent sees that it was released, by whom, and why it was held."""
    with transaction.atomic():
        mail = InboundMail.objects.select_for_update().get(pk=mail_id)
        if mail.state != MailState.QUARANTINED or mail.reviewed_at is not None:
            raise ValidationError(_("This message is not waiting in quarantine."))
        try:
            parsed = mime.parse(bytes(mail.raw), max_bytes=settings.MAIL_MAX_BYTES)
        except mime.Unparseable as problem:
            raise ValidationError(
                _("This message cannot be read (%(reason)s); download the raw copy instead.")
                % {"reason": problem.reason}
            ) from None
        if not parsed.from_address:
            raise ValidationError(_("This message has no sender to answer."))
        uploads, refused = _uploads(parsed)
        language = _mail_language(parsed)
        customer = Customer.objects.create(
            email=parsed.from_address, display_name=parsed.from_name[:120], language=language
        )
        # An unverified sender: a person decides to answer.
        conversation, event = _open_mail_conversation(
            parsed, customer, mail, _body(parsed, refused), uploads, language, notify=False
        )
        conversations.do_add_system_note(
            conversation,
            _(
                "Released from quarantine by %(user)s. It was held because: %(reason)s. "
                "The sender's address is not verified."
            )
            % {"user": user.display_name, "reason": mail.detail or mail.reason},
        )
        mail.conversation, mail.event = conversation, event
        mail.reviewed_by, mail.reviewed_at = user, timezone.now()
        mail.save(update_fields=["conversation", "event", "reviewed_by", "reviewed_at"])
    return conversation


def dismiss_quarantined(mail_id: int, user) -> InboundMail:
    """Mark a quarantined mail as seen and not to be answered. It stays stored."""
    with transaction.atomic():
        mail = InboundMail.objects.select_for_update().get(pk=mail_id)
        if mail.state != MailState.QUARANTINED or mail.reviewed_at is not None:
            raise ValidationError(_("This message is not waiting in quarantine."))
        mail.reviewed_by, mail.reviewed_at = user, timezone.now()
        mail.save(update_fields=["reviewed_by", "reviewed_at"])
    return mail


def link_identity_by_agent(identity: ChannelIdentity, reference: str, user) -> Customer:
    """An agent's merge: the customer named by exchange UID or e-mail address."""
    reference = (reference or "").strip()
    customer = None
    if reference:
        customer = Customer.objects.filter(uid=reference).first()
        if customer is None and "@" in reference:
            customer = _existing_customer(reference.lower())
    if customer is None:
        raise ValidationError(
            {"reference": _("No customer has this exchange UID or e-mail address.")}
        )
    link_identity(identity, customer, by="agent", actor=user)
    return customer
