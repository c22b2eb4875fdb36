from __future__ import annotations

from django.db.models.functions import Lower

from .models import Customer


def find_or_create_customer(
    *, uid: str = "", email: str = "", display_name: str = "", language: str = "en"
) -> Customer:
    """The customer record for a request: by exchange UID first, then by e-mail.

    An e-mail alone only ever matches a contact without a UID: typing someone's address
    into a form must not attach the request to their verified account.
    """
    customer = None
    if uid:
        customer = Customer.objects.filter(uid=uid).order_by().first()
    if customer is None and email:
        # LOWER(email) = … uses the customer_email_lower index; iexact (LIKE) would not.
        customer = (
            Customer.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower=email.lower(), uid__isnull=True)
            .order_by("pk")
            .first()
        )
        if customer is not None and uid:
            customer.uid = uid
            customer.save(update_fields=["uid"])
    if customer is None:
        customer = Customer.objects.create(
            uid=uid or None, email=email, display_name=display_name, language=language
        )
    return customer
