"""``exdesk run``: the web server and the task worker, in one command."""

import os
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TASK_WORKER_NICENESS = 10


class Command(BaseCommand):
    help = "Run exdesk: the ASGI web server and a task-queue worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        # With Redis, two processes use both cores (SQLite writers queue between them, see
        # core.sqlite) and share chat through Redis. Without it, chat sockets must all live
        # in one process (docs/decisions/0003-one-process-without-redis.md).
        default_workers = 2 if settings.REDIS_URL else 1
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", default_workers))
        )
        parser.add_argument("--no-task-worker", action="store_true")
        parser.add_argument(
            "--no-sandbox-exchange",
            action="store_true",
            help="In the demo, do not start the sandbox exchange beside exdesk.",
        )

    def handle(self, *args, host, port, workers, no_task_worker, no_sandbox_exchange, **options):
        if workers > 1 and not settings.REDIS_URL:
            raise CommandError(
                "Several web processes share live chat through Redis: set REDIS_URL, "
                "or run one web process (--workers 1)."
            )
        base = f"http://{host}:{port}"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "exdesk is starting:",
                    f"  Help and ticket form (customers): {base}/",
                    f"  Help center (customers):          {base}/help/en/  ·  {base}/help/zh-hans/",
                    f"  Agent console (staff):            {base}/console/",
                    f"  Knowledge base (staff):           {base}/console/kb/",
                    f"  Community forum (traders):        {base}/community/en/",
                    f"  Tutorials and webinars (traders): {base}/learn/en/",
                    f"  Service status (public):          {base}/status/en/",
                    f"  Chat widget demo (exchange site): {base}/widget/demo/",
                    f"  Settings (admin):                 {base}/admin/",
                    f"  API docs:                         {base}/api/v1/docs",
                    f"  Verify an official channel:       {base}/verify/",
                    f"  Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}",
                    "",
                ]
            )
        )
        # The demo's exchange back office, when no real one is configured.
        sandbox = None
        if (
            settings.DEMO_MODE
            and not no_sandbox_exchange
            and not os.environ.get("EXDESK_EXCHANGE_URL")
        ):
            self.stdout.write(
                f"  Sandbox exchange (connector):     {settings.EXCHANGE_URL}  "
                f"(chain: {settings.CHAIN_RPC_URLS.get('ETH', '-')})\n"
            )
            sandbox = subprocess.Popen(
                [sys.executable, "-m", "exdesk.cli", "sandbox_exchange"],
                preexec_fn=lambda: os.nice(TASK_WORKER_NICENESS),
            )
        # Support mail over SMTP, stored before it is acknowledged (docs/email.md).
        receiver = None
        if settings.MAIL_RECEIVER_PORT > 0:
            self.stdout.write(
                f"  SMTP receiver (support mail):     "
                f"{settings.MAIL_RECEIVER_HOST}:{settings.MAIL_RECEIVER_PORT}\n"
            )
            receiver = subprocess.Popen([sys.executable, "-m", "exdesk.cli", "mail_receiver"])
        # Pollers for channels that have no way to call in (docs/email.md, docs/channels.md).
        pollers = []
        if settings.MAIL_IMAP_HOST:
            self.stdout.write(f"  IMAP mailbox (support mail):      {settings.MAIL_IMAP_HOST}\n")
            pollers.append(["mail_imap"])
        if settings.TELEGRAM_BOT_TOKEN and not settings.TELEGRAM_WEBHOOK_SECRET:
            self.stdout.write("  Telegram bot:                     long polling\n")
            pollers.append(["telegram_poll"])
        polling = [
            subprocess.Popen([sys.executable, "-m", "exdesk.cli", *command])  # noqa: S603 - ours
            for command in pollers
        ]
        worker = None
        if not no_task_worker:
            # Background work yields the CPU to requests: a traveller's page matters more
            # than an e-mail leaving a few milliseconds later.
            worker = subprocess.Popen(
                [sys.executable, "-m", "exdesk.cli", "run_huey", "--quiet"],
                preexec_fn=lambda: os.nice(TASK_WORKER_NICENESS),
            )
        try:
            uvicorn.run(
                "exdesk.asgi:application",
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                access_log=False,
                lifespan="off",
                # Behind a reverse proxy, set FORWARDED_ALLOW_IPS to the proxy's address.
                proxy_headers="FORWARDED_ALLOW_IPS" in os.environ,
                server_header=False,
                # Chat frames are small; compressing each one cost about a fifth of the
                # chat's CPU (docs/decisions/0003-one-process-without-redis.md).
                ws_per_message_deflate=False,
            )
        finally:
            for child in (worker, sandbox, receiver, *polling):
                if child is not None:
                    child.terminate()
                    child.wait(timeout=10)
