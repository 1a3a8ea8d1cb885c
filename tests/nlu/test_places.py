"""PlaceMatcher: place names in messages however they are typed, never in ordinary words."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from knowledge.places import load_gazetteer, place_names
from nlu.normalise import fold
from nlu.places import FUZZY_MIN_LENGTH, PLACES_FILE, PlaceMatcher, load_place_entries
from nlu.types import Entity

ROOT = Path(__file__).resolve().parents[2]

ENTRIES = [
    ("Πτολεμαΐδα", ["Πτολεμαΐδα", "Ptolemaida", "Ptolemaïda"]),
    ("Σιάτιστα", ["Σιάτιστα", "Siatista"]),
    ("Κοζάνη", ["Κοζάνη", "Kozani", "Kozanh"]),
    ("Φλώρινα", ["Φλώρινα", "Florina", "Flwrina"]),
    ("Άργος Ορεστικό", ["Άργος Ορεστικό", "Argos Orestiko"]),
    ("Αμύνταιο", ["Αμύνταιο", "Amyntaio"]),
    ("Πρέσπες", ["Πρέσπες", "Prespes"]),
    ("Καρδιά", ["Καρδιά", "Kardia"]),
]


@pytest.fixture(scope="module")
def matcher() -> PlaceMatcher:
    return PlaceMatcher(ENTRIES, context_only=["Καρδιά"])


@pytest.fixture(scope="module")
def real() -> PlaceMatcher:
    return PlaceMatcher.from_nlu_data()


def _one(m: PlaceMatcher, text: str) -> tuple[str, str]:
    found = m.find(text)
    assert len(found) == 1, (text, found)
    return found[0].value, text[found[0].start : found[0].end]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("μένω στη Σιατιστα", "Σιάτιστα", "Σιατιστα"),
        ("apo ptolemaida", "Πτολεμαΐδα", "ptolemaida"),
        ("ΦΛΩΡΙΝΑ", "Φλώρινα", "ΦΛΩΡΙΝΑ"),
        ("Πτολεμαιδα", "Πτολεμαΐδα", "Πτολεμαιδα"),
        ("Ptolemaida!", "Πτολεμαΐδα", "Ptolemaida"),
        ("eimai apo Kozanh", "Κοζάνη", "Kozanh"),
        ("Sιατιστα", "Σιάτιστα", "Sιατιστα"),  # a Latin S among Greek letters
        ("πτολεμαϊδα", "Πτολεμαΐδα", "πτολεμαϊδα"),
        ("πτολεμαιντα", "Πτολεμαΐδα", "πτολεμαιντα"),
        ("ptolemaidda", "Πτολεμαΐδα", "ptolemaidda"),
        ("μένω στη Φλόρινα", "Φλώρινα", "Φλόρινα"),
        ("σιατσιτα μενω", "Σιάτιστα", "σιατσιτα"),  # letters swapped: fuzzy
        ("είμαι από το Άργος Ορεστικό", "Άργος Ορεστικό", "Άργος Ορεστικό"),
    ],
)
def test_spellings_case_and_misspellings(matcher: PlaceMatcher, text: str, value: str, surface: str) -> None:
    assert _one(matcher, text) == (value, surface)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("στην Κοζάνη", "Κοζάνη"),
        ("από την Κοζανη", "Κοζάνη"),
        ("Κοζάνης", "Κοζάνη"),
        ("KOZANHS", "Κοζάνη"),
        ("Φλώρινας", "Φλώρινα"),
        ("της Πτολεμαΐδας", "Πτολεμαΐδα"),
        ("Αμυνταίου", "Αμύνταιο"),
        ("Δήμος Πρεσπών", "Πρέσπες"),
        ("στις Πρέσπες", "Πρέσπες"),
        ("του Άργους Ορεστικού", "Άργος Ορεστικό"),
    ],
)
def test_greek_case_forms(matcher: PlaceMatcher, text: str, value: str) -> None:
    assert _one(matcher, text)[0] == value


def test_offsets_index_the_original_text(matcher: PlaceMatcher) -> None:
    text = "Καλημέρα, μένω στην ΠΤΟΛΕΜΑΪΔΑ και δουλεύω στη Kozanh."
    assert matcher.find(text) == [
        Entity("place", "Πτολεμαΐδα", text.index("ΠΤΟΛΕΜΑΪΔΑ"), text.index("ΠΤΟΛΕΜΑΪΔΑ") + len("ΠΤΟΛΕΜΑΪΔΑ")),
        Entity("place", "Κοζάνη", text.index("Kozanh"), text.index("Kozanh") + len("Kozanh")),
    ]


@pytest.mark.parametrize(
    "text",
    ["Καρδιά", "στην Καρδιά", "apo Kardia", "μένω στην Καρδιά", "eimai apo Kardia", "το χωριό μου είναι η Καρδιά"],
)
def test_context_only_names_match_with_a_place_cue(matcher: PlaceMatcher, text: str) -> None:
    assert _one(matcher, text)[0] == "Καρδιά"


@pytest.mark.parametrize("text", ["με πονάει η καρδιά μου", "καρδιά μου σε ευχαριστώ", "kardia mou"])
def test_context_only_names_do_not_match_ordinary_use(matcher: PlaceMatcher, text: str) -> None:
    assert matcher.find(text) == []


COMMON_MESSAGES = [
    "θέλω ραντεβού",
    "καλημέρα",
    "καλησπέρα σας",
    "επίδομα παιδιών",
    "ευχαριστώ πολύ",
    "γεια σας",
    "θέλω να μιλήσω με κάποιον",
    "πόσα χρήματα παίρνω",
    "ελάχιστο εγγυημένο εισόδημα",
    "επίδομα ενοικίου",
    "δεν έχω ρεύμα",
    "πληρωμή ΔΕΗ",
    "πονάει ο λαιμός μου",
    "είναι η πρώτη φορά που γράφω",
    "το κλειδί του σπιτιού",
    "έχω κάποια ερώτηση",
    "μερικοί άνθρωποι με βοήθησαν",
    "κοινωνικό παντοπωλείο",
    "τα παιδιά μου πάνε σχολείο",
    "χρειάζομαι βοήθεια στο σπίτι",
    "θέλω δουλειά",
    "thelw rantevou",
    "kalimera",
    "epidoma paidiwn",
    "ευχαριστώ για την βοήθεια",
    "με λένε Δήμητρα",
    "η Χλόη είναι η κόρη μου",
    "στο σταυροδρόμι θα σε περιμένω",
    "Παναγιά μου τι θα κάνω",
    "έχω αναπηρία",
    "η μητέρα μου είναι ηλικιωμένη",
    "δεν έχω σπίτι",
    "πού βρίσκεται το κέντρο κοινότητας",
    "τι ώρα ανοίγετε",
    "ναι",
    "όχι",
    "ok",
    "help",
    "/start",
    "θέλω να ακυρώσω το ραντεβού",
    "έχω χρέη στη ΔΕΥΑ",
    "μου έκοψαν το νερό",
    "ο άντρας μου με χτυπάει",
    "κάρτα αναπηρίας ΚΕΠΑ",
    "προσωπικός βοηθός",
    "νομική βοήθεια",
    "επίδομα θέρμανσης",
    "κοινωνικός τουρισμός",
]


@pytest.mark.parametrize("text", COMMON_MESSAGES)
def test_ordinary_messages_name_no_place(real: PlaceMatcher, text: str) -> None:
    assert real.find(text) == []


def test_places_yml_is_in_sync_with_the_gazetteer() -> None:
    script = ROOT / "scripts" / "export_place_synonyms.py"
    spec = importlib.util.spec_from_file_location("export_place_synonyms", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render(load_gazetteer())
    assert PLACES_FILE.read_text(encoding="utf-8") == expected, "run scripts/export_place_synonyms.py"


def test_places_yml_round_trips_every_name_and_the_context_only_flag() -> None:
    entries, context_only = load_place_entries()
    keys = {k for k, _ in entries}
    groups = place_names(load_gazetteer(), fold)
    assert keys == {p.canonical for p in groups}
    assert context_only == {p.canonical for p in groups if p.common_word}
    by_key = dict(entries)
    assert {"Ptolemaida", "Ptolemaïda", "Πτολεμαιδα"} <= set(by_key["Πτολεμαΐδα"])


def test_the_longest_name_wins_even_when_it_waits_for_context() -> None:
    from core.routing import Router

    found = Router.default().matcher.find("Αγία Παρασκευή Κοζάνης")
    assert [e.value for e in found] == ["Αγία Παρασκευή", "Κοζάνη"]  # never also the village Παρασκευή


def test_very_is_not_city() -> None:
    from core.routing import Router

    # "πολύ" folds like "πόλη": it is no place cue, so the village Ελεύθερο stays out of this message
    assert Router.default().matcher.find("έχω πολύ ελεύθερο χρόνο") == []


def _reference_fuzzy_key(m: PlaceMatcher, word: str) -> str | None:
    """The near-miss rule as first written: rapidfuzz over every name, then the letter and length tests."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
        return None
    max_edits = 1 if len(word) < 10 else 2
    results = process.extract(word, list(m._fuzzy), scorer=OSA.distance, score_cutoff=max_edits, limit=None)
    hits = [
        (choice, int(dist))
        for choice, dist, _ in results
        if choice[:2] == word[:2] and choice[-1] == word[-1] and abs(len(choice) - len(word)) <= 1
    ]
    if not hits:
        return None
    best = min(dist for _, dist in hits)
    keys = {k for choice, dist in hits if dist == best for k in m._fuzzy[choice]}
    return next(iter(keys)) if len(keys) == 1 else None


