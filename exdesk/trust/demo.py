"""The demo exchange's official channels ("Demo Exchange", exdesk/chat's demo page).

Fictional values: ``.example`` is reserved for examples (RFC 2606) and +44 20 7946 0xxx
is the UK range set aside for drama."""

from __future__ import annotations

from .choices import ChannelKind
from .models import OfficialChannel

BRAND = "Demo Exchange"
DOMAIN = "demoexchange.example"

# kind, value, label, domain flags (covers_subdomains, any_address_at_domain)
ENTRIES = [
    (ChannelKind.DOMAIN, DOMAIN, "Website and app downloads", (True, False)),
    (ChannelKind.EMAIL, f"support@{DOMAIN}", "Support e-mail", (False, False)),
    (ChannelKind.EMAIL, f"noreply@{DOMAIN}", "Account notifications", (False, False)),
    (ChannelKind.TELEGRAM, "@DemoExchange", "Announcements channel (no private messages)", None),
    (ChannelKind.X, "@DemoExchange", "News on X", None),
    (ChannelKind.PHONE, "+44 20 7946 0958", "Phone support (callback only)", None),
]


def seed_demo_channels(actor) -> int:
    """Add the demo entries that are missing, as ``actor`` (an administrator), through the
    registry's service; returns how many were added. Idempotent."""
    from . import lookalike, services

    added = 0
    for kind, value, label, flags in ENTRIES:
        normalized = lookalike.normalize(kind, value)
        if OfficialChannel.objects.filter(kind=kind, normalized=normalized).exists():
            continue
        covers, any_address = flags or (False, False)
        services.add_channel(
            actor,
            kind=kind,
            value=value,
            label=label,
            covers_subdomains=covers,
            any_address_at_domain=any_address,
        )
        added += 1
    return added
