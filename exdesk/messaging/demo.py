"""Demo channel traffic for `make run`, through the real pipeline: mail stored and read
as the receiver and the task queue would, one of it held in quarantine, and a Telegram
chat. Safe to run again: stored mail and platform updates are kept once."""

from __future__ import annotations

import email.policy
import email.utils
from email.message import EmailMessage

from . import services
from .models import MailState, MailVia

SUPPORT = "support@exdesk.invalid"


def _mail(sender: str, subject: str, body: str, message_id: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = SUPPORT
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate()
    message["Message-ID"] = f"<{message_id}@demo.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(policy=email.policy.SMTP)


DEMO_MAIL = [
    _mail(
        "王磊 <wanglei.demo@example.com>",
        "USDT 提币一直显示处理中",
        "你好，我昨天提了 500 USDT 到 TRC20 地址，到现在还是处理中，麻烦帮忙查一下。\n\n"
        "谢谢\n王磊\n\n-- \n发自我的手机\n",
        "demo-withdrawal",
    ),
    _mail(
        "Jordan Miles <jordan.miles@example.com>",
        "Deposit sent on the wrong network",
        "Hi, I sent 120 USDC on BNB Smart Chain to my Ethereum deposit address by mistake. "
        "Can it be recovered?\n\nOn Mon, Support wrote:\n> Please send us the TxID.\n",
        "demo-wrong-network",
        Authentication_Results="mx.exdesk.invalid; spf=pass; dkim=pass; dmarc=pass",
    ),
    # Claims to be a known customer and fails DMARC: held in quarantine, not merged.
    _mail(
        "Li Jing <lijing@example.org>",
        "Urgent: change my withdrawal address",
        "Please change my withdrawal whitelist address today, I lost my old wallet.",
        "demo-spoofed",
        Authentication_Results="mx.exdesk.invalid; spf=fail; dkim=none; dmarc=fail",
    ),
]


def seed_demo_channels() -> int:
    """Returns how many new conversations or held messages the demo traffic made."""
    made = 0
    for raw in DEMO_MAIL:
        mail, created = services.store_inbound(raw, via=MailVia.SMTP)
        if created or mail.state == MailState.RECEIVED:
            services.ingest(mail.pk)
            made += 1
    received = services.receive_platform_message(
        platform="telegram",
        external_id="100200300",
        update_key="demo-1",
        text="Hello, my KYC was rejected twice. What photo do you need?",
        handle="demo_trader",
        display_name="Demo Trader",
        language_hint="en",
    )
    return made + (1 if received.event is not None else 0)
