from django.core.management.base import BaseCommand

from exdesk.helpcenter import services


class Command(BaseCommand):
    help = "Rebuild the help-center search index from the published articles."

    def handle(self, *args, **options):
        count = services.reindex_all()
        self.stdout.write(f"Re-indexed {count} articles.")
