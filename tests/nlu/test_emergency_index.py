"""The danger lexicon's index of first words only saves work: it finds what running every pattern finds."""

from __future__ import annotations

from pathlib import Path

from nlu import emergency
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from nlu.normalise import fold

ROOT = Path(__file__).resolve().parents[2]


def _every_pattern(folded: str) -> str | None:
    lexicon = emergency._lexicon()
    entries = {id(e): e for index in (lexicon.whole, lexicon.prefix) for es in index.values() for e in es}
    hits = [
        category
        for category, regex, excluded in entries.values()
        if any(not excluded or not emergency._excluded(excluded, folded, m) for m in regex.finditer(folded))
    ]
    order = list(emergency.CATEGORIES)
    return min(hits, key=order.index) if hits else None


def test_the_index_finds_what_every_pattern_finds() -> None:
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    found = 0
    for text in texts:
        folded = fold(text)
        expected = _every_pattern(folded) if folded else None
        assert emergency.detect(text, folded) == expected, text
        found += expected is not None
    assert found > 100  # the messages do exercise the patterns
