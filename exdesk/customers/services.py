from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Lower

from exdesk.core import plainsql

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
        customer = contacts_by_email([email]).get(email.lower())
        if customer is not None and uid:
            customer.uid = uid
            customer.save(update_fields=["uid"])
    if customer is None:
        customer = create_customer(
            uid=uid, email=email, display_name=display_name, language=language
        )
    return customer


def create_customer(
    *,
    uid: str = "",
    email: str = "",
    display_name: str = "",
    language: str = "en",
    simulated: bool = False,
) -> Customer:
    return plainsql.insert(
        Customer(
            uid=uid or None,
            email=email,
            display_name=display_name,
            language=language,
            simulated=simulated,
        )
    )


def contacts_by_email(addresses: Iterable[str]) -> dict[str, Customer]:
    """What ``find_or_create_customer`` would find for each of these addresses (an e-mail
    alone matches only a contact without a UID; the oldest one), in one query. Keyed by
    the lower-cased address; addresses without a contact are absent."""
    # LOWER(email) IN … uses the customer_email_lower index; iexact (LIKE) would not.
    lowered = {a.lower() for a in addresses if a}
    if not lowered:
        return {}
    found: dict[str, Customer] = {}
    contacts = Customer.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=lowered, uid__isnull=True
    )
    for customer in contacts.order_by("-pk"):
        found[customer.email.lower()] = customer  # the oldest is written last
    return found
