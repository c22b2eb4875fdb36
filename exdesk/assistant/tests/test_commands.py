"""`exdesk assistant evaluate|train|report` and the classifier they drive."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from exdesk.assistant import services
from exdesk.assistant.classifier import IntentClassifier
from exdesk.assistant.models import IntentModel


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def default_csvs(tmp_path):
    rows = services.default_examples()
    train = [
        (text, intent) for intent, language, text, held in rows if language == "en" and not held
    ]
    test = [(text, intent) for intent, language, text, held in rows if language == "en" and held]
    return _write(tmp_path / "train.csv", train), _write(tmp_path / "test.csv", test)


def test_evaluate_prints_one_json_line(default_csvs, capsys):
    train, test = default_csvs
    call_command("assistant", "evaluate", "--train", train, "--test", test, "--shots", "10")
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {
        "accuracy",
        "macro_f1",
        "train_seconds",
        "p50_ms",
        "p99_ms",
        "n_train",
        "n_test",
    }
    assert result["n_train"] == 36 * 10 and result["n_test"] == 36 * 8
    assert result["accuracy"] > 0.6 and result["p99_ms"] > 0


def test_evaluate_per_label(default_csvs, capsys):
    train, test = default_csvs
    call_command("assistant", "evaluate", "--train", train, "--test", test, "--per-label")
    result = json.loads(capsys.readouterr().out)
    assert result["per_label"]["deposit_not_credited"]["support"] == 8


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "no rows"),
        ([("", "a")], "must not be empty"),
    ],
)
def test_evaluate_refuses_bad_files(tmp_path, rows, message):
    bad = _write(tmp_path / "bad.csv", rows)
    with pytest.raises(CommandError, match=message):
        call_command("assistant", "evaluate", "--train", bad, "--test", bad)


def test_evaluate_refuses_a_wrong_header_and_a_missing_file(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("question,label\nhi,greeting\n", encoding="utf-8")
    with pytest.raises(CommandError, match="header"):
        call_command("assistant", "evaluate", "--train", str(wrong), "--test", str(wrong))
    with pytest.raises(CommandError):
        call_command(
            "assistant", "evaluate", "--train", str(tmp_path / "none.csv"), "--test", str(wrong)
        )


def test_evaluate_refuses_zero_shots(default_csvs):
    train, test = default_csvs
    with pytest.raises(CommandError, match="at least 1"):
        call_command("assistant", "evaluate", "--train", train, "--test", test, "--shots", "0")


@pytest.mark.django_db
def test_train_stores_the_live_model_and_report_scores_it(capsys):
    call_command("assistant", "train")
    metrics = json.loads(capsys.readouterr().out)
    assert IntentModel.objects.count() == 1 and metrics["accuracy"] > 0.7
    call_command("assistant", "report")
    report = json.loads(capsys.readouterr().out)
    assert report["held_out"] == 36 * 16 and report["accuracy"] == metrics["accuracy"]


def test_a_classifier_needs_two_intents_and_survives_single_examples():
    with pytest.raises(ValueError, match="two intents"):
        IntentClassifier().fit(["a", "b"], ["x", "x"])
    model = IntentClassifier().fit(["deposit missing", "forgot password"], ["deposit", "login"])
    assert model.temperature == 1.0  # too few examples to calibrate
    again = IntentClassifier.loads(model.dumps())
    assert again.predict("my deposit is missing").label == "deposit"
    with pytest.raises(TypeError):
        IntentClassifier.loads(__import__("pickle").dumps({"not": "a model"}))
