"""``exdesk telegram_webhook set <public url>`` / ``delete``: tell Telegram where to post
the bot's updates (or to stop, for ``telegram_poll``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from exdesk.messaging.platforms import telegram


class Command(BaseCommand):
    help = "Set or delete the Telegram bot's webhook."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        setting = actions.add_parser("set", help="Post updates to this desk.")
        setting.add_argument(
            "public_url",
            nargs="?",
            default=settings.SITE_URL,
            help="The desk's public HTTPS base URL (default: EXDESK_SITE_URL).",
        )
        actions.add_parser("delete", help="Stop posting updates (pending ones are kept).")

    def handle(self, *args, action, public_url="", **options):
        if not telegram.configured():
            raise CommandError("Set EXDESK_TELEGRAM_BOT_TOKEN first.")
        try:
            if action == "delete":
                telegram.delete_webhook()
                self.stdout.write("Webhook deleted: use `exdesk telegram_poll` to receive.")
                return
            url = self._webhook_url(public_url)
            telegram.set_webhook(url)
        except telegram.ApiError as error:
            raise CommandError(f"Telegram refused: {error.reason}") from None
        self.stdout.write(f"Webhook set: {url}")

    def _webhook_url(self, public_url: str) -> str:
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError("Set EXDESK_TELEGRAM_WEBHOOK_SECRET first.")
        if not public_url.startswith("https://"):
            raise CommandError("Telegram only posts to https:// addresses.")
        return public_url.rstrip("/") + reverse("messaging:telegram_webhook")
