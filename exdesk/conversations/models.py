from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from exdesk.accounts.choices import Language
from exdesk.accounts.models import Team
from exdesk.audit.models import AppendOnlyModel
from exdesk.customers.models import Customer

from .choices import Channel, EventKind, Priority, Status


class Category(models.Model):
    """What the customer picks on the form; decides the first team and priority."""

    slug = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=80)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="categories")
    default_priority = models.CharField(max_length=2, choices=Priority.choices, default=Priority.P2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh_hans if (get_language() or "").startswith("zh") else self.name_en


class Tag(models.Model):
    name = models.SlugField(max_length=40, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def new_tracking_token() -> str:
    return secrets.token_urlsafe(32)


class Conversation(models.Model):
    """One thread with a customer, whatever the channel: chat, ticket, e-mail, social, phone."""

    subject = models.CharField(_("subject"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P2, db_index=True
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.EN
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("category")
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
        verbose_name=_("assignee"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="conversations", verbose_name=_("customer")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    # Structured fields for crypto cases.
    coin = models.CharField(_("coin"), max_length=20, blank=True)
    network = models.CharField(_("network"), max_length=30, blank=True)
    txid = models.CharField(_("transaction ID"), max_length=128, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=36, decimal_places=18, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=128, blank=True)
    # What the assistant read from the customer's messages (assistant.triage).
    intent = models.CharField(_("intent"), max_length=60, blank=True)
    intent_confidence = models.FloatField(_("intent confidence"), null=True, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=12, blank=True)
    entities = models.JSONField(_("entities"), default=dict, blank=True)
    # "" the bot has not spoken; "greeted" it answered a hello; "answering" it offered an
    # article and waits for the customer's verdict; "handed_over" a person has it.
    bot_state = models.CharField(max_length=12, blank=True)
    # A compliance case: only compliance officers see it while this is set, and replies
    # on it are approved templates (no tipping-off). Set by escalating to compliance.
    restricted = models.BooleanField(_("compliance case"), default=False, db_index=True)
    # "<api user id>:<Idempotency-Key>" of the API call that opened it: a retried call
    # returns this conversation instead of opening a second one.
    external_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    # The customer's private link to this conversation (256 random bits).
    tracking_token = models.CharField(
        max_length=64, unique=True, editable=False, default=new_tracking_token
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    # Read receipts: the highest timeline ``seq`` each side has read.
    customer_read_seq = models.PositiveIntegerField(default=0)
    staff_read_seq = models.PositiveIntegerField(default=0)
    # The customer's satisfaction at the end of a chat.
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)

    # A drill of the training academy: the trainee's alone, in no queue, SLA or report.
    training = models.BooleanField(default=False, db_index=True)

    # Not a column: the first message's event, on the instance do_create_conversation
    # returns, so a caller that records it (the mail it came from) needs no query.
    opening_event: Event | None = None

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["team", "status"]),
            models.Index(fields=["assignee", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_key"],
                condition=models.Q(external_key__isnull=False),
                name="conversation_external_key_once",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"EXD-{self.pk:06d}"


class Event(AppendOnlyModel):
    """One entry of a conversation's timeline. Never edited, never deleted."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    # 1, 2, 3 ... within the conversation, given under its row lock: what a reconnecting
    # client resumes from (docs/chat-protocol.md).
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(blank=True)
    # Old and new values of a change, e.g. {"from": "open", "to": "solved"}.
    data = models.JSONField(default=dict, blank=True)
    # The sender's own id for this message (Idempotency-Key, chat client id): a retried
    # send finds the stored event instead of storing it twice.
    client_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL: no id
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # Not a column: False on a just-created event known to carry no files.
    may_have_files = True

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Partial: most events have no client id and cost the index nothing.
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="event_client_id_stored_once",
            ),
            models.UniqueConstraint(fields=["conversation", "seq"], name="event_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.conversation_id}"


class Attachment(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    # Decided from the bytes, never from the file name or the browser's claim.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SearchDocument(models.Model):
    """Search terms of one conversation (subject and every message), see core.fulltext."""

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    terms = models.TextField(blank=True)
    # Chats are indexed in arrears (tasks.index_recent_chats): the last event seq whose
    # text is in ``terms``.
    indexed_seq = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"search terms of #{self.conversation_id}"
