"""Fixed-window rate limits on the cache (Redis in production, per process otherwise)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for ``key``; False once more than ``limit`` fall in the window."""
    bucket = f"ratelimit:{key}:{int(time.time() // window_seconds)}"
    cache.add(bucket, 0, timeout=window_seconds)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr: this attempt opens a new window
        cache.add(bucket, 1, timeout=window_seconds)
        count = 1
    return count <= limit
