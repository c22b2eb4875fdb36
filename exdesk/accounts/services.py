"""Staff sign-in: password, then a TOTP second factor, with brute-force lockout."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from exdesk.core.http import client_ip

from .models import LoginFailure, User

# An IP address gets more tries than one account, so a shared office NAT is not locked
# out by one person, but a spray over many accounts still is.
IP_FAILURE_FACTOR = 4


@dataclass(frozen=True)
class Lockout:
    locked: bool
    retry_after_seconds: int = 0


def check_lockout(username: str, ip_address: str | None) -> Lockout:
    window_start = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginFailure.objects.filter(created_at__gte=window_start)
    by_user = recent.filter(username=username.lower()).order_by("-created_at")
    by_ip = recent.filter(ip_address=ip_address).order_by("-created_at") if ip_address else None
    limit = settings.LOGIN_MAX_FAILURES
    for failures, cap in ((by_user, limit), (by_ip, limit * IP_FAILURE_FACTOR)):
        if failures is None:
            continue
        rows = list(failures.values_list("created_at", flat=True)[:cap])
        if len(rows) >= cap:
            # Locked until the oldest of the counted failures leaves the window.
            unlock_at = rows[-1] + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            return Lockout(True, max(1, int((unlock_at - timezone.now()).total_seconds())))
    return Lockout(False)


def record_failure(username: str, ip_address: str | None, stage: str) -> None:
    LoginFailure.objects.create(username=username.lower(), ip_address=ip_address, stage=stage)


def check_password_step(request, username: str, password: str) -> User | None:
    """First factor. Returns the user, or None (and records the failure)."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        record_failure(username, client_ip(request), "password")
        return None
    return user


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device a user is enrolling, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def check_totp(request, user: User, device: TOTPDevice, code: str) -> bool:
    """Second factor. django-otp refuses reused codes and throttles guessing."""
    code = code.strip().replace(" ", "")
    if code.isdigit() and device.verify_token(code):
        return True
    record_failure(user.username, client_ip(request), "otp")
    return False


@transaction.atomic
def do_confirm_enrollment(user: User, device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    label = f"{settings.OTP_TOTP_ISSUER}:{device.user.username}"
    return (
        f"otpauth://totp/{label}?secret={totp_secret_base32(device)}"
        f"&issuer={settings.OTP_TOTP_ISSUER}&digits={device.digits}&period={device.step}"
    )


def qr_code_data_uri(device: TOTPDevice) -> str:
    return segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=4)
