"""The intent classifier's parts: the sentence encoder, its int8 model and the two-view
average."""

import numpy as np
import pytest

from exdesk.assistant.classifier import IntentClassifier, _int8_model, sentence_encoder


def test_the_int8_model_is_built_once_and_left_whole(tmp_path):
    built = _int8_model(tmp_path)
    first_write = built.stat().st_mtime_ns
    assert _int8_model(tmp_path) == built
    assert built.stat().st_mtime_ns == first_write
    # Nothing half-written is left beside it.
    assert [p.name for p in tmp_path.iterdir()] == [built.name]


def test_sentences_land_near_their_paraphrases():
    deposit, paraphrase, password = sentence_encoder().encode(
        [
            "I deposited USDT two hours ago and it is not in my account",
            "my usdt deposit still hasn't arrived",
            "how can I change my login password",
        ]
    )
    assert np.linalg.norm(deposit) == pytest.approx(1.0, abs=1e-5)
    assert deposit @ paraphrase > deposit @ password + 0.2


def test_one_message_is_encoded_as_it_is_in_a_batch():
    texts = ["where is my withdrawal", "card payment declined at a shop in another country"]
    together = sentence_encoder().encode(texts)
    alone = np.vstack([sentence_encoder().encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_two_intents_calibrate_and_rank():
    deposit = [
        "my deposit has not arrived",
        "deposit missing from my balance",
        "I sent BTC and it is not credited",
        "the coins I deposited are not showing",
    ]
    login = [
        "I cannot log in to my account",
        "the login page says wrong password",
        "locked out after too many login attempts",
        "I forgot my password and cannot sign in",
    ]
    model = IntentClassifier().fit(deposit + login, ["deposit"] * 4 + ["login"] * 4)
    assert model.temperature > 0 and model.sentence_temperature > 0
    assert 0.0 <= model.lexical_share <= 1.0
    predictions = model.predict_many(["where are my deposited coins", "I can't sign in"])
    assert [p.label for p in predictions] == ["deposit", "login"]
    for p in predictions:
        assert sum(probability for _label, probability in p.ranked) == pytest.approx(1.0)
        assert 0.5 < p.confidence <= 1.0
