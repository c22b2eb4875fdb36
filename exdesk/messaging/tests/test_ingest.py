"""E-mail in: stored once, read into the right conversation, never into someone else's."""

import pytest
from django.core import mail as outbox

from exdesk import testing
from exdesk.conversations.choices import Channel, EventKind
from exdesk.conversations.models import Conversation
from exdesk.customers.models import Customer
from exdesk.messaging import services
from exdesk.messaging.models import InboundMail, MailParticipant, MailState, MailThread
from exdesk.messaging.outbound import reply_address

from .mails import mail

pytestmark = pytest.mark.django_db(transaction=True)


def receive(raw: bytes, *to: str) -> InboundMail:
    """Store as the SMTP receiver does; the task queue (inline in tests) reads it."""
    stored, _created = services.store_inbound(raw, via="smtp", envelope_to=to)
    stored.refresh_from_db()
    return stored


def test_a_new_mail_opens_an_email_conversation():
    stored = receive(mail(sender="Li Wei <li.wei@example.com>"))
    assert stored.state == MailState.PROCESSED
    conversation = stored.conversation
    assert conversation.channel == Channel.EMAIL
    assert conversation.customer.email == "li.wei@example.com"
    assert conversation.customer.display_name == "Li Wei"
    assert "has not arrived" in stored.event.body
    assert MailThread.objects.filter(conversation=conversation).exists()


def test_the_same_message_twice_is_stored_and_read_once():
    raw = mail()
    first, created = services.store_inbound(raw, via="smtp")
    again, created_again = services.store_inbound(raw, via="smtp")
    relayed, created_relayed = services.store_inbound(
        b"Received: from relay2.example.com by mx.example\r\n" + raw, via="smtp"
    )
    assert (created, created_again, created_relayed) == (True, False, False)
    assert first.pk == again.pk == relayed.pk
    assert Conversation.objects.count() == 1
    services.ingest(first.pk)  # a second run after a crash changes nothing
    assert Conversation.objects.get().events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_a_reply_to_the_token_address_from_the_customer_joins():
    first = receive(mail(sender="li.wei@example.com"))
    conversation = first.conversation
    reply = receive(
        mail(sender="li.wei@example.com", to=reply_address(conversation), body="Any news?")
    )
    assert reply.conversation_id == conversation.pk
    assert conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 2


def test_the_token_from_a_stranger_opens_a_new_linked_conversation():
    victim = receive(mail(sender="li.wei@example.com")).conversation
    attack = receive(
        mail(sender="attacker@evil.example", to=reply_address(victim), body="Send me the file")
    )
    assert attack.conversation_id != victim.pk
    assert victim.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1
    note = attack.conversation.events.get(kind=EventKind.INTERNAL_NOTE)
    assert victim.reference in note.body


def test_a_guessed_token_opens_a_new_conversation():
    victim = receive(mail(sender="li.wei@example.com")).conversation
    guess = "support+" + "a" * 26 + "@exdesk.invalid"
    stranger = receive(mail(sender="li.wei@example.com", to=guess, body="hello"))
    assert stranger.conversation_id != victim.pk


def test_in_reply_to_our_message_id_joins_only_from_the_customer():
    agent = testing.staff("agent1")
    conversation = receive(mail(sender="li.wei@example.com")).conversation
    testing.services.do_reply(conversation, agent, "We are checking.", notify_customer=False)
    from exdesk.messaging import outbound

    sent = outbound.send(conversation, subject="Re: Deposit missing", text="We are checking.")
    quoted = f"<{sent.message_id}>"
    joined = receive(mail(sender="li.wei@example.com", in_reply_to=quoted, body="Thanks"))
    forged = receive(mail(sender="mallory@evil.example", in_reply_to=quoted, references=quoted))
    assert joined.conversation_id == conversation.pk
    assert forged.conversation_id != conversation.pk


def test_a_participant_the_agent_added_may_write():
    agent = testing.staff("agent1")
    conversation = receive(mail(sender="li.wei@example.com")).conversation
    MailParticipant.objects.create(
        conversation=conversation, email="accountant@example.com", added_by=agent
    )
    cc = receive(mail(sender="accountant@example.com", to=reply_address(conversation)))
    assert cc.conversation_id == conversation.pk


def test_dmarc_failure_claiming_a_known_customer_is_quarantined():
    Customer.objects.create(email="li.wei@example.com", display_name="Li Wei")
    spoofed = receive(
        mail(
            sender="li.wei@example.com",
            headers={
                "Authentication-Results": "mx.exdesk.invalid; spf=fail; dkim=fail; dmarc=fail"
            },
        )
    )
    assert spoofed.state == MailState.QUARANTINED
    assert spoofed.reason == "spoofed_customer"
    assert spoofed.conversation is None


def test_dmarc_failure_from_a_new_sender_is_marked_unverified():
    stored = receive(
        mail(
            sender="new.trader@example.net",
            headers={"Authentication-Results": "mx.exdesk.invalid; spf=fail; dmarc=fail"},
        )
    )
    assert stored.state == MailState.PROCESSED
    note = stored.conversation.events.get(kind=EventKind.INTERNAL_NOTE)
    assert "could not be verified" in note.body


def test_an_auto_reply_is_kept_and_never_answered():
    outbox.outbox.clear()
    stored = receive(
        mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}, body="Away")
    )
    assert stored.state == MailState.PROCESSED
    assert outbox.outbox == []  # no "we received your request"
    assert "not answered" in stored.conversation.events.get(kind=EventKind.INTERNAL_NOTE).body


