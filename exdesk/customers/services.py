from __future__ import annotations

from .models import Customer


def find_or_create_customer(
    *, uid: str = "", email: str = "", display_name: str = "", language: str = "en"
) -> Customer:
    """The customer record for a request: by exchange UID first, then by e-mail."""
    customer = None
    if uid:
        customer = Customer.objects.filter(uid=uid).first()
    if customer is None and email:
        customer = Customer.objects.filter(email__iexact=email, uid__isnull=True).first()
        if customer is not None and uid:
            customer.uid = uid
            customer.save(update_fields=["uid"])
    if customer is None:
        customer = Customer.objects.create(
            uid=uid or None, email=email, display_name=display_name, language=language
        )
    return customer
