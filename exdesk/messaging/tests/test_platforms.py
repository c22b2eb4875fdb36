"""What every messaging platform shares: each update stored once, one conversation per
sender, identities linked to a customer only when proven, and the console's channel pages
(quarantined mail, linking an identity)."""

import time

import pytest
from django.core.exceptions import ValidationError

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditAction, AuditEntry
from exdesk.conversations.choices import Channel, EventKind, Status
from exdesk.conversations.models import Conversation
from exdesk.customers.models import Customer
from exdesk.messaging import services
from exdesk.messaging.models import ChannelIdentity, InboundMail, MailState

from .mails import mail

pytestmark = pytest.mark.django_db(transaction=True)


def dm(sender="1001", update="u1", text="My withdrawal is stuck", **extra):
    return services.receive_platform_message(
        platform="x", external_id=sender, update_key=update, text=text, **extra
    )


def test_a_platform_retry_is_stored_once():
    first = dm(update="777")
    again = dm(update="777")
    assert first.event is not None and again.event is None
    assert again.conversation.pk == first.conversation.pk
    assert first.conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_one_running_conversation_per_sender_and_none_shared():
    first = dm(sender="1001", update="a", handle="trader_one", display_name="Trader One")
    second = dm(sender="1001", update="b", text="Any news?")
    other = dm(sender="2002", update="c", display_name="Trader One")  # same name, other person
    assert first.conversation.pk == second.conversation.pk
    assert first.conversation.channel == Channel.SOCIAL
    assert other.conversation.pk != first.conversation.pk
    assert other.conversation.customer_id != first.conversation.customer_id
    assert ChannelIdentity.objects.count() == 2


def test_a_closed_conversation_is_not_reopened_by_a_new_message():
    first = dm(update="a")
    Conversation.objects.filter(pk=first.conversation.pk).update(status=Status.CLOSED)
    later = dm(update="b", text="New question about fees")
    assert later.conversation.pk != first.conversation.pk
    assert later.identity.pk == first.identity.pk


def test_a_name_never_attaches_a_sender_to_an_existing_customer():
    known = testing.customer(uid="U-100", email="li.wei@example.com")
    received = dm(display_name=str(known), handle="li.wei@example.com")
    assert received.conversation.customer_id != known.pk
    assert not received.identity.verified


def test_secrets_are_masked_before_storage_and_the_sender_warned():
    phrase = (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about"
    )
    received = dm(text=f"support asked for my words: {phrase}")
    assert phrase not in received.event.body
    warning = received.conversation.events.filter(kind=EventKind.AGENT_REPLY).first()
    assert warning is not None and warning.data.get("guard")


def test_a_message_without_sender_or_update_is_refused():
    with pytest.raises(ValidationError):
        dm(sender=" ")
    with pytest.raises(ValidationError):
        dm(update="")
    assert not Conversation.objects.exists()


def test_refused_attachments_are_listed_not_dropped():
    received = dm(
        text="screenshot attached",
        uploads=(("tx.png", testing.PNG_BYTES), ("tx2.png", b"MZ\x90\x00" + b"\x00" * 100)),
    )
    assert [a.original_name for a in received.event.attachments.all()] == ["tx.png"]
    assert "tx2.png" in received.event.body


def test_link_tokens_name_a_uid_until_they_expire(settings):
    settings.CHAT_IDENTITY_SECRET = "shared-with-the-exchange"
    token = services.link_token("U12345", valid_seconds=60)
    assert len(token) <= 64
    assert services.uid_from_link_token(token) == "U12345"
    assert services.uid_from_link_token(token, now=time.time() + 120) is None
    _uid, expires, signature = token.split("_", 2)
    assert services.uid_from_link_token(f"U99999_{expires}_{signature}") is None
    assert services.uid_from_link_token("garbage") is None
    settings.CHAT_IDENTITY_SECRET = "another-secret"
    assert services.uid_from_link_token(token) is None


def test_the_exchange_signed_link_attaches_the_identity_and_its_conversations(settings):
    settings.CHAT_IDENTITY_SECRET = "shared-with-the-exchange"
    received = dm()
    customer = services.link_identity_by_token(received.identity, services.link_token("U777"))
    assert customer is not None and customer.uid == "U777"
    received.identity.refresh_from_db()
    assert received.identity.verified and received.identity.verified_by == "exchange"
    assert Conversation.objects.get(pk=received.conversation.pk).customer_id == customer.pk
    later = dm(update="u2", text="Thanks")
    assert later.conversation.customer_id == customer.pk


