"""Issue 12 held on fixed held-out files, as the behaviour of the model trained on nlu/data (no timers):
look-alikes of danger (names, Romani greetings, idioms, worries, a child's behaviour) are not emergencies, at the
top level and at a step that waits for typed data; every held-out emergency still is one; English and
Romani-mixed Greek are understood."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu import emergency
from nlu.builtin import BuiltinEngine
from nlu.datafile import read_nlu_data, read_nlu_file
from nlu.evaluate import FALSE_ALARMS, evaluate, false_alarms, read_look_alikes
from nlu.normalise import fold
from nlu.types import intents

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ROOT / "nlu" / "test"
TRAINING = ROOT / "nlu" / "data"
REGISTERS = {"standard", "no_accents_caps", "misspelled", "greeklish", "colloquial", "english", "romani"}


def test_the_false_alarm_set_is_large_held_out_and_in_every_register() -> None:
    items = read_look_alikes(FALSE_ALARMS)
    assert len(items) >= 200
    assert {i.register for i in items} >= REGISTERS
    assert {"names", "romani_greetings", "idioms", "worries", "child_behaviour"} <= {i.kind for i in items}
    # Written apart from the training data: only short formulae (a greeting, a blessing, a town: three words at
    # most) can coincide with a training example.
    trained = {fold(e.text) for e in read_nlu_data([TRAINING]).examples}
    overlap = [i.text for i in items if fold(i.text) in trained]
    assert [t for t in overlap if len(t.split()) > 3] == []
    assert len(overlap) <= 30


async def test_false_alarms_stay_at_most_one_percent(real_engine: BuiltinEngine) -> None:
    report = await false_alarms(real_engine, FALSE_ALARMS)
    assert report.top_level_rate <= 0.01, report.format()
    assert report.text_step_rate <= 0.01, report.format()


@pytest.mark.parametrize("name", ["Ζωή Παπαδάκη", "Ζωή", "Σωτηρία", "Ελπίδα Μαυρίδου", "Λευτέρης", "zoi papadaki"])
def test_a_name_is_never_danger(real_engine: BuiltinEngine, name: str) -> None:
    parse = real_engine.parse_sync(name)
    assert parse.intent != "emergency" and parse.danger is None


@pytest.mark.parametrize(
    "text", ["δεν έχω παιδιά", "δεν εχω παιδια", "den exw paidia", "χωρίς παιδιά", "μένω μόνη μου", "δεν δουλεύω"]
)
def test_a_household_fact_is_never_danger(real_engine: BuiltinEngine, text: str) -> None:
    """Said at the top level (not only at a question's step): a fact about the household, not a cry for help."""
    parse = real_engine.parse_sync(text)
    assert parse.intent != "emergency" and parse.danger is None


@pytest.mark.parametrize("text", ["το παιδί δεν αναπνέει", "ο άντρας μου με χτυπάει", "θα σκοτωθώ"])
def test_short_danger_beside_a_household_word_is_still_danger(real_engine: BuiltinEngine, text: str) -> None:
    assert real_engine.parse_sync(text).intent == "emergency"


async def test_every_held_out_emergency_is_still_caught(real_engine: BuiltinEngine) -> None:
    cries = [
        e.text for p in sorted(HELD_OUT.glob("*.yml")) for e in read_nlu_file(p).examples if e.intent == "emergency"
    ]
    assert len(cries) >= 36
    assert [c for c in cries if real_engine.parse_sync(c).intent != "emergency"] == []
    # The lexicon alone (what interrupts a text step) catches them too.
    assert [c for c in cries if emergency.detect(c) is None] == []


async def test_english_held_out_is_understood(real_engine: BuiltinEngine) -> None:
    report = await evaluate(real_engine, [HELD_OUT / "english.yml"])
    assert report.accuracy >= 0.96, report.errors


async def test_romani_mixed_held_out_is_understood(real_engine: BuiltinEngine) -> None:
    trained = {e.text for e in read_nlu_data([TRAINING]).examples}
    assert [e.text for e in read_nlu_file(HELD_OUT / "romani_mixed.yml").examples if e.text in trained] == []
    report = await evaluate(real_engine, [HELD_OUT / "romani_mixed.yml"])
    assert report.accuracy >= 0.93, report.errors
    assert report.recall_of("greet") == 1.0 and report.recall_of("emergency") == 1.0


@pytest.mark.parametrize("text", ["te aves baxtalo", "te aves baxtali", "Te aven baxtale", "Sar san?"])
def test_romani_greetings_are_greetings(real_engine: BuiltinEngine, text: str) -> None:
    assert real_engine.parse_sync(text).intent == "greet"


def test_the_intents_are_those_of_the_training_data(real_engine: BuiltinEngine) -> None:
    assert sorted(intents()) == sorted(real_engine.intents)
    assert "emergency" in intents() and "greet" in intents()
