"""``exdesk mail_receiver``: the SMTP receiver alone (``exdesk run`` starts it too)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Receive support e-mail over SMTP and store it for the task queue."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.MAIL_RECEIVER_HOST)
        parser.add_argument("--port", type=int, default=settings.MAIL_RECEIVER_PORT)

    def handle(self, *args, host, port, **options):
        from exdesk.messaging.receiver import controller

        receiver = controller(host, port)
        receiver.start()
        self.stdout.write(f"SMTP receiver on {host}:{port}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
        receiver.stop()
