"""One-line set-up for tests: staff, customers, conversations, signed-in clients."""

from __future__ import annotations

import itertools
import os

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from exdesk.accounts.choices import Role
from exdesk.accounts.models import ApiToken, Team, User
from exdesk.conversations import services
from exdesk.conversations.models import Category, Conversation
from exdesk.customers.models import Customer

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def team(slug: str) -> Team:
    return Team.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]


def staff(username: str, role: str = Role.AGENT, teams: tuple[str, ...] = ("general",)) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role)
    user.teams.set([team(slug) for slug in teams])
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def device_code(device: TOTPDevice) -> str:
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def current_code(user: User) -> str:
    return device_code(TOTPDevice.objects.get(user=user, confirmed=True))


def category(slug: str = "deposit", team_slug: str = "general", priority: str = "p2") -> Category:
    return Category.objects.get_or_create(
        slug=slug,
        defaults={
            "name_en": slug.title(),
            "name_zh_hans": slug,
            "team": team(team_slug),
            "default_priority": priority,
        },
    )[0]


def customer(uid: str | None = None, email: str | None = None, **extra) -> Customer:
    n = next(_counter)
    return Customer.objects.create(
        uid=uid if uid is not None else f"u{n:07d}",
        email=email if email is not None else f"trader{n}@example.com",
        display_name=extra.pop("display_name", f"Trader {n}"),
        **extra,
    )


def conversation(
    team_slug: str = "general",
    subject: str = "Deposit not credited",
    body: str = "My USDT deposit has not arrived.",
    who: Customer | None = None,
    **extra,
) -> Conversation:
    return services.do_create_conversation(
        customer=who or customer(),
        subject=subject,
        body=body,
        category=category(f"cat-{team_slug}", team_slug),
        notify_customer=False,
        **extra,
    )


def signed_in(user: User, client: Client | None = None) -> Client:
    """A client with a session that passed both factors, as after the real sign-in."""
    client = client or Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


def api_client(user: User) -> tuple[Client, dict]:
    _token, key = ApiToken.issue(user, "test")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# A real 1x1 PNG (signature, IHDR, IDAT, IEND).
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005050201a5b1e4d5"
    "0000000049454e44ae426082"
)


def require(condition: bool, reason: str) -> None:
    """Skip a test whose outside dependency is missing; under CI=true, fail instead."""
    import pytest

    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)")
    pytest.skip(reason)


def session_cookie(user: User) -> str:
    """A ``Cookie`` header value for a verified staff session (for a socket client)."""
    from django.conf import settings

    client = signed_in(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
