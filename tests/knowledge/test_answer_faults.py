"""The faults of the 112-answer audit (issue 15), each checked on the rendered answers of every register."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from core.routing import Router
from knowledge import answer_parts, answers, eligibility
from knowledge.answer import REGISTERS, Answer
from knowledge.content_checks import greek_in_english, misdated_amounts
from knowledge.figures import format_figure
from knowledge.programmes import amount, default_knowledge
from knowledge.translit import latin_label, latinise_acronyms


def text(answer: Answer) -> str:
    return "\n".join(answer.parts)


def section(full: str, heading: str) -> str:
    """The lines under a bold heading, up to the next blank line."""
    start = full.index(heading)
    end = full.find("\n\n", start)
    return full[start : end if end != -1 else None]


@pytest.mark.parametrize("register", REGISTERS)
def test_kot_b_disability_is_a_rise_of_the_limit_never_a_payment(register: str) -> None:
    full = text(answers.render_programme("kot", register))
    t = answers.strings(register)
    money, limits = section(full, t["amounts"]), section(full, t["limits"])
    eight = "€8,000" if register == "en" else "8.000 €"
    assert eight not in money
    assert f"<b>+{eight}</b>" in limits
    assert f"{t['limit_prefix']}{eight}" not in full  # never "up to 8.000 €"


@pytest.mark.parametrize("register", REGISTERS)
def test_income_limits_are_never_under_the_money_heading(register: str) -> None:
    t = answers.strings(register)
    for pid in ("kot", "personal_assistant", "min_income", "housing_allowance", "birth_allowance"):
        full = text(answers.render_programme(pid, register))
        if t["amounts"] in full:
            assert t["limit_prefix"] + "1" not in section(full, t["amounts"]) or pid == "kot", pid
        for a in default_knowledge().programmes[pid].amounts:
            if a.listed and a.kind in ("limit", "increase"):
                shown = format_figure(a.values, a.unit, register)
                assert shown in section(full, t["limits"]), (pid, a.key)


def test_birth_allowance_easy_read_keeps_the_condition() -> None:
    full = text(answers.render_programme("birth_allowance", "el-simple"))
    line = next(x for x in full.splitlines() if "επόμενο μήνα" in x)
    assert "μέσα στον μήνα της γέννησης" in line


@pytest.mark.parametrize("register", REGISTERS)
def test_every_figure_shows_its_own_date_or_says_it_is_undated(register: str) -> None:
    kn = default_knowledge()
    for pid, prog in kn.programmes.items():
        full = text(answers.render_programme(pid, register))
        views = [answers._amount_view(a, register) for a in prog.amounts]
        assert misdated_amounts(full, views, register) == [], pid
    kot = text(answers.render_programme("kot", register))
    assert answers.strings(register)["undated"] in kot  # ΚΟΤ‑Β's figures say so


@pytest.mark.parametrize("register", REGISTERS)
def test_sources_shown_are_openable_pages(register: str) -> None:
    kn = default_knowledge()
    rendered = [answers.render_topic(i, register) for i in kn.topics]
    rendered += [answers.render_programme(p, register) for p in kn.programmes]
    rendered += [answers.render_documents(p, register) for p in kn.programmes]
    for answer in rendered:
        full = text(answer)
        for href in re.findall(r'href="([^"]+)"', full):
            assert "..." not in href and "…" not in href and " " not in href and "github.com" not in href, href
        assert "(από πηγή του ?" not in full and "from a ? source" not in full


def test_centre_cards_never_show_a_data_file_nor_a_question_mark() -> None:
    from core.centres import centre_view
    from core.seed import centre_from_info
    from knowledge.places import load_centres

    for info in load_centres():
        for register in REGISTERS:
            view = centre_view(centre_from_info(info), register)
            card = text(answers.render_centre(view, register))
            assert "github.com" not in card and "?" not in card.replace("?p=", ""), (info.id, card)
    voio = next(i for i in load_centres() if i.id == "kk-voio")
    assert "5056/2023" in text(answers.render_centre(centre_view(centre_from_info(voio), "el"), "el"))
    eordaia = next(i for i in load_centres() if i.id == "kk-eordaia")
    card = text(answers.render_centre(centre_view(centre_from_info(eordaia), "en"), "en"))
    assert "2463053154" in card and "undated source" in card  # an undated number says it may have changed


@pytest.mark.parametrize("intent", default_knowledge().topics)
def test_english_answers_have_no_greek_outside_brackets(intent: str) -> None:
    assert greek_in_english(text(answers.render_topic(intent, "en"))) == []


def test_english_place_names_and_acronyms() -> None:
    router = Router.default()
    assert router.place_label("Καστοριά", "en") == "Kastoria"
    assert router.place_label("Νεστόριο", "en") == "Nestorio"
    assert latin_label("Δημαρχείο Πρεσπών, Λαιμός") == "Dimarcheio Prespon, Laimos (Δημαρχείο Πρεσπών, Λαιμός)"
    assert latinise_acronyms("Bring your ΑΜΚΑ. Your ΑΜΚΑ is …") == "Bring your AMKA (ΑΜΚΑ). Your AMKA is …"
    docs = text(answers.render_documents("kdap_vouchers", "en"))
    assert "AMKA (ΑΜΚΑ" in docs and "ΑΜΚΑ" not in docs.replace("(ΑΜΚΑ", "")


def test_easy_read_terms_are_explained_at_first_use() -> None:
    docs = text(answers.render_documents("kdap_vouchers", "el-simple"))
    lines = docs.splitlines()
    first = next(i for i, line in enumerate(lines) if "ΚΔΑΠ" in line)
    assert lines[first + 1] == "💬 Το ΚΔΑΠ είναι χώρος για παιδιά μετά το σχολείο."
    assert docs.count("💬 Το ΚΔΑΠ") == 1  # once per answer
    # the data's own explanation counts: no second one
    assert "Είναι ο αριθμός υγείας τους." in docs and "💬 Ο ΑΜΚΑ" not in docs
    topic = text(answers.render_topic("ask_food_aid", "el-simple"))
    assert "ΤΕΒΑ" in topic and "💬 Το ΤΕΒΑ είναι πρόγραμμα" in topic


def test_child_benefit_categories_have_a_which_one_am_i_button() -> None:
    for register in REGISTERS:
        prog = answers.render_programme("child_benefit", register)
        assert "cat:child_benefit" in [b.action for b in prog.buttons]
        cats = text(answer_parts.render_categories("child_benefit", register))
        assert "6.000" in cats or "6,000" in cats
        assert "10.001" in cats or "10,001" in cats
    with pytest.raises(KeyError):
        answer_parts.render_categories("min_income", "el")


def test_easy_read_topic_answer_is_short_with_buttons_for_the_rest() -> None:
    short = answers.render_topic("ask_min_income", "el-simple")
    actions = [b.action for b in short.buttons]
    assert actions[:3] == ["how:min_income", "docs:min_income", "prog:min_income"]
    assert len(short.parts) == 1 and "📝" not in short.parts[0].split("👇")[0]  # how to apply: one tap away
    how = text(answer_parts.render_how("min_income", "el-simple"))
    assert "Κάνετε αίτηση όποτε θέλετε" in how and "Κέντρο Κοινότητας" in how
    assert answers.render_topic("ask_min_income", "el").parts != short.parts  # other registers: whole answer


def test_one_fact_one_place_the_calculator_reads_the_programme_figures() -> None:
    rules = eligibility.rules()
    assert rules["min_income"]["first_adult"] == amount("min_income.single").values[0] == Decimal(216)
    assert rules["kot_a"]["kot_b_disability_67_supplement"] == amount("kot.kot_b_disability_extra").values[0]
    assert rules["housing"]["tiers"][2]["monthly"] == amount("housing_allowance.three_members").values[0]
    # derived, not typed: the 6-month limit is 6 x the single amount, and so is ΚΟΤ‑Α's
    assert amount("min_income.income_limit_single").values == (Decimal(1296),)
    assert amount("kot.kot_a_income_single").values == amount("min_income.income_limit_single").values
    assert amount("min_income.income_limit_single").since == amount("min_income.single").since


def test_figures_inside_sentences_come_from_the_amounts() -> None:
    kot = default_knowledge().programmes["kot"]
    assert answers._with_figures(["έως {kot_b_income_single}"], kot, "el") == ["έως 9.000 €"]
    assert answers._with_figures(["up to {kot_b_income_max}"], kot, "en") == ["up to €31,500"]
    for pid in default_knowledge().programmes:
        for register in REGISTERS:
            assert "{" not in text(answers.render_programme(pid, register)), (pid, register)
    # the life-support rise is one figure: the calculator reads it from the programme file
    assert eligibility.rules()["kot_a"]["kot_b_life_support_supplement"] == Decimal(15000)
