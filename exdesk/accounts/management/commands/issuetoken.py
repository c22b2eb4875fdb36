from django.core.management.base import BaseCommand, CommandError

from exdesk.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a staff account and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account named {username!r}")
        _token, key = ApiToken.issue(user, name)
        self.stdout.write(key)
