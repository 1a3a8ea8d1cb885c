"""ELOT 743 transliteration (Latin names in English answers and the gazetteer) and Greeklish variants."""

from __future__ import annotations

import pytest

from knowledge.translit import elot743, greeklish_variants, sound_key, visual_greeklish
from nlu.normalise import fold


@pytest.mark.parametrize(
    ("greek", "latin"),
    [
        ("Πτολεμαΐδα", "Ptolemaida"),
        ("Άργος Ορεστικό", "Argos Orestiko"),
        ("Μπούφαρι", "Boufari"),
        ("Ευκαρπία", "Efkarpia"),
        ("Αυγή", "Avgi"),
        ("ΚΟΖΑΝΗ", "KOZANI"),
        ("Θεσσαλονίκη", "Thessaloniki"),
        ("Αγγελοχώρι", "Angelochori"),
        ("Ψαράδες", "Psarades"),
        ("Νεστόριο", "Nestorio"),
        ("Καστοριά", "Kastoria"),
        ("Λευκόβρυση", "Lefkovrysi"),
        ("Κάτω Κλεινές", "Kato Kleines"),
        ("Δήμος Πρεσπών", "Dimos Prespon"),
        ("Σιάτιστα (ΚΚ)", "Siatista (KK)"),
    ],
)
def test_elot_743(greek: str, latin: str) -> None:
    assert elot743(greek) == latin


def test_greeklish_variants_start_with_elot_and_fold_back_to_the_name() -> None:
    variants = greeklish_variants("Αγγελοχώρι")
    assert variants[0] == "Angelochori"
    assert "Angelohori" in variants and "Angeloxori" in variants
    assert fold(visual_greeklish("Λευκόβρυση")) == fold("leykobrysh")


@pytest.mark.parametrize(
    ("greek", "typed"),
    [
        ("Χρήστος", "xristos"),
        ("Χρήστος", "Christos"),
        ("Αλέξανδρος", "aleksandros"),
        ("Ευάγγελος", "Evangelos"),
        ("Αικατερίνη", "Aikaterini"),
        ("Κωνσταντίνος", "Konstantinos"),
        ("Μπακάλης", "Mpakalis"),
        ("Θεοδώρου", "8eodorou"),
        ("Φιλίππου", "Philippou"),
        ("Ευθυμίου", "Efthimiou"),
        ("Ιωάννου", "Ιοαννου"),
        ("Παπαδοπούλου", "papadopoulou"),
        ("ΣΤΑΥΡΟΣ", "stavros"),
    ],
)
def test_a_name_sounds_the_same_in_greek_and_greeklish(greek: str, typed: str) -> None:
    assert sound_key(greek) == sound_key(typed)


def test_different_names_keep_different_sounds() -> None:
    keys = [sound_key(n) for n in ("Παπαδόπουλος", "Παπαδοπούλου", "Ιωαννίδου", "Ασπασία", "Σωτηρία", "Ελπίδα")]
    assert len(set(keys)) == len(keys)
