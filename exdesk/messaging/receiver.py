"""The SMTP receiver: takes support mail on a loopback port and answers 250 only once the
raw message is committed (``services.store_inbound``). Put the organisation's MTA in front
of it: the MTA does TLS, spam filtering and SPF/DKIM/DMARC checks and adds the
Authentication-Results header exdesk trusts.

Messages are committed in groups: one thread writes, and what arrives while it commits
is committed together next (group commit). Each message still gets its answer only after
its own commit. On SQLite, where one writer at a time holds the database, a message no
longer waits for its own turn at the lock behind the task worker's transactions: the
receiver took 180 messages a second that way and 300+ in groups (docs/email.md).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, transaction

from .models import MailVia

logger = logging.getLogger(__name__)

# Messages committed in one transaction at most: bounded, so the write lock is held briefly.
GROUP_MAX = 64
TRY_LATER = "451 4.3.0 Temporary failure, try again later"


@dataclass
class _Waiting:
    raw: bytes
    envelope_from: str
    envelope_to: tuple[str, ...]
    loop: asyncio.AbstractEventLoop
    answer: asyncio.Future


def _store(raw: bytes, envelope_from: str, envelope_to: tuple[str, ...]) -> str:
    """Store one message (in its own savepoint when a group's transaction is open) and
    return the SMTP answer it earns once committed."""
    from . import services

    try:
        with transaction.atomic():
            _mail, created = services.store_inbound(
                raw, via=MailVia.SMTP, envelope_from=envelope_from, envelope_to=envelope_to
            )
    except services.MailRefused as refused:
        code = "451 4.7.1" if refused.temporary else "552 5.3.4"
        return f"{code} {refused.text}"
    except Exception:
        # Nothing was stored: the sending MTA keeps the message and tries again.
        logger.exception("storing an incoming mail failed")
        return TRY_LATER
    return "250 2.0.0 Stored" if created else "250 2.0.0 Already stored"


def store_group(messages: list[tuple[bytes, str, tuple[str, ...]]]) -> list[str]:
    """Commit several messages in one transaction; their answers, in order. If the commit
    fails, every message is answered 451 and its sender tries again."""
    close_old_connections()
    try:
        with transaction.atomic():
            answers = [_store(raw, sender, recipients) for raw, sender, recipients in messages]
    except Exception:
        logger.exception("committing %d incoming mails failed", len(messages))
        return [TRY_LATER] * len(messages)
    return answers


class GroupCommitter:
    """The one thread that writes incoming mail, a group at a time."""

    def __init__(self) -> None:
        self._waiting: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="mail-commit", daemon=True)
        self._thread.start()

    async def store(self, raw: bytes, envelope_from: str, envelope_to: tuple[str, ...]) -> str:
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        self._waiting.put(_Waiting(raw, envelope_from, envelope_to, loop, answer))
        return await answer

    def stop(self) -> None:
        self._waiting.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            group = [first]
            while len(group) < GROUP_MAX:
                try:
                    item = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._waiting.put(None)  # stop after this group
                    break
                group.append(item)
            answers = store_group([(w.raw, w.envelope_from, w.envelope_to) for w in group])
            for waiting, answer in zip(group, answers, strict=True):
                waiting.loop.call_soon_threadsafe(_settle, waiting.answer, answer)


def _settle(future: asyncio.Future, answer: str) -> None:
    if not future.done():  # the client may have gone meanwhile
        future.set_result(answer)


class StoreFirst:
    def __init__(self) -> None:
        self.committer = GroupCommitter()

    # aiosmtpd calls this hook by name.
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        return await self.committer.store(raw, envelope.mail_from or "", tuple(envelope.rcpt_tos))


class Receiver(Controller):
    """aiosmtpd's controller, stopping the committing thread with the server."""

    def stop(self, *args, **kwargs):
        try:
            return super().stop(*args, **kwargs)
        finally:
            self.handler.committer.stop()


def controller(host: str | None = None, port: int | None = None) -> Receiver:
    return Receiver(
        StoreFirst(),
        hostname=host or settings.MAIL_RECEIVER_HOST,
        port=port if port is not None else settings.MAIL_RECEIVER_PORT,
        data_size_limit=settings.MAIL_MAX_BYTES,
        # 8-bit mail is common (Chinese text without MIME encoding): keep the bytes.
        decode_data=False,
        enable_SMTPUTF8=True,
    )
