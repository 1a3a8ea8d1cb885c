"""The plain-language limits for el-simple (knowledge/readability.py)."""

from __future__ import annotations

import pytest

from knowledge import readability
from knowledge.answers import render_documents, render_programme, render_topic, topics
from knowledge.emergency_answer import render_emergency
from knowledge.programmes import default_knowledge


def rules(text: str) -> list[str]:
    return [issue.rule for issue in readability.check_text(text)]


def test_short_plain_text_passes() -> None:
    assert rules("Κάνετε αίτηση στο Κέντρο Κοινότητας.\nΣας βοηθούν με τα χαρτιά.") == []


def test_a_long_sentence_fails() -> None:
    text = "Η αίτηση γίνεται από τον ίδιο τον αιτούντα ή μέσω του Δήμου ή του Κέντρου Κοινότητας."
    assert "sentence_length" in rules(text)


def test_two_very_long_words_in_a_sentence_fail() -> None:
    assert "long_words" in rules("Τα δικαιολογητικά για όσους δεν αυτοεξυπηρετούνται.")


def test_too_many_sentences_on_a_line_fail() -> None:
    assert "sentences_per_line" in rules("Ναι. Όχι. Ίσως.")


def test_links_tags_and_dates_are_not_counted_as_words() -> None:
    text = 'Πηγή: <a href="https://opeka.gr/elachisto-engyimeno-eisodima/nomothesia/">opeka.gr</a> — 1/12/2023'
    assert readability.words(readability.plain_text(text)) == ["Πηγή", "1/12/2023"]
    assert readability.words("2.400 € για το 3ο παιδί") == ["2.400", "για", "το", "3ο", "παιδί"]


def test_a_text_full_of_long_words_fails_the_share() -> None:
    text = "\n".join(["Υποβολή αιτήσεων ηλεκτρονικά, εξουσιοδοτημένοι υπάλληλοι."] * 10)
    assert "long_word_share" in rules(text)


def _el_simple_answers() -> list[tuple[str, str]]:
    kn = default_knowledge()
    out = [(f"topic {t}", "\n\n".join(render_topic(t, "el-simple").parts)) for t in topics()]
    for pid in kn.programmes:
        out.append((f"programme {pid}", "\n\n".join(render_programme(pid, "el-simple").parts)))
        out.append((f"documents {pid}", "\n\n".join(render_documents(pid, "el-simple").parts)))
    out.append(("emergency", "\n\n".join(render_emergency("el-simple").parts)))
    return out


@pytest.mark.parametrize(("where", "text"), _el_simple_answers(), ids=lambda v: v if len(v) < 40 else "")
def test_every_el_simple_answer_is_within_the_limits(where: str, text: str) -> None:
    assert readability.check_text(text) == [], where
    assert readability.stats(text)["max_sentence_words"] <= readability.MAX_SENTENCE_WORDS
