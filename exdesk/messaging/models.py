import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailVia(models.TextChoices):
    SMTP = "smtp", _("SMTP receiver")
    IMAP = "imap", _("IMAP mailbox")
    WEBHOOK = "webhook", _("Provider webhook")


class MailState(models.TextChoices):
    RECEIVED = "received", _("Stored, waiting to be read")
    PROCESSED = "processed", _("In a conversation")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundMail(models.Model):
    """One received e-mail, stored raw before anything else happens to it.

    The receiver answers 250 only after this row is committed; reading it into a
    conversation happens afterwards in the task queue and may run again after a crash.
    ``dedupe_key`` makes a message stored twice (an MTA's retry) one row."""

    via = models.CharField(max_length=10, choices=MailVia.choices)
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.TextField(blank=True)
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    dedupe_key = models.CharField(max_length=320, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(
        max_length=12, choices=MailState.choices, default=MailState.RECEIVED, db_index=True
    )
    # Why it was quarantined (a code) and what a person should know.
    reason = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    # The quoted history and signature split off the new text: folded away in the
    # console, shown on request.
    quoted = models.TextField(blank=True)
    # What the message says (sender, subject, text, attachments), hashed: the same
    # message generated anew by a resending client (a new MIME boundary, a new Date)
    # is recognised though its bytes differ.
    content_hash = models.CharField(max_length=64, blank=True)
    # What the trusted MTA said of the sender (pass, fail, none, …).
    spf = models.CharField(max_length=12, blank=True)
    dkim = models.CharField(max_length=12, blank=True)
    dmarc = models.CharField(max_length=12, blank=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mail",
    )
    event = models.OneToOneField(
        "conversations.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mail",
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Quarantined mail a person looked at: released into a conversation, or dismissed.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        # Finding a resent copy of a message reads this index. Without it (an index on
        # the Message-ID alone) SQLite's planner chose the state index and read every
        # processed row.
        indexes = [models.Index(fields=["message_id", "content_hash"], name="inbound_same_message")]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mail")

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject or self.message_id}"


def new_reply_token() -> str:
    # Lower-case letters and digits only: it travels in a mail address's local part,
    # which some systems lower-case. 26 characters of base32: 130 bits.
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(26))


class MailThread(models.Model):
    """A conversation's e-mail identity: the reply address token exdesk issued."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="mail_thread"
    )
    reply_token = models.CharField(max_length=40, unique=True, default=new_reply_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"thread of #{self.conversation_id}"


class MailParticipant(models.Model):
    """Someone an agent added to a conversation's e-mail (a CC): their replies join it."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="mail_participants"
    )
    email = models.EmailField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "email"], name="mail_participant_once")
        ]

    def __str__(self) -> str:
        return self.email


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundMail(models.Model):
    """An e-mail exdesk sent (or is sending) for a conversation. Its Message-ID is how a
    reply is recognised; its state shows on the message in the console."""

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="outbound_mail"
    )
    event = models.ForeignKey(
        "conversations.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_mail",
    )
    message_id = models.CharField(max_length=255, unique=True)
    to = models.CharField(max_length=320)
    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.state})"


# ---------------------------------------------------------------- messaging platforms


class Platform(models.TextChoices):
    TELEGRAM = "telegram", "Telegram"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook Messenger"
    PHONE = "phone", _("Phone")


class ChannelIdentity(models.Model):
    """Someone as a platform knows them: a Telegram chat, an X or Facebook user, a phone
    number. It belongs to a customer record from the first message, but to a *verified*
    customer (the exchange's account) only once that is proven: the exchange signed it, or
    an agent merged it (audited). Until then it has a customer record of its own."""

    platform = models.CharField(max_length=10, choices=Platform.choices)
    # The platform's stable id: chat id, user id, E.164 phone number.
    external_id = models.CharField(max_length=128)
    handle = models.CharField(max_length=120, blank=True)
    display_name = models.CharField(max_length=120, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="channel_identities"
    )
    verified = models.BooleanField(default=False)
    # "exchange" or "agent:<user id>": how the link to the customer was proven.
    verified_by = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="identity_once")
        ]
        verbose_name = _("channel identity")
        verbose_name_plural = _("channel identities")

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle or self.external_id}"


class ChannelThread(models.Model):
    """The platform identity a conversation talks to: replies go back through it."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="channel_thread"
    )
    identity = models.ForeignKey(ChannelIdentity, on_delete=models.CASCADE, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"#{self.conversation_id} ↔ {self.identity}"


class PlatformUpdate(models.Model):
    """One inbound update a platform delivered. Platforms retry until they hear 200: the
    unique key stores each update once, however often it arrives."""

    platform = models.CharField(max_length=10, choices=Platform.choices)
    update_key = models.CharField(max_length=200)
    identity = models.ForeignKey(
        ChannelIdentity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "conversations.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "update_key"], name="platform_update_once")
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.update_key}"


class PlatformDelivery(models.Model):
    """A reply (an agent's or the bot's) sent back through a platform, with its state."""

    event = models.OneToOneField(
        "conversations.Event", on_delete=models.CASCADE, related_name="platform_delivery"
    )
    identity = models.ForeignKey(
        ChannelIdentity, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The platform's id of the sent message.
    external_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.event_id} → {self.identity} ({self.state})"
