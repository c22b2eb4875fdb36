"""The SMTP receiver: takes support mail on a loopback port and answers 250 only once the
raw message is committed (``services.store_inbound``). Put the organisation's MTA in front
of it: the MTA does TLS, spam filtering and SPF/DKIM/DMARC checks and adds the
Authentication-Results header exdesk trusts."""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from .models import MailVia

logger = logging.getLogger(__name__)


def _store(raw: bytes, envelope_from: str, envelope_to: tuple[str, ...]) -> str:
    from . import services

    close_old_connections()
    try:
        _mail, created = services.store_inbound(
            raw, via=MailVia.SMTP, envelope_from=envelope_from, envelope_to=envelope_to
        )
    except services.MailRefused as refused:
        code = "451 4.7.1" if refused.temporary else "552 5.3.4"
        return f"{code} {refused.text}"
    except Exception:
        # Nothing was stored: the sending MTA keeps the message and tries again.
        logger.exception("storing an incoming mail failed")
        return "451 4.3.0 Temporary failure, try again later"
    return "250 2.0.0 Stored" if created else "250 2.0.0 Already stored"


class StoreFirst:
    # aiosmtpd calls this hook by name.
    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        return await sync_to_async(_store, thread_sensitive=False)(
            raw, envelope.mail_from or "", tuple(envelope.rcpt_tos)
        )


def controller(host: str | None = None, port: int | None = None) -> Controller:
    return Controller(
        StoreFirst(),
        hostname=host or settings.MAIL_RECEIVER_HOST,
        port=port if port is not None else settings.MAIL_RECEIVER_PORT,
        data_size_limit=settings.MAIL_MAX_BYTES,
        # 8-bit mail is common (Chinese text without MIME encoding): keep the bytes.
        decode_data=False,
        enable_SMTPUTF8=True,
    )
