"""The intent classifier of the built-in engine: TF-IDF features, a linear SVM, temperature-scaled softmax.

Features are TF-IDF over the folded text (`nlu.normalise.fold`): character n-grams within word
boundaries (robust to the misspellings and inflections that folding leaves) plus word uni/bigrams.
The classifier is a linear SVM; its scores become probabilities by temperature scaling (a softmax
whose one temperature is fitted, by log-loss, on cross-validated scores of the training data).
A linear SVM trained ten times faster than logistic regression here and was at least as accurate on
the held-out set; see bench/README.md, "NLU", for the figures behind each choice.

Training uses scikit-learn; inference does not. A single message is turned into its sparse feature
vector by hand and dotted with the learnt weights, because scikit-learn's per-call overhead alone is
several times a whole parse. The hand path reproduces scikit-learn's arithmetic step by step (the same
n-grams, counted, sorted by column, sublinear tf times idf, l2-normalised per block, then a dot product
with the same weight rows), so the scores are not merely close but the same floating-point numbers;
`tests/nlu/test_classifier.py` checks that on every training, held-out and look-alike message.

Where the time went before (bench/README.md, "NLU"): scikit-learn's analyzers and `np.unique` per call.
Now each word's character n-gram columns are looked up in a table built once from the word vocabulary
(every word the model has seen), and only words it has never seen are cut into n-grams at parse time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

__all__ = ["Model", "char_wb_ngrams", "fit", "softmax", "vectorizers", "word_ngrams"]


def vectorizers(char_ngrams: tuple[int, int], word_ngrams: tuple[int, int]) -> list[TfidfVectorizer]:
    """The two feature blocks, unfitted: character n-grams inside words, word n-grams."""
    common = {"lowercase": False, "sublinear_tf": True, "dtype": np.float64}
    return [
        TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, **common),
        TfidfVectorizer(analyzer="word", ngram_range=word_ngrams, token_pattern=r"\S+", **common),
    ]


def char_wb_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """The character n-grams of one word padded with a space each side, as scikit-learn's `char_wb` cuts them."""
    padded = f" {word} "
    size = len(padded)
    out: list[str] = []
    for n in range(lo, hi + 1):
        if n >= size:  # a short word counts once, whole
            out.append(padded)
            break
        out.extend(padded[i : i + n] for i in range(size - n + 1))
    return out


def word_ngrams(words: list[str], lo: int, hi: int) -> list[str]:
    """Word n-grams of a folded message, as scikit-learn's `word` analyzer makes them (order aside)."""
    out = list(words) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, len(words)) + 1):
        out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature-scaled softmax along the last axis."""
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    exp = np.exp(z)
    return exp / exp.sum(axis=-1, keepdims=True)


@dataclass
class _Block:
    """One fitted TF-IDF block reduced to what inference needs."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    coef_t: np.ndarray  # (n_block_features, n_labels), feature-major: a message touches a few rows


class Model:
    """A fitted classifier. Pickled as its learnt arrays and vectorisers; lookup tables are rebuilt on load."""

    def __init__(
        self,
        labels: tuple[str, ...],
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float,
        fitted: list[TfidfVectorizer],
    ) -> None:
        self.labels = labels
        self.coef = coef  # (n_labels, n_features)
        self.intercept = intercept  # (n_labels,)
        self.temperature = temperature
        self.vectorizers = fitted
        self.prepare()

    def prepare(self) -> None:
        """Build the inference tables from the fitted vectorisers."""
        coef_t = np.ascontiguousarray(self.coef.T)
        chars, words = self.vectorizers
        self._char_range: tuple[int, int] = chars.ngram_range
        self._word_range: tuple[int, int] = words.ngram_range
        offset = 0
        self._blocks: list[_Block] = []
        for vec in self.vectorizers:
            size = len(vec.vocabulary_)
            self._blocks.append(_Block(vec.vocabulary_, vec.idf_, coef_t[offset : offset + size]))
            offset += size
        # Every word the model knows (its word unigrams) -> the columns of its character n-grams, as an array: a
        # message's columns are these concatenated (converting Python ints to an array costs per element).
        self._word_chars: dict[str, np.ndarray] = {
            w: np.array(self._char_columns(w), dtype=np.intp) for w in self._blocks[1].vocabulary if " " not in w
        }

    def __getstate__(self) -> dict[str, object]:
        return {k: self.__dict__[k] for k in ("labels", "coef", "intercept", "temperature", "vectorizers")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.prepare()

    def _char_columns(self, word: str) -> tuple[int, ...]:
        get = self._blocks[0].vocabulary.get
        return tuple(j for j in map(get, char_wb_ngrams(word, *self._char_range)) if j is not None)

    def columns(self, folded: str) -> tuple[np.ndarray, list[int]]:
        """The vocabulary columns (with repeats) of the character and the word block for one folded message."""
        words = folded.split()
        known = self._word_chars
        parts: list[np.ndarray] = []
        unseen: list[int] = []  # the columns of unseen words, converted to one array at the end
        for word in words:
            cols = known.get(word)
            if cols is None:
                unseen += self._char_columns(word)
            else:
                parts.append(cols)
        if unseen:
            parts.append(np.array(unseen, dtype=np.intp))
        chars = np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)
        get = self._blocks[1].vocabulary.get
        found = [j for j in map(get, word_ngrams(words, *self._word_range)) if j is not None]
        return chars, found

    def scores(self, folded: str) -> np.ndarray:
        """SVM scores for one folded message: scikit-learn's decision_function, the same floating-point values."""
        chars, words = self.columns(folded)
        # The intercept, plus the character block, plus the word block, in that order (always a new array).
        scores = (
            self.intercept + _block_scores(self._blocks[0], *_counted_array(chars))
            if chars.size
            else self.intercept.copy()
        )
        if words:
            scores += _block_scores(self._blocks[1], *_counted_list(words))
        return scores

    def probabilities(self, folded: str) -> np.ndarray:
        """Calibrated class probabilities for one folded message (`softmax` for one row, in place)."""
        z = self.scores(folded) / self.temperature
        z -= z.max()
        exp = np.exp(z)
        exp /= exp.sum()
        return exp


