"""The ways in: real SMTP on loopback and the provider webhook, both storing first."""

import smtplib
import time

import pytest
from django.test import Client

from exdesk.devserver import free_port
from exdesk.messaging.models import InboundMail, MailState, MailVia
from exdesk.messaging.receiver import controller
from exdesk.messaging.views import webhook_signature

from .mails import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp_port():
    port = free_port()
    receiver = controller("127.0.0.1", port)
    receiver.start()
    yield port
    receiver.stop()


def test_smtp_answers_250_only_once_the_mail_is_stored(smtp_port):
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        refused = client.sendmail(
            "li.wei@example.com", ["support@exdesk.invalid"], mail(sender="li.wei@example.com")
        )
        assert refused == {}
        assert client.noop()[0] == 250
    stored = InboundMail.objects.get()
    assert stored.via == MailVia.SMTP
    assert stored.envelope_from == "li.wei@example.com"
    assert stored.envelope_to == "support@exdesk.invalid"
    # The task queue (inline in tests) read it into a conversation.
    deadline = time.monotonic() + 10
    while stored.state == MailState.RECEIVED and time.monotonic() < deadline:
        time.sleep(0.1)
        stored.refresh_from_db()
    assert stored.state == MailState.PROCESSED


def test_smtp_keeps_8bit_chinese_mail_intact(smtp_port):
    body = "我的充值还没到账，请帮忙查一下。".encode()
    raw = (
        b"From: wang@example.cn\r\nTo: support@exdesk.invalid\r\nSubject: =?utf-8?b?"
        + __import__("base64").b64encode("充值未到账".encode())
        + b"?=\r\nMessage-ID: <cn1@example.cn>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body
        + b"\r\n"
    )
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.sendmail("wang@example.cn", ["support@exdesk.invalid"], raw)
    stored = InboundMail.objects.get()
    assert bytes(stored.raw).endswith(body + b"\r\n")
    stored.refresh_from_db()
    assert stored.subject == "充值未到账"
    assert "充值还没到账" in stored.event.body


def test_smtp_refuses_oversized_mail_permanently(settings, smtp_port):
    settings.MAIL_MAX_BYTES = 2000
    with (
        smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client,
        pytest.raises(smtplib.SMTPDataError) as caught,
    ):
        client.sendmail(
            "a@example.com", ["support@exdesk.invalid"], mail(body="many words here\n" * 200)
        )
    assert caught.value.smtp_code == 552
    assert not InboundMail.objects.exists()


def test_smtp_asks_a_flooding_sender_to_come_back_later(settings, smtp_port):
    settings.MAIL_PER_SENDER_PER_HOUR = 1
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.sendmail("a@example.com", ["support@exdesk.invalid"], mail(body="one"))
        with pytest.raises(smtplib.SMTPDataError) as caught:
            client.sendmail("a@example.com", ["support@exdesk.invalid"], mail(body="two"))
    assert caught.value.smtp_code == 451
    assert InboundMail.objects.count() == 1


def signed_post(client: Client, body: bytes, secret: str, *, timestamp: int | None = None):
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return client.post(
        "/channels/mail/inbound/",
        data=body,
        content_type="message/rfc822",
        HTTP_X_EXDESK_TIMESTAMP=stamp,
        HTTP_X_EXDESK_SIGNATURE=webhook_signature(secret, stamp, body),
        HTTP_X_ENVELOPE_TO="support@exdesk.invalid",
    )


def test_the_webhook_stores_signed_mail_once(settings):
    settings.MAIL_WEBHOOK_SECRET = "hook-secret"
    client = Client()
    raw = mail()
    first = signed_post(client, raw, "hook-secret")
    again = signed_post(client, raw, "hook-secret")
    assert first.status_code == again.status_code == 200
    assert (first.json()["stored"], again.json()["stored"]) == ("new", "duplicate")
    stored = InboundMail.objects.get()
    assert stored.via == MailVia.WEBHOOK


def test_the_webhook_refuses_bad_signatures(settings):
    settings.MAIL_WEBHOOK_SECRET = "hook-secret"
    client = Client()
    assert signed_post(client, mail(), "wrong-secret").status_code == 401
    stale = signed_post(client, mail(), "hook-secret", timestamp=int(time.time()) - 3600)
    assert stale.status_code == 401
    settings.MAIL_WEBHOOK_SECRET = ""
    assert signed_post(client, mail(), "").status_code == 401  # no secret: webhook closed
    assert not InboundMail.objects.exists()


def test_the_webhook_refuses_oversized_mail(settings):
    settings.MAIL_WEBHOOK_SECRET = "hook-secret"
    settings.MAIL_MAX_BYTES = 1000
    response = signed_post(Client(), mail(body="x" * 5000), "hook-secret")
    assert response.status_code == 413
