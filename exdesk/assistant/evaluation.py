"""Measuring an intent classifier: a fresh model trained on one labelled set and scored
on another, with the latency of one message at a time, as it runs in production."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

from .classifier import IntentClassifier


def read_labelled_csv(path: str | Path) -> tuple[list[str], list[str]]:
    """Rows of a CSV with columns ``text,category``. A clear error for anything else."""
    texts: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "category"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: the header must name the columns text and category")
        for line, row in enumerate(reader, start=2):
            text, label = (row["text"] or "").strip(), (row["category"] or "").strip()
            if not text or not label:
                raise ValueError(f"{path}, line {line}: text and category must not be empty")
            texts.append(text)
            labels.append(label)
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels


def first_shots(texts: list[str], labels: list[str], shots: int):
    """The first ``shots`` examples of each category, in file order."""
    seen: Counter[str] = Counter()
    kept_texts, kept_labels = [], []
    for text, label in zip(texts, labels, strict=True):
        if seen[label] < shots:
            seen[label] += 1
            kept_texts.append(text)
            kept_labels.append(label)
    return kept_texts, kept_labels


def per_label(truth: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support of every label in ``truth``."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        label: {
            "precision": float(p),
            "recall": float(r),
            "f1": float(f),
            "support": int(n),
        }
        for label, p, r, f, n in zip(labels, precision, recall, f1, support, strict=True)
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def evaluate(
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    *,
    shots: int | None = None,
    classifier: IntentClassifier | None = None,
) -> dict:
    train_texts, train_labels = train
    if shots is not None:
        if shots < 1:
            raise ValueError("--shots must be at least 1")
        train_texts, train_labels = first_shots(train_texts, train_labels, shots)
    model = classifier or IntentClassifier()
    started = time.perf_counter()
    model.fit(train_texts, train_labels)
    train_seconds = time.perf_counter() - started

    test_texts, test_labels = test
    model.predict(test_texts[0])  # the first call loads lazily-built tables
    predicted, latencies = [], []
    for text in test_texts:
        started = time.perf_counter()
        predicted.append(model.predict(text).label)
        latencies.append((time.perf_counter() - started) * 1000)
    labels = per_label(test_labels, predicted)
    accuracy = sum(t == p for t, p in zip(test_labels, predicted, strict=True)) / len(test_labels)
    return {
        "accuracy": round(accuracy, 4),
        "macro_f1": round(sum(s["f1"] for s in labels.values()) / len(labels), 4),
        "train_seconds": round(train_seconds, 2),
        "p50_ms": round(_percentile(latencies, 0.50), 3),
        "p99_ms": round(_percentile(latencies, 0.99), 3),
        "n_train": len(train_texts),
        "n_test": len(test_texts),
        "per_label": labels,
    }
