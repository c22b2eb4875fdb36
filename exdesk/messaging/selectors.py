"""What the console reads of the channels, through the access rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404

from exdesk.accounts.permissions import manages_channels
from exdesk.conversations import selectors as conversation_selectors
from exdesk.conversations.choices import PLATFORM_CHANNELS, Channel
from exdesk.conversations.models import Conversation

from .models import ChannelIdentity, InboundMail, MailState


def quarantine(user, *, reviewed: bool = False):
    if not manages_channels(user):
        raise PermissionDenied
    held = InboundMail.objects.filter(state=MailState.QUARANTINED).defer("raw")
    held = held.filter(reviewed_at__isnull=not reviewed).select_related("reviewed_by")
    return held.order_by("-received_at", "-pk")


def access_inbound_mail(user, pk: int) -> InboundMail:
    if not manages_channels(user):
        raise PermissionDenied
    mail = InboundMail.objects.filter(pk=pk, state=MailState.QUARANTINED).first()
    if mail is None:
        raise Http404
    return mail


def access_identity(user, pk: int) -> ChannelIdentity:
    """An identity the user may act on: one of a conversation they can see."""
    identity = ChannelIdentity.objects.select_related("customer").filter(pk=pk).first()
    if identity is None:
        raise Http404
    visible = conversation_selectors.visible_conversations(user)
    if not visible.filter(channel_thread__identity=identity).exists():
        raise Http404
    return identity


def identities_of(customer) -> list[ChannelIdentity]:
    return list(ChannelIdentity.objects.filter(customer=customer).order_by("platform", "pk"))


def quoted_history_of(conversation: Conversation) -> dict[int, str]:
    """The quoted history folded away under each e-mail message, keyed by event id."""
    rows = InboundMail.objects.filter(conversation=conversation, event__isnull=False)
    return dict(rows.exclude(quoted="").values_list("event_id", "quoted"))


def platform_delivery_of(conversation: Conversation) -> dict:
    """Each relayed reply's delivery (state, error, attempts), keyed by event id, shaped
    like an e-mail's so the console shows both the same way."""
    from .models import PlatformDelivery

    rows = PlatformDelivery.objects.filter(event__conversation=conversation).select_related(
        "identity"
    )
    return {row.event_id: row for row in rows}


@dataclass
class ChannelDetails:
    delivery: dict = field(default_factory=dict)  # event id → OutboundMail / PlatformDelivery
    quoted: dict[int, str] = field(default_factory=dict)  # event id → quoted history
    identity: ChannelIdentity | None = None


def channel_details(conversation: Conversation) -> ChannelDetails:
    """What the conversation page shows of the channel, reading only what the
    conversation's channel can have (a chat has none of it)."""
    from . import outbound, services

    details = ChannelDetails()
    if conversation.channel in PLATFORM_CHANNELS:
        details.delivery = platform_delivery_of(conversation)
    elif conversation.channel != Channel.CHAT:
        details.delivery = outbound.delivery_of(conversation)
    if conversation.channel == Channel.EMAIL:
        details.quoted = quoted_history_of(conversation)
    if conversation.channel in PLATFORM_CHANNELS | {Channel.PHONE}:
        details.identity = services.identity_of(conversation)
    return details
