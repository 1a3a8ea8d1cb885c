"""ELOT 743 transliteration (Latin names in English answers and the gazetteer) and Greeklish variants."""

from __future__ import annotations

import pytest

from knowledge.translit import elot743, greeklish_variants, visual_greeklish
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