def test_near_misses_found_through_the_letter_buckets_are_the_reference_ones() -> None:
    """`_fuzzy_key` compares a word only with the names sharing its first two and last letters; the answer is the
    one the search over every name gives, for every word of every message and one- and two-letter typos of names."""
    from core.routing import Router
    from nlu.datafile import data_files, read_nlu_data, read_nlu_file
    from nlu.evaluate import FALSE_ALARMS

    m = Router.default().matcher
    texts = [e.text for e in read_nlu_data([ROOT / "nlu" / "data"]).examples]
    texts += [e.text for p in [*data_files(ROOT / "nlu" / "test"), FALSE_ALARMS] for e in read_nlu_file(p).examples]
    words = {w for t in texts for w in fold(t).split()}
    for name in m._fuzzy:
        words |= {name[:i] + name[i + 1 :] for i in range(len(name))}  # a letter missing
        words |= {name[:i] + "κ" + name[i + 1 :] for i in range(len(name))}  # a letter wrong
        words |= {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)}  # swapped
        words.add(name[:-3] + "ξξ" + name[-1])
    assert sum(_reference_fuzzy_key(m, w) is not None for w in words) > 1000  # the cases do exercise the rule
    for word in sorted(words):
        assert m._fuzzy_key(word) == _reference_fuzzy_key(m, word), word
