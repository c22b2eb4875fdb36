from django.core.management.base import BaseCommand

from exdesk.helpcenter import starter


class Command(BaseCommand):
    help = (
        "Load the starter knowledge base (articles in en and zh-Hans, glossary, search "
        "synonyms). Idempotent: what exists already is left as edited."
    )

    def handle(self, *args, **options):
        added = starter.load()
        self.stdout.write(
            "Starter knowledge base: {articles} articles, {terms} glossary terms, "
            "{sections} sections, {synonyms} synonym groups added.".format(**added)
        )
