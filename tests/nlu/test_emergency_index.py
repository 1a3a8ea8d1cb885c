"""The danger lexicon's index only saves work: it finds what running every pattern over the whole text finds.

Two shortcuts are checked against the plain computation (every pattern, `finditer` over the whole folded text):
the index of first words (only the patterns a word can start are tried) and the start positions (a pattern is
tried only at the words it can start at). Checked on every message the project has and on random sequences of the
lexicon's own words, which put patterns next to each other, overlapping, repeated and excluded.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nlu import emergency
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]

_CRAFTED = [
    "παιδι παιδι χτυπαει αλλα παιδια",
    "το παιδι χτυπαει το παιδι χτυπαει τα αδερφια",
    "χτυπαει χτυπαει το παιδι",
    "με με με χτυπαει",
    "τον την τα χτυπαει χτυπαει",
    "κινδυνευω να κινδυνευω",
    "κινδυνευω να χασω το σπιτι κινδυνευω",
    "μαχαιρι μαχαιριδης μαχαιρι",
    "kill kill me",
    "hit hit hit me",
    "δεν θελω να ζω δεν θελω να ζησω",
]


def _entries() -> list[emergency._Entry]:
    lexicon = emergency._lexicon()
    unique = {id(e): e for index in (lexicon.whole, lexicon.prefix) for es in index.values() for e in es}
    return list(unique.values())


def _fires_everywhere(entry: emergency._Entry, folded: str) -> bool:
    _, regex, excluded, _ = entry
    return any(not excluded or not emergency._excluded(excluded, folded, m) for m in regex.finditer(folded))


def _every_pattern(folded: str) -> str | None:
    hits = [entry[0] for entry in _entries() if _fires_everywhere(entry, folded)]
    order = list(emergency.CATEGORIES)
    return min(hits, key=order.index) if hits else None


@pytest.fixture(scope="module")
def folded_texts() -> list[str]:
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    texts += _CRAFTED
    # The lexicon's own words in random order and repeats: patterns overlap, follow each other, meet exclusions.
    words = [w.strip("=!-") for ps in emergency.CATEGORIES.values() for p in ps for w in p.replace("/", " ").split()]
    words += ["να", "το", "τα", "και", "αλλα", "αδερφια", "μου"]
    rng = random.Random(7)
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 12))) for _ in range(3_000)]
    return [f for f in map(fold, texts) if f]


def test_the_index_finds_what_every_pattern_finds(folded_texts: list[str]) -> None:
    found = 0
    for folded in folded_texts:
        expected = _every_pattern(folded)
        assert emergency.detect(folded, folded) == expected, folded
        found += expected is not None
    assert found > 1_000  # the messages do exercise the patterns


def test_each_pattern_tried_at_its_start_words_fires_as_over_the_whole_text(folded_texts: list[str]) -> None:
    lexicon = emergency._lexicon()
    tried = 0
    for folded in folded_texts:
        starts = lexicon.starts(folded)
        for entry in _entries():
            expected = _fires_everywhere(entry, folded)
            if id(entry) not in starts:
                assert not expected, (folded, entry[1].pattern)  # the index never leaves out a pattern that fires
                continue
            positions = starts[id(entry)][1]
            assert positions == sorted(set(positions))
            assert emergency._fires(entry, folded, positions) == expected, (folded, entry[1].pattern)
            tried += 1
    assert tried > 10_000
