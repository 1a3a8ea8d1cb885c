"""The engine's ranking, sorted as Python floats, is the stable argsort of the probabilities it replaced."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlu.builtin import MAX_CLASSIFY_CHARS, BuiltinEngine, _ranked
from nlu.datafile import data_files, read_nlu_file
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]


def _reference(labels: tuple[str, ...], probs: np.ndarray) -> list[tuple[str, float]]:
    order = np.argsort(-probs, kind="stable")
    return [(labels[i], float(probs[i])) for i in order]


def test_ties_keep_the_label_order() -> None:
    labels = ("a", "b", "c", "d", "e")
    probs = np.array([0.2, 0.4, 0.2, 0.0, 0.2])
    assert (
        _ranked(labels, probs)
        == _reference(labels, probs)
        == [
            ("b", 0.4),
            ("a", 0.2),
            ("c", 0.2),
            ("e", 0.2),
            ("d", 0.0),
        ]
    )


def test_every_held_out_ranking_is_the_argsort(real_engine: BuiltinEngine) -> None:
    model = real_engine._model
    texts = [e.text for p in data_files(ROOT / "nlu" / "test") for e in read_nlu_file(p).examples]
    for text in texts:
        folded = fold(text[:MAX_CLASSIFY_CHARS])
        probs = model.probabilities(folded)
        assert _ranked(model.labels, probs) == _reference(model.labels, probs), text
        assert real_engine.rank(text) == _reference(model.labels, probs), text