def test_a_first_mail_is_acknowledged_in_its_thread():
    outbox.outbox.clear()
    stored = receive(mail(sender="li.wei@example.com", message_id="<first@example.com>"))
    assert len(outbox.outbox) == 1
    sent = outbox.outbox[0]
    assert sent.extra_headers["In-Reply-To"] == "<first@example.com>"
    assert sent.extra_headers["Reply-To"] == reply_address(stored.conversation)


def test_attachments_follow_the_desk_file_rules():
    stored = receive(
        mail(
            attachments=[
                ("screenshot.png", "image/png", testing.PNG_BYTES),
                ("invoice.png", "image/png", b"MZ\x90\x00" + b"\x00" * 200),
            ]
        )
    )
    event = stored.event
    assert [a.original_name for a in event.attachments.all()] == ["screenshot.png"]
    assert "invoice.png" in event.body  # listed as not taken, not silently dropped


def test_a_message_without_sender_is_quarantined():
    raw = b"To: support@exdesk.invalid\r\nSubject: hi\r\nMessage-ID: <x@y>\r\n\r\nhello\r\n"
    stored = receive(raw)
    assert stored.state == MailState.QUARANTINED
    assert stored.reason == "no_sender"


def test_oversized_and_empty_mail_are_refused(settings):
    settings.MAIL_MAX_BYTES = 1000
    with pytest.raises(services.MailRefused) as caught:
        services.store_inbound(mail(body="x" * 2000), via="smtp")
    assert caught.value.code == "too_large" and not caught.value.temporary
    with pytest.raises(services.MailRefused):
        services.store_inbound(b"  \r\n", via="smtp")
    assert not InboundMail.objects.exists()


def test_one_sender_is_slowed_down(settings, monkeypatch):
    from types import SimpleNamespace

    from exdesk.core import ratelimit

    # One fixed moment: a run across the hour would open a new window between sends.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    settings.MAIL_PER_SENDER_PER_HOUR = 2
    for n in range(2):
        services.store_inbound(mail(body=f"message {n}"), via="smtp")
    with pytest.raises(services.MailRefused) as caught:
        services.store_inbound(mail(body="message 3"), via="smtp")
    assert caught.value.temporary  # the sending server keeps it and tries again
    assert InboundMail.objects.count() == 2


def test_a_chinese_mail_opens_a_chinese_conversation():
    stored = receive(
        mail(subject="充值未到账", body="我的USDT充值两个小时还没到账，请帮忙查一下。")
    )
    assert stored.conversation.language == "zh-hans"
    assert stored.conversation.customer.language == "zh-hans"


def test_quoted_history_is_folded_away_masked_and_kept():
    agent = testing.staff("agent1")
    phrase = (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about"
    )
    body = (
        "Thanks, it arrived.\n\nOn Mon, Support wrote:\n> Please never share this:\n"
        f"> {phrase}\n> Regards"
    )
    stored = receive(mail(sender="li.wei@example.com", body=body))
    assert stored.event.body.strip() == "Thanks, it arrived."
    assert "Support wrote" in stored.quoted and phrase not in stored.quoted
    assert b"abandon about" in bytes(stored.raw)  # the raw copy keeps everything
    page = testing.signed_in(agent).get(f"/console/c/{stored.conversation_id}/")
    assert b'<details class="quoted">' in page.content


def test_the_same_message_regenerated_by_a_resending_client_is_read_once():
    def generated():  # each call: a new MIME boundary, as a client that builds it again
        return mail(
            sender="li.wei@example.com",
            message_id="<resent@example.com>",
            attachments=[("tx.png", "image/png", testing.PNG_BYTES)],
        )

    first, second = generated(), generated()
    assert first != second
    one, two = receive(first), receive(second)
    assert two.pk != one.pk and two.reason == "duplicate"
    assert two.conversation_id == one.conversation_id and two.event_id is None
    assert Conversation.objects.count() == 1
    assert one.conversation.events.filter(kind=EventKind.CUSTOMER_MESSAGE).count() == 1


def test_a_stranger_reusing_a_message_id_cannot_suppress_the_real_message():
    attacker = receive(mail(sender="mallory@evil.example", message_id="<victim-1@example.com>"))
    victim = receive(
        mail(sender="li.wei@example.com", message_id="<victim-1@example.com>", body="Help me")
    )
    assert victim.reason != "duplicate"
    assert victim.conversation_id != attacker.conversation_id
    assert "Help me" in victim.event.body


def test_mail_whose_task_was_lost_is_read_by_the_sweeps(monkeypatch):
    from exdesk.messaging import tasks

    # A crash between the commit and the queue: stored, never scheduled.
    monkeypatch.setattr(services, "_schedule", lambda pk: None)
    lost, _created = services.store_inbound(mail(sender="li.wei@example.com"), via="smtp")
    monkeypatch.setattr(tasks, "_swept", True)
    tasks.ingest_stranded_mail.call_local()  # a running worker's sweep waits two minutes
    lost.refresh_from_db()
    assert lost.state == MailState.RECEIVED
    monkeypatch.setattr(tasks, "_swept", False)
    tasks.ingest_stranded_mail.call_local()  # a new worker's first sweep takes it at once
    lost.refresh_from_db()
    assert lost.state == MailState.PROCESSED and lost.conversation is not None
