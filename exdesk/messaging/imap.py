"""IMAP polling of a support mailbox, for organisations whose mail lands in a mailbox
rather than at exdesk's SMTP receiver.

The same rule as the receiver: a message is marked in the mailbox only after its raw copy
is committed (``services.store_inbound``). A crash in between fetches it again on the next
pass, and the store's dedupe key makes that a no-op. Messages are never deleted: exdesk
sets a keyword (``$ExdeskStored``, or ``$ExdeskRefused`` for one it will never take), so
the mailbox stays the organisation's own record. Between passes the poller waits in IDLE
where the server offers it, else it polls every minute.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from imapclient import IMAPClient

from . import services
from .models import MailVia

logger = logging.getLogger(__name__)

STORED = b"$ExdeskStored"
REFUSED = b"$ExdeskRefused"
BATCH = 50
POLL_SECONDS = 60
# Servers end an IDLE after 30 minutes; re-issuing it well before keeps the session alive.
IDLE_SECONDS = 5 * 60


def connect() -> IMAPClient:
    client = IMAPClient(
        settings.MAIL_IMAP_HOST,
        port=settings.MAIL_IMAP_PORT,
        ssl=settings.MAIL_IMAP_SSL,
        timeout=30,
    )
    client.login(settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD)
    client.select_folder(settings.MAIL_IMAP_FOLDER)
    return client


def poll_once(client: IMAPClient) -> dict[str, int]:
    """Store every message not yet taken; return what happened to them."""
    counts = {"stored": 0, "duplicate": 0, "refused": 0, "deferred": 0}
    waiting = client.search(["UNKEYWORD", STORED, "UNKEYWORD", REFUSED])
    for start in range(0, len(waiting), BATCH):
        batch = waiting[start : start + BATCH]
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        for uid in batch:
            raw = fetched.get(uid, {}).get(b"BODY[]")
            if raw is None:
                continue  # expunged by someone else meanwhile
            outcome = _store(raw)
            counts[outcome] += 1
            if outcome in ("stored", "duplicate"):
                client.add_flags([uid], [STORED, b"\\Seen"])
            elif outcome == "refused":
                client.add_flags([uid], [REFUSED])
    return counts


def _store(raw: bytes) -> str:
    close_old_connections()
    try:
        _mail, created = services.store_inbound(raw, via=MailVia.IMAP)
    except services.MailRefused as refused:
        if refused.temporary:
            return "deferred"  # left unmarked: the next pass tries again
        logger.warning("IMAP message refused: %s", refused.code)
        return "refused"
    return "stored" if created else "duplicate"


def run(
    *,
    client_factory: Callable[[], IMAPClient] = connect,
    should_stop: Callable[[], bool] = lambda: False,
    idle_seconds: float = IDLE_SECONDS,
) -> None:
    """Poll until ``should_stop``; reconnect after errors with a growing pause."""
    pause = 1.0
    while not should_stop():
        try:
            client = client_factory()
            try:
                pause = 1.0
                _serve(client, should_stop, idle_seconds)
            finally:
                _logout(client)
        except (OSError, IMAPClient.Error) as error:
            # The password never reaches the log: only the error's kind and text.
            logger.warning("IMAP mailbox unavailable (%s); retrying in %.0f s", error, pause)
            time.sleep(pause)
            pause = min(pause * 2, 300)


def _serve(client: IMAPClient, should_stop: Callable[[], bool], idle_seconds: float) -> None:
    idle = b"IDLE" in client.capabilities()
    while not should_stop():
        poll_once(client)
        if not idle:
            time.sleep(min(POLL_SECONDS, idle_seconds))
            continue
        client.idle()
        try:
            client.idle_check(timeout=idle_seconds)  # returns early when mail arrives
        finally:
            client.idle_done()


def _logout(client: IMAPClient) -> None:
    with contextlib.suppress(OSError, IMAPClient.Error):
        client.logout()
