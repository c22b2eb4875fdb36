import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.exceptions import ChannelFull

from exdesk.core import layers
from exdesk.core.layers import LocalChannelLayer


def run(coroutine):
    # A thread of its own: a browser test may have left its event loop on this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, asyncio.wait_for(coroutine, 5)).result()


def test_a_group_send_reaches_every_member_once_in_order():
    async def scenario():
        layer = LocalChannelLayer(capacity=10)
        a, b = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("conversation.1", a)
        await layer.group_add("conversation.1", b)
        await layer.group_add("conversation.2", b)
        for n in range(3):
            await layer.group_send("conversation.1", {"type": "x", "n": n})
        await layer.group_send("conversation.2", {"type": "x", "n": "other"})
        got_a = [(await layer.receive(a))["n"] for _ in range(3)]
        got_b = [(await layer.receive(b))["n"] for _ in range(4)]
        return got_a, got_b, layer.channels

    got_a, got_b, channels = run(scenario())
    assert got_a == [0, 1, 2]
    assert got_b == [0, 1, 2, "other"]
    assert channels == {}  # drained queues are dropped


def test_a_full_queue_loses_a_group_copy_but_a_direct_send_says_so():
    async def scenario():
        layer = LocalChannelLayer(capacity=1)
        channel = await layer.new_channel()
        await layer.group_add("g", channel)
        await layer.group_send("g", {"type": "x", "n": 1})
        await layer.group_send("g", {"type": "x", "n": 2})  # silently lost, as in Channels
        with pytest.raises(ChannelFull):
            await layer.send(channel, {"type": "x", "n": 3})
        return (await layer.receive(channel))["n"]

    assert run(scenario()) == 1


def test_expired_messages_are_swept_at_most_once_a_second(monkeypatch):
    async def scenario():
        layer = LocalChannelLayer(expiry=1)
        stale, fresh = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("g", stale)
        await layer.send(stale, {"type": "old"})
        layer.channels[stale]._queue[0] = (time.time() - 5, {"type": "old"})
        monkeypatch.setattr(layers, "SWEEP_EVERY_SECONDS", 0)
        await layer.send(fresh, {"type": "new"})
        message = await layer.receive(fresh)  # receiving sweeps
        return message, stale in layer.channels, stale in layer.groups.get("g", {})

    message, stale_queue_left, stale_still_member = run(scenario())
    assert message == {"type": "new"}
    assert not stale_queue_left and not stale_still_member
