from django.core.management.base import BaseCommand

from exdesk.demo.loader import DEMO_API_TOKEN, DEMO_PASSWORD, load_demo, totp_base32


class Command(BaseCommand):
    help = "Load the demo support desk (idempotent) and print the demo sign-ins."

    def handle(self, *args, **options):
        result = load_demo()
        self.stdout.write(
            f"Demo data ready ({result['conversations_created']} conversations created)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo staff sign-ins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<12} {'role':<14} TOTP secret (base32)")
        for user in result["staff"].values():
            device = user.totpdevice_set.filter(confirmed=True).first()
            self.stdout.write(f"  {user.username:<12} {user.role:<14} {totp_base32(device.key)}")
        self.stdout.write(
            "  Current code for a demo account: EXDESK_DEMO=1 .venv/bin/exdesk totp <username>"
        )
        self.stdout.write(f"Demo API token (admin): {DEMO_API_TOKEN}")