def test_a_verified_identity_cannot_be_moved_to_someone_else():
    agent = testing.staff("agent1")
    received = dm()
    first = testing.customer(uid="U-1")
    second = testing.customer(uid="U-2")
    services.link_identity(received.identity, first, by="agent", actor=agent)
    with pytest.raises(ValidationError):
        services.link_identity(received.identity, second, by="agent", actor=agent)


def test_an_agent_links_an_identity_from_the_conversation_and_it_is_audited():
    agent = testing.staff("agent1")
    known = testing.customer(uid="U-555", email="li.wei@example.com")
    received = dm()
    client = testing.signed_in(agent)
    page = client.get(f"/console/c/{received.conversation.pk}/")
    assert b"Link to customer" in page.content
    url = f"/console/channels/identities/{received.identity.pk}/link/"
    missing = client.post(url, {"reference": "U-404", "conversation": received.conversation.pk})
    assert missing.status_code == 302
    received.identity.refresh_from_db()
    assert not received.identity.verified
    client.post(url, {"reference": "li.wei@example.com", "conversation": received.conversation.pk})
    received.identity.refresh_from_db()
    assert received.identity.customer_id == known.pk
    assert received.identity.verified_by == f"agent:{agent.pk}"
    entry = AuditEntry.objects.get(action=AuditAction.MERGE_IDENTITY)
    assert entry.actor == agent and entry.customer == known
    profile = client.get(f"/console/customers/{known.pk}/")
    assert received.conversation.reference.encode() in profile.content


def test_an_agent_who_cannot_see_the_conversation_cannot_link_its_identity():
    received = dm()
    Conversation.objects.filter(pk=received.conversation.pk).update(team=testing.team("general"))
    testing.customer(uid="U-1")
    stranger = testing.staff("other", teams=("vip",))
    response = testing.signed_in(stranger).post(
        f"/console/channels/identities/{received.identity.pk}/link/", {"reference": "U-1"}
    )
    assert response.status_code in (403, 404)
    assert not AuditEntry.objects.filter(action=AuditAction.MERGE_IDENTITY).exists()


# ---------------------------------------------------------------- quarantine console


def quarantined() -> InboundMail:
    Customer.objects.create(email="li.wei@example.com", display_name="Li Wei")
    stored, _created = services.store_inbound(
        mail(
            sender="li.wei@example.com",
            subject="Reset my 2FA",
            headers={"Authentication-Results": "mx.exdesk.invalid; spf=fail; dmarc=fail"},
        ),
        via="smtp",
    )
    stored.refresh_from_db()
    assert stored.state == MailState.QUARANTINED
    return stored


def test_only_supervisors_and_admins_see_the_quarantine():
    held = quarantined()
    assert (
        testing.signed_in(testing.staff("agent1"))
        .get("/console/channels/mail/quarantine/")
        .status_code
        == 403
    )
    supervisor = testing.signed_in(testing.staff("boss", role=Role.SUPERVISOR))
    page = supervisor.get("/console/channels/mail/quarantine/")
    assert page.status_code == 200
    assert b"Reset my 2FA" in page.content and b"DMARC failed" in page.content
    raw = supervisor.get(f"/console/channels/mail/{held.pk}/raw/")
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_RAW_MAIL).count() == 1


def test_a_released_mail_opens_a_conversation_for_a_new_unverified_customer():
    held = quarantined()
    boss = testing.staff("boss", role=Role.SUPERVISOR)
    response = testing.signed_in(boss).post(f"/console/channels/mail/{held.pk}/release/")
    assert response.status_code == 302
    held.refresh_from_db()
    conversation = held.conversation
    assert conversation is not None and held.reviewed_by == boss
    claimed = Customer.objects.get(email="li.wei@example.com", display_name="Li Wei")
    assert conversation.customer_id != claimed.pk  # never merged into the claimed customer
    note = conversation.events.filter(kind=EventKind.INTERNAL_NOTE).first()
    assert "Released from quarantine" in note.body
    again = testing.signed_in(boss).post(f"/console/channels/mail/{held.pk}/release/")
    assert again.status_code == 302
    assert Conversation.objects.count() == 1  # a second release does nothing


def test_a_dismissed_mail_stays_stored():
    held = quarantined()
    boss = testing.signed_in(testing.staff("boss", role=Role.SUPERVISOR))
    boss.post(f"/console/channels/mail/{held.pk}/dismiss/")
    held.refresh_from_db()
    assert held.reviewed_at is not None and held.raw
    assert b"Reset my 2FA" not in boss.get("/console/channels/mail/quarantine/").content
    assert b"Reset my 2FA" in boss.get("/console/channels/mail/quarantine/?show=reviewed").content
