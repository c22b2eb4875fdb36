"""``exdesk telegram_poll``: fetch the bot's updates with long polling, for a desk
Telegram cannot reach (no public HTTPS address). Run it instead of the webhook."""

from django.core.management.base import BaseCommand, CommandError

from exdesk.messaging.platforms import telegram


class Command(BaseCommand):
    help = "Receive Telegram messages by long polling (when no webhook can be set)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rounds",
            type=int,
            default=None,
            help="Stop after this many getUpdates calls (default: run until stopped).",
        )

    def handle(self, *args, rounds, **options):
        if not telegram.configured():
            raise CommandError("Set EXDESK_TELEGRAM_BOT_TOKEN first.")
        self.stdout.write("Polling Telegram for updates (Ctrl+C stops).")
        try:
            handled = telegram.long_poll(stop_after=rounds)
        except KeyboardInterrupt:
            return
        except telegram.ApiError as error:
            hint = " Run `exdesk telegram_webhook delete` first." if error.status == 409 else ""
            raise CommandError(f"Telegram refused: {error.reason}.{hint}") from None
        self.stdout.write(f"Handled {handled} update(s).")
