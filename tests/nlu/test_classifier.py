"""The classifier's hand-written inference path gives scikit-learn's features and the very same scores.

Checked on every message the project has: the training data, the held-out registers and the look-alikes of
danger. "The same" means equal floating-point numbers against the reference computation (the straightforward
`np.unique` version this path replaced), and equal to scikit-learn's own transform + decision function up to
the order in which it adds the terms.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.pipeline import FeatureUnion

from nlu.builtin import MAX_CLASSIFY_CHARS, BuiltinEngine
from nlu.classifier import Model, char_wb_ngrams, softmax, word_ngrams
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folded_messages() -> list[str]:
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    texts += ["", "zzz qqq", "α", "ab", "θέλω ραντεβού " * 100]
    return [fold(t[:MAX_CLASSIFY_CHARS]) for t in texts]


def _reference_scores(model: Model, folded: str) -> np.ndarray:
    """The computation the fast path replaced: scikit-learn's analyzers, `np.unique`, TF-IDF, dot product."""
    scores = model.intercept.copy()
    coef_t = np.ascontiguousarray(model.coef.T)
    offset = 0
    for vec in model.vectorizers:
        analyzer = vec.build_analyzer()
        found = [j for j in map(vec.vocabulary_.get, analyzer(folded)) if j is not None]
        if found:
            cols, tf = np.unique(np.asarray(found, dtype=np.intp), return_counts=True)
            weights = (1.0 + np.log(tf)) * vec.idf_[cols]
            weights /= math.sqrt(float(weights @ weights))
            scores += weights @ coef_t[cols + offset]
        offset += len(vec.vocabulary_)
    return scores


def test_ngrams_are_scikit_learns(real_engine: BuiltinEngine, folded_messages: list[str]) -> None:
    chars, words = real_engine._model.vectorizers
    char_analyzer, word_analyzer = chars.build_analyzer(), words.build_analyzer()
    for folded in folded_messages:
        ours = [g for w in folded.split() for g in char_wb_ngrams(w, *chars.ngram_range)]
        assert Counter(ours) == Counter(char_analyzer(folded)), folded
        assert Counter(word_ngrams(folded.split(), *words.ngram_range)) == Counter(word_analyzer(folded)), folded


def test_columns_are_the_vocabulary_columns_of_those_ngrams(
    real_engine: BuiltinEngine, folded_messages: list[str]
) -> None:
    model = real_engine._model
    for folded in folded_messages:
        chars, words = model.columns(folded)
        for vec, ours in zip(model.vectorizers, (chars.tolist(), words), strict=True):
            expected = [j for j in map(vec.vocabulary_.get, vec.build_analyzer()(folded)) if j is not None]
            assert Counter(ours) == Counter(expected), folded


def test_scores_and_probabilities_are_the_reference_numbers(
    real_engine: BuiltinEngine, folded_messages: list[str]
) -> None:
    model = real_engine._model
    for folded in folded_messages:
        reference = _reference_scores(model, folded)
        assert np.array_equal(model.scores(folded), reference), folded
        assert np.array_equal(model.probabilities(folded), softmax(reference, model.temperature)), folded


def test_scores_are_scikit_learns_decision_function(real_engine: BuiltinEngine, folded_messages: list[str]) -> None:
    model = real_engine._model
    union = FeatureUnion([(str(i), v) for i, v in enumerate(model.vectorizers)])
    expected = np.asarray(union.transform(folded_messages) @ model.coef.T) + model.intercept
    ours = np.stack([model.scores(f) for f in folded_messages])
    assert np.allclose(ours, expected, rtol=1e-12, atol=1e-12)


def test_char_ngrams_of_short_and_long_words() -> None:
    assert char_wb_ngrams("α", 2, 4) == [" α", "α ", " α "]
    assert char_wb_ngrams("ab", 2, 4) == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert word_ngrams(["a", "b", "c"], 1, 2) == ["a", "b", "c", "a b", "b c"]


def test_both_ways_of_weighting_are_exercised(real_engine: BuiltinEngine, folded_messages: list[str]) -> None:
    # `_block_scores` skips the logarithm when every n-gram of a block occurs once; the test above compares both
    # ways with the reference, so both must occur among the messages.
    once = repeated = 0
    for folded in folded_messages:
        chars, words = real_engine._model.columns(folded)
        for found in (chars.tolist(), words):
            distinct = len(set(found))
            once += 0 < distinct == len(found)
            repeated += distinct < len(found)
    assert once > 1_000 and repeated > 1_000
