"""Property tests: no text whatsoever makes normalisation, entities or the engine fail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlu.builtin import BuiltinEngine, train
from nlu.emergency import detect
from nlu.entities import extract_entities
from nlu.normalise import fold, fold_spans, fold_with_offsets, tokens
from nlu.types import INTENTS

_ENGINE: list[BuiltinEngine] = []


def engine() -> BuiltinEngine:
    if not _ENGINE:
        _ENGINE.append(train(Path(__file__).parent / "fixtures" / "data"))
    return _ENGINE[0]


# Greek, Greeklish, digits, punctuation, emoji, control characters, combining marks, anything.
pieces = st.sampled_from(
    [
        "θέλω",
        "ραντεβού",
        "ΑΎΡΙΟ",
        "στις",
        "10:30",
        "25/12",
        "6912345678",
        "+30 694 123 4567",
        "ϊ",
        "ΐ",
        "\u0308",
        "8elo",
        "th",
        "h",
        "ου",
        "😀",
        "\x00",
        "\u200b",
        "\r\n",
        "ﬁ",
        "½",
        "İ",
        "ß",
        " ",
        ".",
        "ς",
    ]
)
messy = st.one_of(
    st.text(),
    st.lists(pieces, max_size=40).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
)


def check_offsets(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    assert len(folded) == len(offsets)
    assert all(0 <= o < len(text) for o in offsets)
    _, starts, ends = fold_spans(text)
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))
    assert folded == fold(text)
    assert folded == folded.strip()
    assert "  " not in folded
    assert tokens(text) == folded.split()


@given(messy)
@settings(max_examples=300, deadline=None)
def test_fold_never_raises_and_offsets_lie_within_text(text: str) -> None:
    check_offsets(text)


@given(messy)
@settings(max_examples=300, deadline=None)
def test_fold_output_alphabet(text: str) -> None:
    # The folded form holds only the phonetic Greek alphabet, "u" (for ου), digits and single spaces:
    # no accents, capitals, Latin letters or punctuation survive to split one word into two keys.
    allowed = set("αβγδεζθικλμνξοπρστφχψu0123456789 ")
    assert set(fold(text)) <= allowed


@given(messy)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_engine_parses_anything(text: str) -> None:
    parse = engine().parse_sync(text)
    assert parse.intent in {*INTENTS, "nlu_fallback"}
    assert 0.0 <= parse.confidence <= 1.0
    for e in parse.entities:
        assert 0 <= e.start < e.end <= len(text)
    detect(text)


@given(messy, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_entities_any_text_any_day(text: str, today: date) -> None:
    for e in extract_entities(text, today):
        assert 0 <= e.start < e.end <= len(text)


def test_hundred_thousand_characters() -> None:
    for text in ["θέλω ραντεβού 😀\x00 " * 5_000, "α" * 100_000, "8" * 100_000, "\u0308" * 100_000]:
        check_offsets(text)
        parse = engine().parse_sync(text)
        assert all(0 <= e.start < e.end <= len(text) for e in parse.entities)
