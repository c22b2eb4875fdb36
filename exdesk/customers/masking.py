"""Personal data shown to staff: in full to roles that need it, masked to the others."""

from __future__ import annotations

from dataclasses import dataclass

from exdesk.accounts.permissions import sees_customer_pii

from .models import Customer


def mask_email(email: str) -> str:
    if "@" not in email:
        return mask_text(email)
    local, domain = email.rsplit("@", 1)
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}" if host else f"{local[:1]}***@{domain}"


def mask_text(value: str) -> str:
    if not value:
        return ""
    return value[:1] + "***"


@dataclass(frozen=True)
class CustomerView:
    """What one staff member may see of one customer."""

    pk: int
    uid: str
    display_name: str
    email: str
    language: str
    vip_tier: int
    kyc_level: int
    kyc_label: str
    masked: bool


def customer_view(customer: Customer, user) -> CustomerView:
    masked = not sees_customer_pii(user)
    return CustomerView(
        pk=customer.pk,
        uid=customer.uid or "",
        display_name=mask_text(customer.display_name) if masked else customer.display_name,
        email=mask_email(customer.email) if masked else customer.email,
        language=customer.language,
        vip_tier=customer.vip_tier,
        kyc_level=customer.kyc_level,
        kyc_label=str(customer.get_kyc_level_display()),
        masked=masked,
    )
