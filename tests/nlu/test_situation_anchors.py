"""A household pattern runs only on a message that has one of its anchor words; this never skips a match.

Checked on every message the project has, on random sequences of the patterns' own words (which make the patterns
match in many combinations) and on crafted cases: for every pattern, a message it matches has one of its anchors.
"""

from __future__ import annotations

import random
from pathlib import Path

from nlu import situation
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]

_CRAFTED = [
    "είμαι άνεργη με 2 παιδιά",
    "μόνη μου με τα 3 παιδιά",
    "single mother with my 2 kids",
    "2 grown ups and 3 kids",
    "δεν έχω παιδιά",
    "μένω σε δικό μου σπίτι, πληρώνω ενοίκιο 300 ευρώ τον μήνα",
    "1 000 ευρώ το χρόνο",
    "εγώ και ο άντρας μου",
    "θέλω ραντεβού για το επίδομα παιδιού και το ΚΕΑ",
]


def _patterns() -> list[situation._Pattern]:
    found = [v for v in vars(situation).values() if isinstance(v, situation._Pattern)]
    assert len(found) == 12
    return found


def _texts() -> list[str]:
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    texts += _CRAFTED
    # The patterns' own words and numbers in random order: they match in many combinations.
    words = [*" ".join(_CRAFTED).split(), "3", "15", "δύο", "ένα", "και", "ευρώ", "euro"]
    words += [w for p in _patterns() for w in p.anchors]
    rng = random.Random(5)
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 10))) for _ in range(3_000)]
    return texts


def test_no_pattern_matches_a_message_without_one_of_its_anchors() -> None:
    patterns = _patterns()
    matched = 0
    for text in _texts():
        folded = fold(text)
        words = frozenset(folded.split())
        for pattern in patterns:
            if pattern.regex.search(folded):
                assert not pattern.anchors.isdisjoint(words), (text, pattern.regex.pattern[:80])
                matched += 1
    assert matched > 2_000  # the messages do exercise the patterns


def test_every_pattern_has_anchors_and_is_exercised() -> None:
    texts = [fold(t) for t in _texts()]
    for pattern in _patterns():
        assert pattern.anchors
        assert any(pattern.regex.search(t) for t in texts), pattern.regex.pattern[:80]
