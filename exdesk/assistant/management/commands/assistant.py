"""``exdesk assistant evaluate|train|report``: the assistant's model from the command line."""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Evaluate or retrain the assistant's intent classifier."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        evaluate = commands.add_parser(
            "evaluate", help="Train a fresh classifier on one CSV (text,category), score another."
        )
        evaluate.add_argument("--train", required=True, help="CSV with columns text,category")
        evaluate.add_argument("--test", required=True, help="CSV with columns text,category")
        evaluate.add_argument("--shots", type=int, help="keep the first N examples per category")
        evaluate.add_argument(
            "--per-label", action="store_true", help="also print precision/recall per category"
        )
        commands.add_parser("train", help="Retrain the live model from the intents' examples.")
        commands.add_parser(
            "report", help="Score the default taxonomy's held-out examples (docs/assistant.md)."
        )

    def handle(self, *args, action: str, **options) -> None:
        # One message at a time on one core is how it runs in production.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        if action == "evaluate":
            self._evaluate(options)
        elif action == "train":
            from exdesk.assistant import services

            model = services.retrain(actor=None)
            self.stdout.write(json.dumps(model.metrics, ensure_ascii=False))
        else:
            from exdesk.assistant import services

            self.stdout.write(json.dumps(services.held_out_report(), ensure_ascii=False))

    def _evaluate(self, options) -> None:
        from exdesk.assistant.evaluation import evaluate, read_labelled_csv

        try:
            train = read_labelled_csv(options["train"])
            test = read_labelled_csv(options["test"])
            result = evaluate(train, test, shots=options["shots"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        per_label = result.pop("per_label")
        if options["per_label"]:
            result["per_label"] = per_label
        self.stdout.write(json.dumps(result))
