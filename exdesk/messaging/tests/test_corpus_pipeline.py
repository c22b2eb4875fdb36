"""The hostile corpus through the whole pipeline: stored (or clearly refused), read into
a conversation or quarantined with a reason, and nothing of it active in the console.
A known customer, alice@customer.example, exists first: her mail (passing, or carrying
no verdict) is read into conversations like anyone's."""

import re

import pytest

from exdesk import testing
from exdesk.conversations.choices import EventKind
from exdesk.customers.models import Customer
from exdesk.messaging import services
from exdesk.messaging.mail.tests.corpus import CORPUS
from exdesk.messaging.models import InboundMail, MailState

pytestmark = pytest.mark.django_db

# Where each case must end. Every other case opens (or joins) a conversation.
REFUSED = {"oversized": "too_large"}
QUARANTINED = {
    "ten_thousand_parts": "unparseable",
    "deep_nesting": "unparseable",
    "no_from": "no_sender",
}
# DMARC failed (the topmost header; a forged "pass" below it does not count), from an
# address that is no customer's: a conversation, marked unverified for the agent.
UNVERIFIED = {"auth_first_wins"}
ACTIVE = re.compile(
    r"<script(?![^>]*\bsrc=)|javascript:|\bon(?:click|error|load)=|<iframe|tracker\.example",
    re.IGNORECASE,
)


@pytest.fixture
def desk(settings):
    settings.MAIL_PER_SENDER_PER_HOUR = 10_000  # the corpus comes mostly from one sender
    Customer.objects.create(email="alice@customer.example", display_name="Alice Customer")
    return testing.signed_in(testing.staff("agent1"))


def test_the_corpus_is_the_parsers_corpus():
    assert len(CORPUS) >= 40
    assert set(REFUSED) | set(QUARANTINED) <= {case.name for case in CORPUS}


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_each_hostile_message_ends_where_it_should(case, desk):
    if case.name in REFUSED:
        with pytest.raises(services.MailRefused) as refused:
            services.store_inbound(case.raw, via="smtp")
        assert refused.value.code == REFUSED[case.name] and not refused.value.temporary
        assert not InboundMail.objects.exists()  # refused before anything was stored
        return
    stored, created = services.store_inbound(case.raw, via="smtp")
    assert created
    services.ingest(stored.pk)  # what the task queue does after the commit
    stored.refresh_from_db()
    assert bytes(stored.raw) == case.raw  # the raw copy is exactly what arrived
    if case.name in QUARANTINED:
        assert stored.state == MailState.QUARANTINED
        assert stored.reason == QUARANTINED[case.name]
        assert stored.conversation is None
        return
    assert stored.state == MailState.PROCESSED, (stored.reason, stored.detail)
    conversation = stored.conversation
    assert conversation.customer.email == stored.sender
    message = conversation.events.get(kind=EventKind.CUSTOMER_MESSAGE)
    assert message.body.strip()
    notes = " ".join(
        conversation.events.filter(kind=EventKind.INTERNAL_NOTE).values_list("body", flat=True)
    )
    assert ("could not be verified" in notes) == (case.name in UNVERIFIED)
    page = desk.get(f"/console/c/{conversation.pk}/")
    assert page.status_code == 200
    found = ACTIVE.search(page.content.decode())
    assert found is None, f"active content in the console: {found.group(0)!r}"
