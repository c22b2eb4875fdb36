"""IMAP polling against a real IMAP server (Dovecot) on loopback."""

import queue
import threading

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
    """The server's notice in IDLE wakes the poller, not its fallback timeout: the test
    waits on what the poller does (no wall-clock bound), and every wait is shorter than
    the poller's own cycle, so a poller that only woke on its timeout fails it."""
    idle_seconds = 60  # the fallback: without a notice the poller wakes only after this
    safety_net = 30  # every wait below: generous, and still shorter than the fallback
    idling = queue.Queue()  # the poller is waiting in IDLE (after a complete pass)
    woke = queue.Queue()  # what ended each wait: the server's responses ([]: the timeout)

    def watched_client():
        client = imap.connect()
        idle_check = client.idle_check

        def reporting_idle_check(timeout=None):
            idling.put(True)
            responses = idle_check(timeout=timeout)
            woke.put(responses)
            return responses

        client.idle_check = reporting_idle_check
        return client

    stop = threading.Event()
    poller = threading.Thread(
        target=imap.run,
        kwargs={
            "client_factory": watched_client,
            "should_stop": stop.is_set,
            "idle_seconds": idle_seconds,
        },
        daemon=True,
    )

    def next_of(events: queue.Queue, what: str):
        try:
            return events.get(timeout=safety_net)
        except queue.Empty:
            raise AssertionError(f"after {safety_net} s the poller is still not {what}") from None

    poller.start()
    try:
        next_of(idling, "waiting in IDLE")  # its first pass is done
        assert not InboundMail.objects.exists()
        deliver(mail(sender="idle@example.com"))
        responses = next_of(woke, "awake: IDLE did not wake it")
        assert any(response[1:2] == (b"EXISTS",) for response in responses), (
            f"the poller woke without the server's notice of new mail: {responses!r}"
        )
        next_of(idling, "back in IDLE")  # the pass after the wake-up is done
        assert InboundMail.objects.filter(sender="idle@example.com", via=MailVia.IMAP).exists()
    finally:
        stop.set()
        deliver(mail(sender="wake-up@example.com"))  # ends the IDLE the poller is in
        poller.join(timeout=safety_net)
    assert not poller.is_alive()
    assert not InboundMail.objects.filter(sender="wake-up@example.com").exists()  # stopped


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
