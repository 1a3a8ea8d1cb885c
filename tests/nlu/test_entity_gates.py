"""The date and time patterns are skipped on a message without a digit or a day word; this never skips a match.

Checked on every message the project has, on crafted cases and on random sequences of dates, times, day words and
numbers: whenever a pattern matches, its test lets it run.
"""

from __future__ import annotations

import random
from pathlib import Path

from nlu import entities
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]

_CRAFTED = [
    "ραντεβού 25/12 στις 10:30",
    "avrio to apogevma",
    "την Παρασκευή 5 το απόγευμα",
    "day after tomorrow at 3pm",
    "25 Δεκεμβρίου",
    "στις ５ ή στις ½",  # a full-width digit; a fraction that folds to digits
    "10.30 ή 10πμ ή 7 μ.μ.",
    "το πρωί, το βράδυ, τη νύχτα",
]


def _texts() -> list[str]:
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    texts += _CRAFTED
    words = [*" ".join(_CRAFTED).split(), *entities._DAY_WORDS, *entities._PART_WORDS, "3", "15", "στις", "at", "το"]
    rng = random.Random(3)
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(3_000)]
    return texts


def test_no_date_or_time_pattern_matches_where_its_test_skips_it() -> None:
    matched = dict.fromkeys(["num_date", "num_time", "word_date", "word_time", "part"], 0)
    for text in _texts():
        folded = fold(text)
        words = folded.split()
        if entities._NUM_DATE.search(text) or entities._NUM_TIME.search(text):
            assert entities._DIGIT.search(text), text
        if entities._WORD_DATE.search(folded):
            assert entities._DIGIT.search(folded) or not entities._DAY_WORDS.isdisjoint(words), text
        if entities._WORD_TIME.search(folded):
            assert entities._DIGIT.search(folded), text
        if entities._PART_ONLY.search(folded):
            assert not entities._PART_WORDS.isdisjoint(words), text
        for name, pattern, on in [
            ("num_date", entities._NUM_DATE, text),
            ("num_time", entities._NUM_TIME, text),
            ("word_date", entities._WORD_DATE, folded),
            ("word_time", entities._WORD_TIME, folded),
            ("part", entities._PART_ONLY, folded),
        ]:
            matched[name] += pattern.search(on) is not None
    assert min(matched.values()) > 300, matched  # every pattern is exercised
