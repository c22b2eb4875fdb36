"""IMAP polling against a real IMAP server (Dovecot) on loopback."""

import threading
import time

import pytest
from imapclient import IMAPClient

from exdesk.messaging import imap, services
from exdesk.messaging.models import InboundMail, MailState, MailVia

from .imap_server import dovecot
from .mails import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(settings):
    with dovecot() as server:
        settings.MAIL_IMAP_HOST = "127.0.0.1"
        settings.MAIL_IMAP_PORT = server.port
        settings.MAIL_IMAP_SSL = False
        settings.MAIL_IMAP_USER = server.user
        settings.MAIL_IMAP_PASSWORD = server.password
        settings.MAIL_IMAP_FOLDER = "INBOX"
        yield server


def deliver(*messages: bytes) -> None:
    """Put mail into the mailbox as the organisation's MTA would."""
    with IMAPClient("127.0.0.1", port=imap.settings.MAIL_IMAP_PORT, ssl=False) as client:
        client.login(imap.settings.MAIL_IMAP_USER, imap.settings.MAIL_IMAP_PASSWORD)
        for raw in messages:
            client.append("INBOX", raw)


def keywords() -> list[set[bytes]]:
    client = imap.connect()
    try:
        flags = client.get_flags(client.search(["ALL"]))
        return [set(flags[uid]) for uid in sorted(flags)]
    finally:
        client.logout()


def test_new_mail_is_stored_once_and_marked_in_the_mailbox(mailbox):
    deliver(*(mail(sender=f"trader{n}@example.com", body=f"Deposit {n} missing") for n in range(3)))
    client = imap.connect()
    try:
        assert imap.poll_once(client)["stored"] == 3
        assert imap.poll_once(client)["stored"] == 0  # marked: not taken again
    finally:
        client.logout()
    stored = InboundMail.objects.order_by("pk")
    assert [m.via for m in stored] == [MailVia.IMAP] * 3
    assert all(m.state == MailState.PROCESSED for m in stored)
    assert all(imap.STORED in flags and b"\\Seen" in flags for flags in keywords())


def test_a_crash_before_marking_stores_nothing_twice(mailbox):
    raw = mail(sender="li.wei@example.com")
    deliver(raw)
    # The previous pass stored it and died before setting the keyword.
    services.store_inbound(raw, via=MailVia.IMAP)
    client = imap.connect()
    try:
        assert imap.poll_once(client) == {"stored": 0, "duplicate": 1, "refused": 0, "deferred": 0}
    finally:
        client.logout()
    assert InboundMail.objects.count() == 1
    assert imap.STORED in keywords()[0]


def test_a_message_too_large_is_marked_refused_and_one_over_the_rate_waits(mailbox, settings):
    settings.MAIL_MAX_BYTES = 5000
    settings.MAIL_PER_SENDER_PER_HOUR = 1
    deliver(
        mail(sender="big@example.com", body="word " * 2000),
        mail(sender="busy@example.com", body="first"),
        mail(sender="busy@example.com", body="second"),
    )
    client = imap.connect()
    try:
        assert imap.poll_once(client) == {"stored": 1, "duplicate": 0, "refused": 1, "deferred": 1}
    finally:
        client.logout()
    big, first, second = keywords()
    assert imap.REFUSED in big and imap.STORED in first
    assert not second & {imap.STORED, imap.REFUSED}  # tried again on the next pass


def test_idle_wakes_the_poller_when_mail_arrives(mailbox):
    stop = threading.Event()
    poller = threading.Thread(
        target=imap.run, kwargs={"should_stop": stop.is_set, "idle_seconds": 12}, daemon=True
    )
    poller.start()
    try:
        time.sleep(1)  # the poller is waiting in IDLE now
        sent_at = time.monotonic()
        deliver(mail(sender="idle@example.com"))
        while not InboundMail.objects.filter(sender="idle@example.com").exists():
            assert time.monotonic() - sent_at < 12, "IDLE did not wake the poller"
            time.sleep(0.1)
        waited = time.monotonic() - sent_at
    finally:
        stop.set()
        poller.join(timeout=30)
    # Well under the 12 s IDLE cycle: it was the server's notice, not the timeout.
    assert waited < 5


def test_a_wrong_password_is_retried_and_never_logged(mailbox, settings, caplog):
    settings.MAIL_IMAP_PASSWORD = "wrong-password-123"
    attempts = []

    def stop_after_two() -> bool:
        return len(attempts) >= 2

    def factory():
        attempts.append(1)
        return imap.connect()

    imap.run(client_factory=factory, should_stop=stop_after_two, idle_seconds=1)
    assert len(attempts) == 2
    assert "IMAP mailbox unavailable" in caplog.text
    assert "wrong-password-123" not in caplog.text