# A block's columns in ascending order and how often each occurs (None: each once). The character block has ~100
# columns with many repeats and comes as an array; the word block a dozen, mostly once, as Python ints. Each NumPy
# call costs thousands of instructions whatever its size and converting Python ints costs per element, so each is
# counted its cheaper way (callgrind, bench/README.md "Parse latency").


def _counted_array(found: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    ordered = np.sort(found)
    first = np.empty(ordered.size, dtype=bool)  # where a run of equal columns starts
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    cols = ordered[first]
    if cols.size == ordered.size:
        return cols, None
    return cols, np.bincount(first.cumsum() - 1)  # each column's run number, counted


def _counted_list(found: list[int]) -> tuple[np.ndarray, np.ndarray | None]:
    distinct = set(found)
    if len(distinct) == len(found):
        return np.array(sorted(distinct), dtype=np.intp), None
    tf = Counter(found)
    keys = sorted(tf)
    return np.array(keys, dtype=np.intp), np.array(list(map(tf.__getitem__, keys)), dtype=np.intp)


def _block_scores(block: _Block, cols: np.ndarray, counts: np.ndarray | None) -> np.ndarray:
    # What TfidfVectorizer + the dot product do, in the same order: counts per column (ascending), sublinear tf,
    # idf, l2 normalisation, then the weights times the block's rows of coefficients.
    # Every n-gram once (counts None): 1 + log(1) is exactly 1, so the weights are the idf, the same numbers without
    # three array operations.
    idf = block.idf.take(cols)
    weights = idf if counts is None else (1.0 + np.log(counts)) * idf
    weights /= math.sqrt(float(weights @ weights))
    result: np.ndarray = weights @ block.coef_t.take(cols, axis=0)
    return result


def _fit_temperature(x: Any, intents: np.ndarray, labels: np.ndarray, c: float, seed: int) -> float:
    """The softmax temperature that minimises log-loss on cross-validated SVM scores."""
    counts = np.unique(intents, return_counts=True)[1]
    folds = int(min(5, counts.min()))
    if folds < 2:
        return 0.1  # too little data to calibrate; a typical value for these scores
    scores = np.full((len(intents), len(labels)), -1.0)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(intents)), intents):
        clf = LinearSVC(C=c, random_state=seed).fit(x[train_idx], intents[train_idx])
        columns = np.searchsorted(labels, clf.classes_)
        scores[np.ix_(test_idx, columns)] = clf.decision_function(x[test_idx])
    truth = np.searchsorted(labels, intents)
    best_t, best_loss = 0.1, math.inf
    for t in np.exp(np.linspace(math.log(0.01), math.log(3.0), 120)):
        probs = softmax(scores, float(t))
        loss = -float(np.mean(np.log(probs[np.arange(len(truth)), truth] + 1e-12)))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


def fit(
    folded: Iterable[str],
    intents: list[str],
    *,
    c: float,
    char_ngrams: tuple[int, int],
    word_ngrams: tuple[int, int],
    seed: int,
) -> Model:
    """Train on folded texts and their intents."""
    fitted = vectorizers(char_ngrams, word_ngrams)
    union = FeatureUnion([(f"v{i}", v) for i, v in enumerate(fitted)])
    x = union.fit_transform(list(folded)).tocsr()
    y = np.asarray(intents)
    clf = LinearSVC(C=c, random_state=seed).fit(x, y)
    labels = np.asarray(clf.classes_)
    return Model(
        labels=tuple(str(label) for label in labels),
        coef=np.ascontiguousarray(clf.coef_, dtype=np.float64),
        intercept=np.asarray(clf.intercept_, dtype=np.float64),
        temperature=_fit_temperature(x, y, labels, c, seed),
        fitted=fitted,
    )
