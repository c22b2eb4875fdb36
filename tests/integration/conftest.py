"""Real servers for integration tests: exdesk as `exdesk run` starts it, SMTP on loopback."""

import os
import threading

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from exdesk.devserver import free_port


def web_workers() -> int:
    """Two web processes when Redis can carry chat between them, else one (as `exdesk run`)."""
    return 2 if os.environ.get("REDIS_URL") else 1


class Mailbox:
    def __init__(self):
        self.messages = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        self.arrived.set()
        return "250 OK"


def _smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, mailbox
    controller.stop()


smtp = pytest.fixture(_smtp_server)
smtp_module = pytest.fixture(_smtp_server, scope="module", name="smtp_module")


def smtp_env(port: int) -> dict:
    """Settings that make a running exdesk send mail to the test's SMTP server."""
    return {
        "EXDESK_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EXDESK_EMAIL_HOST": "127.0.0.1",
        "EXDESK_EMAIL_PORT": str(port),
    }


def postgres_server_url():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    return f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/postgres"
