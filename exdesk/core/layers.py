"""The channel layer of a single process (no Redis): Channels' in-memory layer, made
cheap per message.

Channels' own in-memory layer sweeps every channel and every group membership on each
``receive`` and ``group_send`` and deep-copies each message per recipient. With a
thousand chat sockets that sweep costs milliseconds per message and dominated the chat's
CPU (docs/decisions/0003-one-process-without-redis.md). Here the sweep runs at most once
a second, messages are shared between recipients (consumers treat them as read-only),
and a group send puts straight into each queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer

SWEEP_EVERY_SECONDS = 1.0


class LocalChannelLayer(InMemoryChannelLayer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._swept_at = 0.0

    def _sweep(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= SWEEP_EVERY_SECONDS:
            self._swept_at = now
            self._clean_expired()

    def _put(self, channel: str, message: dict) -> None:
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        try:
            queue.put_nowait((time.time() + self.expiry, message))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        self._put(channel, message)

    async def receive(self, channel):
        self.require_valid_channel_name(channel)
        self._sweep()
        queue = self.channels.get(channel)
        if queue is None:
            queue = self.channels[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        try:
            _, message = await queue.get()
        finally:
            if queue.empty():
                self.channels.pop(channel, None)
        return message

    async def group_send(self, group, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        self._sweep()
        for channel in list(self.groups.get(group, {})):
            # As Channels does, a full queue loses this copy. exdesk never relies on the
            # layer alone: the client's sync reads what it missed.
            with contextlib.suppress(ChannelFull):
                self._put(channel, message)
