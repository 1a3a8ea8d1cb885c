"""`fold_spans` takes shortcuts (whole-string passes where no span moves); it gives what the plain pipeline gives.

The reference below is the pipeline as first written: one character at a time, then every rule as a
substitution that carries the spans along. Checked on every message the project has and on messy text.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import normalise as n
from nlu.datafile import data_files, read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS
from tests.nlu.test_properties import messy

ROOT = Path(__file__).resolve().parents[2]

_GREEKLISH = n._table(n._GREEKLISH_MAP)
_EARLY_VOWELS = n._table({"ω": "ο", "η": "ι"})
_LATE_VOWELS = n._table({"υ": "ι", "ϊ": "ι", "ϋ": "ι"})


def reference_fold_spans(text: str) -> tuple[str, list[int], list[int]]:
    spans = n._char_pass_each(text)
    spans = n._sub(spans, n._DIGIT_LETTER, lambda m: "θ" if m.group(0) == "8" else "ξ")
    spans = n._sub(spans, n._H_INITIAL, lambda m: "χ")
    spans = n._sub(spans, n._TH_ARTICLE, lambda m: "στη" if m.group(0) == "sth" else "τη")
    spans = n._sub(spans, *_GREEKLISH)
    spans = n._sub(spans, n._OU, lambda m: "u")
    spans = n._sub(spans, n._AV, lambda m: "β")
    spans = n._sub(spans, *_EARLY_VOWELS)
    spans = n._sub(spans, *n._VOWEL_PAIRS)
    spans = n._sub(spans, *_LATE_VOWELS)
    spans = n._sub(spans, *n._CLUSTERS)
    spans = n._sub(spans, n._V_VOICELESS, lambda m: "φ")
    spans = n._sub(spans, n._DOUBLE, lambda m: m.group(1))
    spans = n._sub(spans, n._SPACE, lambda m: " ")
    s, st_, en = spans
    lead = len(s) - len(s.lstrip(" "))
    trail = len(s.rstrip(" "))
    return s[lead:trail], st_[lead:trail], en[lead:trail]


def test_every_message_folds_as_the_reference_does() -> None:
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    texts += [
        "ΐ ϊ ι\u0308 αϊ",
        "½ ﬁ ß İ",
        "\u0301α",
        "8elo 3erw sthn kozanh",
        "jj uu ckh ou au eu sth ths",
        "a\x00b ου\x00",
    ]
    for text in texts:
        assert n.fold_spans(text) == reference_fold_spans(text), text


@given(messy)
@settings(max_examples=400, deadline=None)
def test_messy_text_folds_as_the_reference_does(text: str) -> None:
    assert n.fold_spans(text) == reference_fold_spans(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz hHTSJU83αβγδεηιυωοϊϋμπντκσ ", max_size=60))
@settings(max_examples=400, deadline=None)
def test_greeklish_and_greek_letters_fold_as_the_reference_does(text: str) -> None:
    assert n.fold_spans(text) == reference_fold_spans(text)
