"""Building test mail as a real mail client would write it."""

from __future__ import annotations

import email.policy
import email.utils
from email.message import EmailMessage

SUPPORT = "support@exdesk.invalid"


def mail(
    *,
    sender: str = "trader@example.com",
    to: str = SUPPORT,
    subject: str = "Deposit missing",
    body: str = "My USDT deposit has not arrived after two hours.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = message_id or email.utils.make_msgid(domain="example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, mime, data in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    # As a mail client hands it to SMTP: CRLF line ends.
    return message.as_bytes(policy=email.policy.SMTP)
