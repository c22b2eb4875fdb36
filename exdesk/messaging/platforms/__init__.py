"""Adapters for messaging platforms. Each one checks the platform's signatures on the
way in and calls ``services.receive_platform_message``; on the way out it implements
``send(identity, event) -> platform message id``, raising ``services.DeliveryFailed``,
and ``configured() -> bool`` (its credentials are set)."""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from exdesk.conversations.models import Event

from ..models import ChannelIdentity, Platform


class Adapter(Protocol):
    def configured(self) -> bool: ...

    def send(self, identity: ChannelIdentity, event: Event) -> str: ...


_MODULES = {
    Platform.TELEGRAM: "exdesk.messaging.platforms.telegram",
    Platform.X: "exdesk.messaging.platforms.x",
    Platform.FACEBOOK: "exdesk.messaging.platforms.facebook",
}


def adapter_for(platform: str) -> Adapter:
    """The module of the platform: each defines ``send``."""
    return import_module(_MODULES[Platform(platform)])
