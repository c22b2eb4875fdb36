from django.core.management.base import BaseCommand

from exdesk.academy import loader


class Command(BaseCommand):
    help = (
        "Load the starter training academy (modules, lessons and questions in en and "
        "zh-Hans, exams, certifications, learning paths, drill scenarios). Idempotent: "
        "what exists already is left as edited."
    )

    def handle(self, *args, **options):
        added = loader.load_starter_academy()
        self.stdout.write(
            "Starter academy: {modules} modules, {lessons} lessons, {questions} questions, "
            "{exams} exams, {paths} paths, {scenarios} scenarios added.".format(**added)
        )
