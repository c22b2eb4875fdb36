"""API routes for conversations. Each route calls the same services as the console."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from pydantic import field_validator

from exdesk.audit import services as audit
from exdesk.audit.models import AuditAction
from exdesk.customers.masking import customer_view

from . import selectors, services
from .choices import Channel, Priority, Status
from .models import Conversation, Event

router = Router(tags=["conversations"])
PAGE_SIZE = 25

LanguageCode = Literal["en", "zh-hans"]
StatusCode = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityCode = Literal["p0", "p1", "p2", "p3"]
ChannelCode = Literal["web", "chat", "email", "social", "phone", "api"]


class CustomerIn(Schema):
    uid: str | None = Field(None, max_length=64, description="The exchange's account UID")
    email: str | None = Field(None, max_length=254)
    name: str | None = Field(None, max_length=120)
    language: LanguageCode = "en"

    @field_validator("email")
    @classmethod
    def email_is_valid(cls, value: str | None) -> str | None:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise ValueError("Enter a valid e-mail address.") from exc
        return value


class CaseFields(Schema):
    coin: str | None = Field(None, max_length=20)
    network: str | None = Field(None, max_length=30)
    txid: str | None = Field(None, max_length=128)
    amount: Decimal | None = Field(None, ge=0, max_digits=36, decimal_places=18)
    address: str | None = Field(None, max_length=128)


class ConversationIn(Schema):
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20_000)
    customer: CustomerIn
    channel: ChannelCode = "api"
    language: LanguageCode = "en"
    category: str | None = Field(None, description="Category slug", max_length=50)
    priority: PriorityCode | None = None
    fields: CaseFields = CaseFields()
    tags: list[str] = Field(default_factory=list, max_length=20)


class CustomerOut(Schema):
    uid: str
    display_name: str
    email: str
    vip_tier: int
    kyc_level: int


class EventOut(Schema):
    id: int
    kind: str
    author: str | None
    body: str
    data: dict
    created_at: datetime


class ConversationOut(Schema):
    id: int
    reference: str
    subject: str
    channel: str
    status: str
    priority: str
    language: str
    team: str | None
    assignee: str | None
    tags: list[str]
    coin: str
    network: str
    txid: str
    amount: Decimal | None
    address: str
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None


class ConversationDetailOut(ConversationOut):
    customer: CustomerOut
    events: list[EventOut]


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=20_000)
    kind: Literal["reply", "note", "customer"] = "reply"
    status: StatusCode | None = Field(None, description="For replies: set this status too")


class StatusIn(Schema):
    status: StatusCode


class ListFilters(Schema):
    status: StatusCode | None = None
    priority: PriorityCode | None = None
    channel: ChannelCode | None = None
    customer_uid: str | None = Field(None, max_length=64)
    page: int = Field(1, ge=1, le=10_000)


class ConversationPage(Schema):
    items: list[ConversationOut]
    count: int


def _out(conversation: Conversation, tags: list[str] | None = None) -> dict:
    return {
        "id": conversation.pk,
        "reference": conversation.reference,
        "subject": conversation.subject,
        "channel": conversation.channel,
        "status": conversation.status,
        "priority": conversation.priority,
        "language": conversation.language,
        "team": conversation.team.slug if conversation.team else None,
        "assignee": conversation.assignee.username if conversation.assignee else None,
        "tags": tags if tags is not None else [t.name for t in conversation.tags.all()],
        "coin": conversation.coin,
        "network": conversation.network,
        "txid": conversation.txid,
        "amount": conversation.amount,
        "address": conversation.address,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "first_response_at": conversation.first_response_at,
        "solved_at": conversation.solved_at,
    }


def _detail(request, conversation: Conversation) -> dict:
    view = customer_view(conversation.customer, request.user)
    events = conversation.events.select_related("author_user", "author_customer")
    return {
        **_out(conversation),
        "customer": {
            "uid": view.uid,
            "display_name": view.display_name,
            "email": view.email,
            "vip_tier": view.vip_tier,
            "kyc_level": view.kyc_level,
        },
        "events": [_event_out(e) for e in events],
    }


def _event_out(event: Event) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "author": event.author_user.username if event.author_user else None,
        "body": event.body,
        "data": event.data,
        "created_at": event.created_at,
    }


@router.post("", response={201: ConversationOut})
def create_conversation(request, payload: ConversationIn):
    if not (payload.customer.uid or payload.customer.email):
        raise DjangoValidationError({"customer": "Give the customer's uid or email."})
    category = services.check_category(payload.category) if payload.category else None
    key = request.headers.get("Idempotency-Key", "")[:100]
    conversation = services.do_receive_request(
        external_key=f"{request.user.pk}:{key}" if key else None,
        uid=payload.customer.uid or "",
        email=payload.customer.email or "",
        name=payload.customer.name or "",
        customer_language=payload.customer.language,
        subject=payload.subject,
        body=payload.body,
        channel=Channel(payload.channel),
        language=payload.language,
        category=category,
        priority=Priority(payload.priority) if payload.priority else None,
        fields=payload.fields.dict(exclude_none=True),
        tags=payload.tags,
    )
    if key:  # possibly a retry: answer with what is stored
        return HttpStatus(201, _out(conversation))
    # The tags were just set from the payload: no need to read them back.
    return HttpStatus(201, _out(conversation, tags=services.clean_tag_names(payload.tags)))


@router.get("", response=ConversationPage)
def list_conversations(request, filters: Query[ListFilters]):
    conversations = selectors.visible_conversations(request.user)
    if filters.status:
        conversations = conversations.filter(status=filters.status)
    if filters.priority:
        conversations = conversations.filter(priority=filters.priority)
    if filters.channel:
        conversations = conversations.filter(channel=filters.channel)
    if filters.customer_uid:
        conversations = conversations.filter(customer__uid=filters.customer_uid)
    start = (filters.page - 1) * PAGE_SIZE
    page = (
        conversations.select_related("team", "assignee")
        .prefetch_related("tags")
        .order_by("-updated_at", "-id")[start : start + PAGE_SIZE]
    )
    return {"items": [_out(c) for c in page], "count": conversations.count()}


@router.get("/{int:conversation_id}", response=ConversationDetailOut)
def get_conversation(request, conversation_id: int):
    conversation = selectors.access_conversation(request.user, conversation_id)
    audit.record(
        request.user,
        AuditAction.API_READ,
        conversation,
        customer=conversation.customer,
        request=request,
    )
    return _detail(request, conversation)


@router.post("/{int:conversation_id}/messages", response={201: EventOut})
def post_message(request, conversation_id: int, payload: MessageIn):
    conversation = selectors.access_conversation(request.user, conversation_id)
    client_id = request.headers.get("Idempotency-Key") or None
    if payload.kind == "reply":
        event = services.do_reply(
            conversation, request.user, payload.body, status=payload.status, client_id=client_id
        )
    elif payload.kind == "note":
        event = services.do_add_note(conversation, request.user, payload.body, client_id=client_id)
    else:
        # The integration relays what the customer wrote in the exchange's own app.
        services.check_can_answer(request.user, conversation)
        event = services.do_add_customer_message(conversation, payload.body, client_id=client_id)
    return HttpStatus(201, _event_out(event))


@router.post("/{int:conversation_id}/status", response=ConversationOut)
def change_status(request, conversation_id: int, payload: StatusIn):
    conversation = selectors.access_conversation(request.user, conversation_id)
    services.do_change_status(conversation, request.user, Status(payload.status))
    return _out(selectors.access_conversation(request.user, conversation.pk))
