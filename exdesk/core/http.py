"""Small facts about a request that several domains need."""

from __future__ import annotations


def client_ip(request) -> str | None:
    # Behind a proxy, the ASGI server fills REMOTE_ADDR from the trusted forwarding header
    # (FORWARDED_ALLOW_IPS); the application never parses X-Forwarded-For itself.
    return request.META.get("REMOTE_ADDR") or None
