"""``exdesk mail_imap``: poll the support mailbox (``exdesk run`` starts it when
EXDESK_MAIL_IMAP_HOST is set)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Store new mail from the support mailbox over IMAP (IDLE where offered)."

    def handle(self, *args, **options):
        from exdesk.messaging import imap

        if not settings.MAIL_IMAP_HOST:
            raise CommandError("Set EXDESK_MAIL_IMAP_HOST (and user, password) first.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        self.stdout.write(f"Polling {settings.MAIL_IMAP_FOLDER} on {settings.MAIL_IMAP_HOST}")
        # IDLE wakes on new mail; the short cycle lets a stop signal end it promptly.
        imap.run(should_stop=stop.is_set, idle_seconds=30)
