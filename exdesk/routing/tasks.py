"""Routing in the task queue: after every change that may let a conversation move, and
once a minute as a safety net (a lost task, a clock-driven change)."""

from __future__ import annotations

import threading
import time

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from . import services

# When this process last began a routing pass: a request made before it was seen by it.
_last_started = 0.0
_started_lock = threading.Lock()


@db_task()
def route_waiting(requested_at: float | None = None) -> None:
    """One routing pass. A burst of new conversations queues many requests; those that
    a pass begun after them has already covered cost nothing."""
    if not settings.ROUTING_ENABLED:
        return
    with _started_lock:
        if requested_at is not None and requested_at < _last_started:
            return
    if not _one_pass():
        # Another pass is running and may have read the queue before this request's
        # change: look again shortly.
        route_waiting.schedule((time.time(),), delay=1)


def _one_pass(*, look_for_absent_agents: bool = False) -> bool:
    """Passes never overlap (two would hand out the same free capacity twice)."""
    global _last_started
    try:
        with HUEY.lock_task("route-waiting"):
            with _started_lock:
                _last_started = time.time()
            if look_for_absent_agents:
                services.hand_back_from_absent_agents()
            services.route_waiting()
        return True
    except TaskLockedException:
        return False


# Requests within this long of each other share one pass: a burst of new chats (a market
# crash) asks for hundreds.
GATHER_SECONDS = 1


def request_routing() -> None:
    if HUEY.immediate:  # tests: run now, as the change's effect is checked at once
        route_waiting(time.time())
    else:
        route_waiting.schedule((time.time(),), delay=GATHER_SECONDS)


@db_periodic_task(crontab(minute="*"))
def route_every_minute() -> None:
    if settings.ROUTING_ENABLED:
        # A console counts as silent only after minutes: once a minute is soon enough.
        _one_pass(look_for_absent_agents=True)
