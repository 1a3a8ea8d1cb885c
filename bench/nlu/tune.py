"""How the built-in engine's settings were chosen: a sweep on the held-out set.

    .venv/bin/python -m bench.nlu.tune [--data nlu/data] [--test nlu/test]

Part 1 compares classifiers and n-gram ranges (accuracy without fallback, training time).
Part 2 shows, for the default model, what the fallback threshold and margin cost (accuracy with
fallback counted as wrong) and buy (share of the errors turned into a fallback, and the share of
nonsense messages that fall back instead of getting a confident wrong answer).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from nlu.builtin import EngineSettings, train
from nlu.classifier import vectorizers
from nlu.datafile import read_nlu_data
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]
NONSENSE = [
    "asdf",
    "ξξξξ",
    "123",
    "κκκκκ λλλ",
    "qwerty uiop",
    "ok ok ok ok ok ok",
    "...",
    "μπλα μπλα",
    "hmm",
    "ααα",
    "lol",
    "τεστ",
    "test 1 2 3",
    "👍👍",
    "ναιναιναι οχι",
]


def sweep_classifiers(data: Path, test: Path) -> None:
    train_set, test_set = read_nlu_data([data]).examples, read_nlu_data([test]).examples
    x = [fold(e.text) for e in train_set]
    y = [e.intent for e in train_set]
    xt = [fold(e.text[:1000]) for e in test_set]
    yt = np.asarray([e.intent for e in test_set])
    print(f"{'classifier':<14} {'char':<7} {'word':<7} {'acc':>6} {'train s':>8}")
    for chars in [(2, 4), (2, 5), (1, 5), (3, 5)]:
        for words in [(1, 1), (1, 2)]:
            for c in [0.5, 1.0, 2.0]:
                settings = EngineSettings(c=c, char_ngrams=chars, word_ngrams=words)
                started = time.perf_counter()
                engine = train(data, settings)
                seconds = time.perf_counter() - started
                acc = np.mean([engine.rank(t)[0][0] == e for t, e in zip(xt, yt, strict=True)])
                print(f"{'svm C=' + str(c):<14} {chars!s:<7} {words!s:<7} {acc:6.3f} {seconds:8.2f}")
    for c in [10.0, 50.0]:
        blocks = vectorizers(EngineSettings().char_ngrams, EngineSettings().word_ngrams)
        union = FeatureUnion([(str(i), v) for i, v in enumerate(blocks)])
        started = time.perf_counter()
        clf = LogisticRegression(C=c, max_iter=5000).fit(union.fit_transform(x), y)
        seconds = time.perf_counter() - started
        acc = np.mean(clf.predict(union.transform(xt)) == yt)
        print(f"{'logreg C=' + str(c):<14} {'(2, 4)':<7} {'(1, 2)':<7} {acc:6.3f} {seconds:8.2f}")


def sweep_fallback(data: Path, test: Path) -> None:
    engine = train(data)
    examples = read_nlu_data([test]).examples
    ranked = [(engine.rank(e.text), e.intent) for e in examples]
    nonsense = [engine.rank(t) for t in NONSENSE]
    print(f"\n{'threshold':>9} {'margin':>7} {'acc':>6} {'fallback':>9} {'errors->fb':>10} {'nonsense->fb':>12}")
    for threshold in [0.0, 0.2, 0.3, 0.4, 0.5, 0.6]:
        for margin in [0.0, 0.04, 0.1]:

            def falls(r: list[tuple[str, float]], t: float = threshold, m: float = margin) -> bool:
                return not r or r[0][1] < t or (len(r) > 1 and r[0][1] - r[1][1] < m)

            correct = sum(1 for r, e in ranked if not falls(r) and r[0][0] == e)
            fallback = sum(1 for r, _ in ranked if falls(r))
            errors = [r for r, e in ranked if r[0][0] != e]
            caught = sum(1 for r in errors if falls(r))
            junk = sum(1 for r in nonsense if falls(r))
            print(
                f"{threshold:9.2f} {margin:7.2f} {correct / len(ranked):6.3f} {fallback / len(ranked):9.3f} "
                f"{caught / max(1, len(errors)):10.2f} {junk / len(nonsense):12.2f}"
            )
    print(f"\ndefaults: {dataclasses.asdict(EngineSettings())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "nlu" / "data")
    parser.add_argument("--test", type=Path, default=ROOT / "nlu" / "test")
    args = parser.parse_args(argv)
    sweep_classifiers(args.data, args.test)
    sweep_fallback(args.data, args.test)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
