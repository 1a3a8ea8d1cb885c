"""Issue 15's check classes, each made to fail on a planted bad fixture, and the shipped content passing them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import answers, check, content_checks, emergency_answer, text_figures
from knowledge.check import run_check
from knowledge.glossary import GlossaryTerm, glossary
from knowledge.programmes import DATA_DIR

TODAY = date(2026, 12, 1)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("gazetteer*", "sources"))
    return target


def _edit(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_shipped_content_passes_every_check_with_only_explained_warnings() -> None:
    report = run_check(TODAY)
    assert report.ok, report.format()
    # the only warnings: 10306 and 1018 are named (reader.gr, 10/10/2025) without an address, and social tourism's
    # nights and months (alfavita.gr), because the facts give the articles' addresses cut short — and each warning
    # says so itself
    assert sorted(w.split(":")[1].strip() for w in report.warnings) == [
        "1018",
        "10306",
        "amount nights",
        "amount unemployed_months",
    ], report.warnings
    assert all(
        ("named without an address ('reader.gr, 10/10/2025')" in w or "named without an address ('alfavita.gr')" in w)
        and "facts" in w
        and "cut short" in w
        for w in report.warnings
    )
    # every undated figure is shown as undated, with its reason
    assert report.notes and all("shown as undated (" in n or "facts not found" in n for n in report.notes)


# ---- an undated figure rendered under another figure's date --------------------------------------------


def test_misdated_amounts_finds_a_figure_under_another_figures_date() -> None:
    views = [
        {"key": "a", "label": "Πρώτο", "money": "10 €", "when": "Από 1/1/2024:"},
        {"key": "b", "label": "Δεύτερο", "money": "20 €", "when": "Η πηγή δεν λέει ημερομηνία:"},
    ]
    bad = "📅 Από 1/1/2024:\n• Πρώτο: <b>10 €</b>\n• Δεύτερο: <b>20 €</b>"
    good = "📅 Από 1/1/2024:\n• Πρώτο: <b>10 €</b>\n📅 Η πηγή δεν λέει ημερομηνία:\n• Δεύτερο: <b>20 €</b>"
    assert content_checks.misdated_amounts(bad, views, "el-simple") == [
        "b (20 €) is shown under «📅 Από 1/1/2024:», not «📅 Η πηγή δεν λέει ημερομηνία:»"
    ]
    assert content_checks.misdated_amounts(good, views, "el-simple") == []
    assert content_checks.misdated_amounts("• Δεύτερο: <b>20 €</b>", views, "el")  # no date on the line


def test_the_check_catches_the_old_grouping_that_put_undated_figures_under_a_date(monkeypatch: Any) -> None:
    def old_grouping(amounts: list[dict[str, Any]]) -> list[dict[str, Any]]:  # the fault of the audit
        groups: list[dict[str, Any]] = []
        for a in amounts:
            if groups and (a["when"] == groups[-1]["when"] or a["when"] == answers.strings("el-simple")["undated"]):
                groups[-1]["amounts"].append(a)
            else:
                groups.append({"when": a["when"], "amounts": [a]})
        return groups

    monkeypatch.setattr(answers, "_group_by_date", old_grouping)
    errors = run_check(TODAY).errors
    assert any("programme kot [el-simple]: kot_b_income_single" in e and "is shown under" in e for e in errors)


# ---- a source field that is not a URL, or holds notes, "?", "…", "..." ------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "https://ptolemaida.gr (partial extract, undated)",
        "?",
        "https://kozanilife.gr/2021/01/12/ενίσχυση…",
        "https://www.reader.gr/ygeia/x-.../618464",
        "ptolemaida.gr",
        "https://example.gr/page?",
    ],
)
def test_bad_sources_are_errors(data_copy: Path, source: str) -> None:
    _edit(data_copy / "programmes" / "min_income.yaml", lambda d: d["amounts"][0].update(source=source))
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("programmes/min_income.yaml: amount single: the source") for e in errors), errors


def test_a_helpline_source_named_without_an_address_warns_and_says_why(data_copy: Path) -> None:
    def plant(d: dict[str, Any]) -> None:
        line = next(h for h in d["helplines"] if h["number"] == "10306")
        line["source"].pop("note")

    _edit(data_copy / "helplines.yaml", plant)
    warnings = run_check(TODAY, data_copy).warnings
    (planted,) = [w for w in warnings if w.startswith("helplines.yaml: 10306:")]
    assert "no 'note' says why" in planted
    _edit(data_copy / "helplines.yaml", lambda d: d["helplines"][0]["source"].update(url="https://x.gr/a-.../1"))
    assert any(
        "helplines.yaml: 112: the source" in w and "cut short" in w for w in run_check(TODAY, data_copy).warnings
    )


@pytest.mark.parametrize("register", ["el", "el-simple", "en"])
def test_the_emergency_answer_names_the_unlinked_source_and_never_shows_a_cut_address(register: str) -> None:
    text = emergency_answer.render_emergency(register, topic="suicide").parts[-1]
    assert "..." not in text and "…" not in text
    day = "10 Oct 2025" if register == "en" else "10/10/2025"
    assert f"1018, 10306 (reader.gr, {day})" in text  # named, not linked, the two numbers together
    assert '<a href="https://www.reader.gr' not in text


def test_a_plain_address_with_a_query_is_a_good_source() -> None:
    assert content_checks.bad_source("https://www.deddie.gr/?p=17635") is None
    assert content_checks.bad_source(None) is None


def test_a_centre_source_with_notes_is_an_error(data_copy: Path) -> None:
    def plant(d: dict[str, Any]) -> None:
        d["centres"][1]["related_contacts"][0]["source"] = "https://ptolemaida.gr (partial extract, undated)"

    _edit(data_copy / "centres.yaml", plant)
    assert any(
        "centres.yaml: kk-eordaia related 2463053154: the source" in e for e in run_check(TODAY, data_copy).errors
    )


# ---- Greek script in English answers outside brackets ------------------------------------------------------


def test_greek_in_english_outside_brackets() -> None:
    assert content_checks.greek_in_english("Address: Δημαρχείο Πρεσπών") == ["Address: Δημαρχείο Πρεσπών"]
    assert content_checks.greek_in_english("Guaranteed Minimum Income (ΕΕΕ), see <a href='x'>opeka.gr</a>") == []
    assert content_checks.greek_in_english("Work and Insurance («Εργασία (και) Ασφάλιση»)") == []


def test_the_check_catches_greek_words_in_an_english_answer(data_copy: Path) -> None:
    _edit(
        data_copy / "programmes" / "legal_aid.yaml",
        lambda d: d["what"].update(en=["Ask at the Δημαρχείο Πρεσπών for help."]),
    )
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("programme legal_aid [en]: Greek outside brackets") for e in errors), errors


# ---- an easy-to-read answer using a glossary term unexplained ---------------------------------------------


def test_unexplained_terms() -> None:
    term = GlossaryTerm("ΑΜΚΑ", ("ΑΜΚΑ",), "Ο ΑΜΚΑ είναι ο αριθμός σας για τον γιατρό και την ασφάλιση.")
    assert content_checks.unexplained_terms("Φέρτε τον ΑΜΚΑ σας.", [term]) == ["ΑΜΚΑ"]
    assert content_checks.unexplained_terms(f"Φέρτε τον ΑΜΚΑ σας.\n💬 {term.explanation}", [term]) == []
    assert content_checks.unexplained_terms("Δεν χρειάζεται τίποτα.", [term]) == []


def test_the_check_catches_an_answer_that_skips_the_glossary(monkeypatch: Any) -> None:
    monkeypatch.setattr(answers, "explain_terms", lambda text: text)  # the answers stop explaining
    errors = run_check(TODAY).errors
    assert any(e.startswith("topic ask_food_aid [el-simple]: uses «ΤΕΒΑ» without") for e in errors), errors[:5]


# ---- two data files disagreeing on a figure -----------------------------------------------------------------


def test_eligibility_figures_are_references_to_the_programme_files() -> None:
    raw = yaml.safe_load((DATA_DIR / "eligibility.yaml").read_text(encoding="utf-8"))
    for scheme, key in content_checks.FIGURE_TWINS:
        assert raw[scheme][key] == {"amount": content_checks.FIGURE_TWINS[(scheme, key)]}


def test_a_figure_typed_differently_in_eligibility_yaml_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "eligibility.yaml", lambda d: d["min_income"].update(first_adult=220))
    _edit(data_copy / "eligibility.yaml", lambda d: d["housing"]["tiers"][0].update(monthly=75))
    errors = run_check(TODAY, data_copy).errors
    assert "eligibility.yaml min_income.first_adult = 220 but programmes/min_income.single = 216" in errors
    assert any(e.startswith("eligibility.yaml housing.tiers[0].monthly = 75") for e in errors)


# ---- an easy-to-read answer's first part longer than the limit ----------------------------------------------


def test_a_long_first_part_is_an_error(data_copy: Path) -> None:
    long_intro = [f"Αυτή είναι μια γραμμή με λίγες λέξεις, αριθμός {i}." for i in range(30)]
    _edit(data_copy / "topics.yaml", lambda d: d["topics"]["ask_min_income"]["intro"].update({"el-simple": long_intro}))
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("topic ask_min_income [el-simple]: easy-to-read, its first message has") for e in errors)


def test_the_limit_itself() -> None:
    assert content_checks.long_first_part(["x" * 10], limit=20) is None
    assert content_checks.long_first_part(["<b>" + "x" * 30 + "</b>"], limit=20) == (
        "its first message has 30 characters (limit 20)"
    )
    assert check.content_checks is content_checks and glossary()


# ---- no figure typed in a sentence: each is a placeholder of an amount (knowledge/text_figures.py) ----------------


def test_the_shipped_sentences_type_no_figure() -> None:
    report = run_check(TODAY)
    assert not [e for e in report.errors if "typed" in e], report.format()


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("{income_limit} τον χρόνο", "4.700 € τον χρόνο", "money"),  # the sentence before session 4
        ("{income_limit} τον χρόνο", "4700 ευρώ τον χρόνο", "money"),
    ],
)
def test_a_money_figure_typed_in_a_sentence_is_an_error(data_copy: Path, old: str, new: str, kind: str) -> None:
    path = data_copy / "programmes" / "mountain_income.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("programmes/mountain_income.yaml: who[0].el:") and f"a {kind} typed" in e for e in errors)


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("πιστοποίηση {disability_rate} και άνω", "πιστοποίηση 67% και άνω", "percentage"),
        ("Ηλικία {min_age} έως {max_age} ετών", "Ηλικία 16 έως 65 ετών", "age"),
        ("εξυπηρετούσε {served_march_2025} άτομα", "εξυπηρετούσε 1.328 άτομα", "thousands"),
        ("έως {income_limit}.", "έως 60000.", "known figure"),  # a bare number equal to one of the amounts
    ],
)
def test_other_figures_typed_in_a_sentence_are_errors(data_copy: Path, old: str, new: str, kind: str) -> None:
    path = data_copy / "programmes" / "personal_assistant.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("programmes/personal_assistant.yaml:") and f"{kind} typed" in e for e in errors), errors


def test_a_multiplier_typed_in_a_sentence_is_an_error(data_copy: Path) -> None:
    path = data_copy / "programmes" / "min_income.yaml"
    text = path.read_text(encoding="utf-8").replace("το {income_months}πλάσιο", "το 6πλάσιο", 1)
    path.write_text(text, encoding="utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert any("min_income.yaml: who[1].el:" in e and "multiplier typed" in e for e in errors), errors


def test_a_duration_typed_in_a_sentence_is_an_error(data_copy: Path) -> None:
    path = data_copy / "programmes" / "unemployment.yaml"
    text = path.read_text(encoding="utf-8").replace("within {apply_within_days} days", "within 60 days", 1)
    path.write_text(text, encoding="utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert any("unemployment.yaml: apply[1].en: «60 days» is a duration typed" in e for e in errors), errors


def test_a_figure_typed_in_the_pre_checks_words_is_an_error(tmp_path: Path, monkeypatch: Any) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(check.TEMPLATE_DIR, templates)
    reasons = templates / "eligibility" / "reasons.el.j2"
    text = reasons.read_text(encoding="utf-8").replace("{{ figure('kot.kot_b_disability_rate') }}", "67%", 1)
    reasons.write_text(text, encoding="utf-8")
    monkeypatch.setattr(check, "TEMPLATE_DIR", templates)
    errors = run_check(TODAY).errors
    assert "templates/eligibility/reasons.el.j2: «67%» is a percentage typed" in errors, errors


def test_a_figure_typed_in_a_bot_message_is_an_error(data_copy: Path) -> None:
    path = data_copy / "messages" / "memory.yaml"
    text = path.read_text(encoding="utf-8").replace("σε {{ months }} μήνες", "σε 6 μήνες", 1)
    path.write_text(text, encoding="utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert "messages/memory.yaml: mem_income_6m.el: «6 μήνες» is a duration typed" in errors, errors


def test_template_lines_leave_out_jinja() -> None:
    source = (
        "{% if p %}Το όριο είναι {{ money(p.limit) }} για {{ figure('min_income.income_months') }} μήνες{% endif %}"
    )
    assert text_figures.template_lines(source) == [" Το όριο είναι   για   μήνες "]
    assert text_figures.typed_figures(text_figures.template_lines(source)[0]) == []
    assert text_figures.typed_figures("για 6 μήνες (6 φορές)") == [("multiplier", "6 φορές"), ("duration", "6 μήνες")]


def test_a_figure_typed_in_a_topic_is_an_error(data_copy: Path) -> None:
    _edit(
        data_copy / "topics.yaml",
        lambda d: d["topics"]["ask_min_income"].update(
            intro={"el": "Έως 216 € τον μήνα.", "el-simple": "Έως 216 €.", "en": "Up to €216 a month."}
        ),
    )
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("topics.yaml: ask_min_income.intro.en: «€216» is a money") for e in errors), errors


def test_a_placeholder_naming_no_amount_is_an_error(data_copy: Path) -> None:
    path = data_copy / "programmes" / "kot.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{kot_b_income_2}", "{kot_b_income_two}", 1), "utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert any("kot.yaml: who[1].el: {kot_b_income_two}: no amount 'kot_b_income_two'" in e for e in errors), errors


def test_a_placeholder_asking_for_a_date_or_value_the_amount_lacks_is_an_error(data_copy: Path) -> None:
    path = data_copy / "programmes" / "child_benefit.yaml"
    text = path.read_text(encoding="utf-8").replace("{first_second_child[2]}", "{first_second_child[3]}", 1)
    path.write_text(text.replace("{band_a_max}", "{band_a_max:since}", 1), "utf-8")
    errors = run_check(TODAY, data_copy).errors
    assert any("{first_second_child[3]}: the amount 'first_second_child' has 3 value(s)" in e for e in errors)
    assert any("{band_a_max:since}: the amount 'band_a_max' has no 'since' date" in e for e in errors), errors


def test_a_figure_typed_in_the_calculators_data_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "eligibility.yaml", lambda d: d["kot_a"]["kot_b_table"][1].update(limit=13500))
    _edit(data_copy / "eligibility.yaml", lambda d: d["min_income"].update(income_months=6))
    errors = run_check(TODAY, data_copy).errors
    assert any(e.startswith("eligibility.yaml kot_a.kot_b_table[1].limit = 13500: a figure typed") for e in errors)
    assert any(e.startswith("eligibility.yaml min_income.income_months = 6: a figure typed") for e in errors)


@pytest.mark.parametrize(
    "sentence",
    [
        "Για το 2026 η πλατφόρμα άνοιξε στις 27/2/2026.",  # dates
        "For 2025‑2026, applications ran 30 Jul – 14 Aug 2025.",
        "Οι αιτήσεις έγιναν 30/7–14/8/2025.",
        "Πρόγραμμα (ν. 4837/2021), άρθρο 93.",  # law references
        "Έντυπο Ε1, Ε9 και Α21, όλο το 24ωρο.",  # codes glued to letters
        "Βήμα 1: αίτηση. 1️⃣ Κάνετε αίτηση.",  # list markers
        "Πάρτε 112, 197 ή ρωτήστε τη ΔΥΠΑ (1555) ή στο 2385044511.",  # phone numbers
        "Για το 1ο και το 2ο παιδί, 3rd child.",  # ordinals
        "Κάνετε 2 αιτήσεις, έως τα 2/3 των αποδοχών, 2 επιδόματα.",  # a count of things, a fraction
        "Από {first_child:since}: {band_b_min:number}–{band_b_max} και {first_second_child[0]}.",  # placeholders
    ],
)
def test_allowed_numbers_are_not_typed_figures(sentence: str) -> None:
    assert text_figures.typed_figures(sentence, [Decimal(216)], ["112", "197", "1555"]) == []


def test_typed_figures_are_found_in_greek_and_english_forms() -> None:
    found = text_figures.typed_figures(
        "έως 6.001 € και €6,001, 8 %, 15–74 ετών, aged 16 to 65, 6 times, 216, σε 6 δόσεις, 3 τελευταίων ετών, 60 days"
    )
    kinds = ["money", "money", "percentage", "age", "age", "multiplier", "duration", "duration", "duration"]
    assert [kind for kind, _ in found] == kinds
    assert text_figures.typed_figures("Έως 216 τον μήνα", [Decimal(216)]) == [("known figure", "216")]
