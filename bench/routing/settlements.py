"""Routing over every settlement of the gazetteer: is each one routed to the centre that serves it?

    .venv/bin/python -m bench.routing.settlements [--show-misses N]

For every settlement (ΕΛΣΤΑΤ 2011, ΠΕ Κοζάνης, Γρεβενών, Καστοριάς, Φλώρινας) the bench asks
`Router.route_text` in four spellings — Greek as written, capitals without accents, phonetic
Greeklish ("lefkovrisi kozanis") and "visual" Greeklish (η=h, ω=w, θ=8: "leykobrysh") — and in three
forms:
- alone ("Λευκόβρυση");
- with the regional unit, as people write it ("Λευκόβρυση Κοζάνης");
- as a citizen gives it: alone when the name is unique in the region, with the regional unit when it is
  unique there, else with the municipality ("Ανατολικό Εορδαίας", "Αγία Κυριακή Δήμου Κοζάνης"). This is
  the headline figure.
Right = the municipality the gazetteer gives and its centre (Βελβεντός: no centre, municipality right).
A name that several municipalities share cannot be routed alone: "asked" counts the answers that list
the right municipality among the candidates, which the bot turns into a question.
The Greeklish converters here are independent of `knowledge.translit` (the gazetteer's own spellings).
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from collections import Counter
from collections.abc import Callable

from core.routing import Router
from knowledge.places import Gazetteer, Settlement
from nlu.normalise import fold


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


_PHONETIC = [
    ("ου", "ou"),
    ("ει", "i"),
    ("οι", "i"),
    ("αι", "e"),
    ("αυ", "av"),
    ("ευ", "ev"),
    ("μπ", "b"),
    ("ντ", "nt"),
    ("γγ", "ng"),
    ("γκ", "g"),
    ("θ", "th"),
    ("χ", "x"),
    ("ψ", "ps"),
    ("ξ", "ks"),
    ("η", "i"),
    ("υ", "i"),
    ("ω", "o"),
    ("ι", "i"),
    ("α", "a"),
    ("β", "v"),
    ("γ", "g"),
    ("δ", "d"),
    ("ε", "e"),
    ("ζ", "z"),
    ("κ", "k"),
    ("λ", "l"),
    ("μ", "m"),
    ("ν", "n"),
    ("ο", "o"),
    ("π", "p"),
    ("ρ", "r"),
    ("σ", "s"),
    ("ς", "s"),
    ("τ", "t"),
    ("φ", "f"),
]
_VISUAL = [
    ("ου", "ou"),
    ("θ", "8"),
    ("χ", "x"),
    ("ψ", "ps"),
    ("ξ", "ks"),
    ("η", "h"),
    ("υ", "y"),
    ("ω", "w"),
    ("ι", "i"),
    ("α", "a"),
    ("β", "b"),
    ("γ", "g"),
    ("δ", "d"),
    ("ε", "e"),
    ("ζ", "z"),
    ("κ", "k"),
    ("λ", "l"),
    ("μ", "m"),
    ("ν", "n"),
    ("ο", "o"),
    ("π", "p"),
    ("ρ", "r"),
    ("σ", "s"),
    ("ς", "s"),
    ("τ", "t"),
    ("φ", "f"),
]


def _convert(table: list[tuple[str, str]]) -> Callable[[str], str]:
    def convert(text: str) -> str:
        out = _plain(text).lower()
        for greek, latin in table:
            out = out.replace(greek, latin)
        return out

    return convert


SPELLINGS: dict[str, Callable[[str], str]] = {
    "greek": lambda t: t,
    "no accents, capitals": lambda t: _plain(t).upper(),
    "greeklish phonetic": _convert(_PHONETIC),
    "greeklish visual": _convert(_VISUAL),
}


def _forms(gazetteer: Gazetteer) -> dict[str, list[tuple[Settlement, str]]]:
    ru_of = {mid: ru for ru in gazetteer.regional_units for mid in ru.municipality_ids}
    names_in_region = Counter(fold(s.name) for s in gazetteer.settlements)
    names_in_ru = Counter((fold(s.name), ru_of[s.municipality_id].id) for s in gazetteer.settlements)
    alone, with_ru, given = [], [], []
    for s in gazetteer.settlements:
        ru = ru_of[s.municipality_id]
        municipality = gazetteer.municipality(s.municipality_id)
        alone.append((s, s.name))
        with_ru.append((s, f"{s.name} {ru.genitive}"))
        if names_in_region[fold(s.name)] == 1:
            given.append((s, s.name))
        elif names_in_ru[(fold(s.name), ru.id)] == 1:
            given.append((s, f"{s.name} {ru.genitive}"))
        else:
            genitive = municipality.name.removeprefix("Δήμος ")
            # "Αγία Κυριακή Δήμου Κοζάνης" where the municipality shares the regional unit's name
            given.append((s, f"{s.name} Δήμου {genitive}" if genitive == ru.genitive else f"{s.name} {genitive}"))
    return {"as a citizen gives it": given, "name alone": alone, "name + regional unit": with_ru}


def main() -> None:
    parser = argparse.ArgumentParser(description="routing over every settlement")
    parser.add_argument("--show-misses", type=int, default=0, help="print up to N wrong answers per row")
    args = parser.parse_args()
    started = time.perf_counter()
    router = Router.default()
    gazetteer = router.gazetteer
    print(f"router built in {time.perf_counter() - started:.1f} s; {len(gazetteer.settlements)} settlements")
    print(f"{'form':<24} {'spelling':<22} {'n':>5} {'right':>7} {'right or asked':>15} {'ms/query':>9}")
    for form, queries in _forms(gazetteer).items():
        for spelling, convert in SPELLINGS.items():
            right = asked = 0
            misses: list[str] = []
            t0 = time.perf_counter()
            for s, text in queries:
                result = router.route_text(convert(text))
                expected_centre = router.centre_for(s.municipality_id)
                if result.municipality_id == s.municipality_id and result.centre_id == expected_centre:
                    right += 1
                elif s.municipality_id in result.candidate_municipalities:
                    asked += 1
                elif len(misses) < args.show_misses:
                    misses.append(f"    {convert(text)!r} -> {result.municipality_id} (want {s.municipality_id})")
            ms = (time.perf_counter() - t0) * 1000 / len(queries)
            n = len(queries)
            print(f"{form:<24} {spelling:<22} {n:>5} {right / n:>7.3f} {(right + asked) / n:>15.3f} {ms:>9.2f}")
            for line in misses:
                print(line)


if __name__ == "__main__":
    main()
