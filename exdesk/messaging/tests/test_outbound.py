"""E-mail out: threaded, answerable, with its delivery state on the message."""

import base64

import pytest
from django.core import mail as outbox

from exdesk import testing
from exdesk.conversations.choices import Channel
from exdesk.conversations.tasks import notify_customer_of_reply
from exdesk.devserver import free_port
from exdesk.messaging import outbound
from exdesk.messaging.models import DeliveryState, OutboundMail
from exdesk.messaging.outbound import reply_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return testing.conversation(
        who=testing.customer(uid="", email="li.wei@example.com"), channel=Channel.EMAIL
    )


def test_a_reply_goes_out_threaded_with_text_and_html(case):
    agent = testing.staff("agent1")
    agent.first_name, agent.last_name = "Alice", "Chen"
    agent.save()
    event = testing.services.do_reply(case, agent, "Your deposit is credited.\n\nThanks!")
    outbox.outbox.clear()
    notify_customer_of_reply.call_local(event.pk)
    [sent] = outbox.outbox
    assert sent.to == ["li.wei@example.com"]
    assert "Alice Chen" in sent.from_email
    assert sent.extra_headers["Reply-To"] == reply_address(case)
    assert sent.extra_headers["Message-ID"].startswith("<")
    assert "Auto-Submitted" not in sent.extra_headers
    html, mime = sent.alternatives[0]
    assert mime == "text/html" and "Your deposit is credited." in html
    record = OutboundMail.objects.get(event=event)
    assert record.state == DeliveryState.SENT
    assert f"<{record.message_id}>" == sent.extra_headers["Message-ID"]
    # A retry of the task sends nothing twice.
    notify_customer_of_reply.call_local(event.pk)
    assert len(outbox.outbox) == 1


def test_the_customers_text_is_escaped_in_the_html_part(case):
    agent = testing.staff("agent1")
    event = testing.services.do_reply(case, agent, "<script>alert(1)</script> & more")
    outbox.outbox.clear()
    notify_customer_of_reply.call_local(event.pk)
    html = outbox.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_failed_send_is_recorded_and_shown(settings, case):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    agent = testing.staff("agent1")
    event = testing.services.do_reply(case, agent, "Checking.")
    with pytest.raises(OSError):
        notify_customer_of_reply.call_local(event.pk)
    record = OutboundMail.objects.get(event=event)
    assert record.state == DeliveryState.FAILED and record.error and record.attempts == 1
    page = testing.signed_in(agent).get(f"/console/c/{case.pk}/")
    assert b"delivery-failed" in page.content


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on loopback that keeps what it is sent (the customer's MX)."""
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.original_content)
            return "250 OK"

    port = free_port()
    sink = Controller(Keep(), hostname="127.0.0.1", port=port, decode_data=False)
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield received
    sink.stop()


def test_a_reply_over_real_smtp_is_dkim_signed(settings, smtp_sink, case, tmp_path):
    import dkim
    from Crypto.PublicKey import RSA

    key = RSA.generate(2048)
    key_file = tmp_path / "dkim.pem"
    key_file.write_bytes(key.export_key())
    public = base64.b64encode(key.publickey().export_key(format="DER")).decode()
    settings.MAIL_DKIM_SELECTOR, settings.MAIL_DKIM_KEY_FILE = "desk", str(key_file)
    outbound._dkim_key.cache_clear()
    agent = testing.staff("agent1")
    event = testing.services.do_reply(case, agent, "Your deposit is credited. 充值已到账。")
    notify_customer_of_reply.call_local(event.pk)
    [raw] = smtp_sink
    assert b"DKIM-Signature:" in raw

    # DNS is the boundary here: the public key is served as the TXT record would be.
    def txt_record(name, timeout=5):
        assert name == b"desk._domainkey.exdesk.invalid."
        return f"v=DKIM1; k=rsa; p={public}".encode()

    assert dkim.verify(raw, dnsfunc=txt_record)
    tampered = raw.replace(b"credited", b"reversed")
    assert not dkim.verify(tampered, dnsfunc=txt_record)
    outbound._dkim_key.cache_clear()
