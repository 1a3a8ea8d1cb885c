"""The folding contract: every way citizens spell a phrase lands on one string."""

from __future__ import annotations

import pytest

from nlu.normalise import fold, fold_spans, fold_with_offsets, tokens

EQUIVALENT = [
    ["θέλω ραντεβού", "thelw rantevou", "8elo rantebou", "ΘΕΛΩ ΡΑΝΤΕΒΟΥ", "θελο ραντεβου", "thelo randevou"],
    ["χρειάζομαι βοήθεια", "xreiazomai voitheia", "hreiazomai boh8eia", "χριαζομε βοιθια", "XREIAZOMAI BOITHIA"],
    ["ευχαριστώ", "efxaristw", "eyxaristo", "euxaristw", "ΕΥΧΑΡΙΣΤΩ"],
    ["αύριο", "avrio", "aurio", "ΑΥΡΙΟ"],
    ["αυτό", "afto", "auto", "avto"],
    ["Αγγλικά", "anglika", "agglika"],
    ["στην Κοζάνη", "sthn kozanh", "stin kozani", "ΣΤΗΝ ΚΟΖΑΝΗ"],
    ["μπορώ", "mporo", "boro"],
    ["καλησπέρα σας!!", "kalhspera sas", "καλισπερα σας"],
]


@pytest.mark.parametrize("variants", EQUIVALENT, ids=lambda v: v[0])
def test_spellings_fold_to_the_same_string(variants: list[str]) -> None:
    folded = {fold(v) for v in variants}
    assert len(folded) == 1, folded


def test_fold_known_value() -> None:
    assert fold("θέλω ραντεβού") == "θελο ραδεβu"


def test_different_words_stay_different() -> None:
    assert fold("ακύρωση") != fold("αλλαγή")
    assert fold("παιδί") != fold("πόδι")


def test_dialytika_blocks_the_diphthong() -> None:
    # "αϊ" is two sounds (α-ι), "αι" is one (ε).
    assert fold("τσάι") != fold("τσαϊ") or fold("τσαϊ").endswith("αι")
    assert fold("Ευρωπαϊκό").count("ε") == 1


def test_numbers_are_kept_and_greeklish_digits_are_letters() -> None:
    assert fold("στις 10:30 στις 25/12, 2200") == "στισ 10 30 στισ 25 12 2200"
    assert fold("ka8e 3erw") == fold("κάθε ξέρω")


def test_punctuation_and_whitespace_collapse() -> None:
    assert fold("  Γεια!!!   σου...\n\t") == "για σu"
    assert fold("") == ""
    assert fold("😀 \x00 \u200b") == ""


def test_tokens() -> None:
    assert tokens("Θέλω, ραντεβού!") == ["θελο", "ραδεβu"]


@pytest.mark.parametrize(
    "text", ["Θέλω ραντεβού", "thelw rantevou 8elo", "ﬁ ½ Straße", "αϊ ι\u0308 ΐ", "x😀y", "ΚΑΛΗΜΕΡΑ sthn"]
)
def test_offsets_point_into_the_original(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    assert len(offsets) == len(folded)
    assert all(0 <= o < len(text) for o in offsets)
    assert offsets == sorted(offsets)
    _, starts, ends = fold_spans(text)
    assert all(s < e <= len(text) for s, e in zip(starts, ends, strict=True))


def test_offsets_locate_a_word() -> None:
    text = "Καλημέρα, θέλω ΡΑΝΤΕΒΟΥ αύριο"
    folded, starts, ends = fold_spans(text)
    i = folded.index("ραδεβu")
    j = i + len("ραδεβu") - 1
    assert text[starts[i] : ends[j]] == "ΡΑΝΤΕΒΟΥ"
