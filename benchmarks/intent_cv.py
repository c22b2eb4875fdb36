"""Cross-validated accuracy of the intent classifier on a labelled CSV (default: all of
Banking77's train.csv), as a check on figures chosen on its dev split. Prints one JSON
object.

    python benchmarks/intent_cv.py [--file ../shared/data/banking77/train.csv] [--folds 5]

Each fold trains a fresh classifier exactly as ``exdesk assistant evaluate`` does and
scores the rows it did not see, in batches (latency is measured by evaluate, not here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exdesk.settings")
os.environ.setdefault("EXDESK_DEMO", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--file", default=str(ROOT.parent / "shared/data/banking77/train.csv"), type=Path
    )
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from exdesk.assistant.classifier import IntentClassifier
    from exdesk.assistant.evaluation import read_labelled_csv

    texts, labels = read_labelled_csv(args.file)
    texts_array, labels_array = np.array(texts, dtype=object), np.array(labels)
    scores, seconds = [], []
    for train, test in StratifiedKFold(args.folds, shuffle=True, random_state=0).split(
        texts_array, labels_array
    ):
        started = time.perf_counter()
        model = IntentClassifier().fit(list(texts_array[train]), list(labels_array[train]))
        seconds.append(time.perf_counter() - started)
        predicted = [p.label for p in model.predict_many(list(texts_array[test]))]
        scores.append(float(np.mean(np.array(predicted) == labels_array[test])))
    print(
        json.dumps(
            {
                "file": args.file.name,
                "folds": args.folds,
                "accuracy_mean": round(float(np.mean(scores)), 4),
                "accuracy_per_fold": [round(s, 4) for s in scores],
                "train_seconds_mean": round(float(np.mean(seconds)), 1),
                "n": len(texts),
            }
        )
    )


if __name__ == "__main__":
    main()
