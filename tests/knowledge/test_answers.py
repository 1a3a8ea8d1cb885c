"""Programme and topic answers in every register (knowledge/answers.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import jinja2
import pytest

from knowledge import answers, emergency_answer
from knowledge.answer import REGISTERS, Answer
from knowledge.check import TOPIC_INTENTS
from knowledge.figures import fill, format_figure
from knowledge.programmes import default_knowledge
from knowledge.templating import TELEGRAM_LIMIT, environment
from nlu.types import INTENTS

TAG = re.compile(r"</?\s*([a-zA-Z0-9]+)")


def full_text(answer: Answer) -> str:
    return "\n\n".join(answer.parts)


def assert_telegram_html(answer: Answer) -> None:
    assert answer.parts, "an answer must say something"
    for part in answer.parts:
        assert 0 < len(part) < TELEGRAM_LIMIT
        assert {t.lower() for t in TAG.findall(part)} <= {"b", "i", "a", "code"}
    for button in answer.buttons:
        assert len(button.action.encode()) < 40


def test_topics_cover_every_ask_intent_and_volunteer() -> None:
    expected = [i for i in INTENTS if i.startswith("ask_")] + ["volunteer"]
    assert sorted(answers.topics()) == sorted(expected)
    assert sorted(TOPIC_INTENTS) == sorted(expected)


@pytest.mark.parametrize("register", REGISTERS)
@pytest.mark.parametrize("intent", TOPIC_INTENTS)
def test_every_topic_renders_in_every_register(intent: str, register: str) -> None:
    answer = answers.render_topic(intent, register)
    assert_telegram_html(answer)
    t = answers.strings(register)
    text = full_text(answer)
    # Ends with the source line and the caveat that the Centre's staff confirm.
    last_lines = text.splitlines()[-2:]
    assert last_lines[0].startswith((t["source"] + ":", t["sources"] + ":"))
    assert t["checked"] in last_lines[0]
    assert last_lines[1] == f"<i>{t['caveat']}</i>"
    actions = [b.action for b in answer.buttons]
    assert "book" in actions and "handoff" in actions
    if register == "el-simple":
        assert all(not b.label[0].isalnum() for b in answer.buttons), "el-simple labels start with an emoji"


@pytest.mark.parametrize("register", REGISTERS)
def test_every_programme_and_its_documents_render(register: str) -> None:
    for pid in default_knowledge().programmes:
        assert_telegram_html(answers.render_programme(pid, register))
        docs = answers.render_documents(pid, register)
        assert_telegram_html(docs)
        assert docs.buttons[0].action == f"prog:{pid}"


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        ("el", ["216 €", "108 €", "54 €", "972 €", "1.296 €"]),
        ("el-simple", ["216 €", "108 €", "54 €", "972 €", "1.296 €"]),
        ("en", ["€216", "€108", "€54", "€972", "€1,296"]),
    ],
)
def test_min_income_answer_states_the_amounts_of_the_data(register: str, expected: list[str]) -> None:
    # easy-to-read: the topic answer is short (payments only); «more» is the whole programme answer
    if register == "el-simple":
        short = full_text(answers.render_topic("ask_min_income", register))
        assert "<b>216 €</b>" in short and "1.296" not in short
    text = full_text(
        answers.render_programme("min_income", register)
        if register == "el-simple"
        else answers.render_topic("ask_min_income", register)
    )
    for money in expected:
        assert f"<b>{money}</b>" in text or f"{money}</b>" in text
    # And every amount in the data appears, formatted, in the answer (data -> answer, no copy).
    for a in default_knowledge().programmes["min_income"].amounts:
        if a.listed:
            assert format_figure(a.values, a.unit, register) in text


def test_amounts_of_every_programme_appear_in_its_answer() -> None:
    for pid, prog in default_knowledge().programmes.items():
        for register in REGISTERS:
            text = full_text(answers.render_programme(pid, register))
            for a in (a for a in prog.amounts if a.listed):
                assert format_figure(a.values, a.unit, register) in text, (pid, a.key, register)
                label = fill(a.label[register], {b.key: b for b in prog.amounts}, register)
                if register == "en":  # Greek acronyms are in Latin letters in English: compare the rest
                    label = label.split(": ", 1)[-1]
                assert label in text.replace("&#39;", "'").replace("&#34;", '"')


def test_amount_dates_are_shown() -> None:
    assert "(από 1/12/2023)" in full_text(answers.render_programme("min_income", "el"))
    assert "(from 1 Dec 2023)" in full_text(answers.render_programme("min_income", "en"))
    # el-simple states the date once above the amounts it applies to: once under the payments, once under
    # the income limit (computed from the 216 €, so of the same date)
    simple = full_text(answers.render_programme("min_income", "el-simple"))
    assert simple.count("Από 1/12/2023:") == 2
    assert simple.index("💶 Πόσα χρήματα") < simple.index("Από 1/12/2023:") < simple.index("📏 Ως πόσο εισόδημα")


def test_money_and_dates_are_formatted_per_language() -> None:
    assert format_figure((Decimal("1296"),), "month", "el") == "1.296 €"
    assert format_figure((Decimal("21.60"),), "day", "el-simple") == "21,60 €"
    assert format_figure((Decimal("409.13"),), "month", "en") == "€409.13"
    assert format_figure((Decimal(70), Decimal(42)), "month", "el") == "70 € / 42 €"
    assert format_figure((Decimal(70),), "percent", "en") == "70%"


def test_single_programme_topic_buttons_lead_to_next_steps() -> None:
    buttons = answers.render_topic("ask_min_income", "el").buttons
    actions = [b.action for b in buttons]
    assert actions[:4] == ["docs:min_income", "check:min_income", "book", "handoff"]
    official = [b for b in buttons if b.action == "url"]
    assert official and official[0].url == "https://opeka.gr/elachisto-engyimeno-eisodima/nomothesia/"
    assert "check:housing" in [b.action for b in answers.render_topic("ask_housing", "el").buttons]
    assert "check:kot_a" in [b.action for b in answers.render_topic("ask_energy_bills", "el").buttons]


def test_multi_programme_topic_offers_one_button_per_programme() -> None:
    answer = answers.render_topic("ask_child_benefit", "el-simple")
    actions = [b.action for b in answer.buttons]
    assert actions[:2] == ["prog:child_benefit", "prog:birth_allowance"]
    assert answer.buttons[0].label == "👶 Επίδομα Παιδιού"


def test_documents_show_per_item_sources() -> None:
    text = full_text(answers.render_documents("min_income", "el"))
    assert "☐ IBAN λογαριασμού στο όνομα του αιτούντα" in text
    chania = "https://www.chania.gr/eksypiretisi/opeka/elaxisto-eggyimeno-eisodima-kea.html"
    assert f'(<a href="{chania}">chania.gr</a>)' in text
    assert "dnews.gr</a> — έλεγχος 11/2026" in text


def test_documents_unknown_says_so_kindly() -> None:
    text = full_text(answers.render_documents("housing_allowance", "en"))
    assert "The Community Centre will tell you what you need." in text
    assert "docs:housing_allowance" not in [b.action for b in answers.render_topic("ask_housing", "en").buttons]


@pytest.mark.parametrize("register", REGISTERS)
def test_emergency_puts_112_first_and_fits_one_message(register: str) -> None:
    answer = emergency_answer.render_emergency(register)
    assert len(answer.parts) == 1
    numbers = re.findall(r"<b>(\d{3,5})</b>", answer.parts[0])
    assert numbers[0] == "112"
    assert set(numbers) == {"112", "197", "15900", "1056", "10306", "1018", "10201"}
    assert "1555" not in numbers  # an information line, not an emergency one
    assert [b.action for b in answer.buttons] == ["urgent", "handoff"]


def test_events_empty_is_kind_and_listed_events_are_escaped() -> None:
    none = full_text(answers.render_events([], "el"))
    assert "Δεν έχουν ανακοινωθεί ακόμη νέες εκδηλώσεις" in none
    listed = full_text(
        answers.render_events([{"title": "Εργαστήρι <b>CV</b>", "starts_at": "Τρίτη 2/12, 11:00", "place": None}], "en")
    )
    assert "Εργαστήρι &lt;b&gt;CV&lt;/b&gt;" in listed
    assert "When: Τρίτη 2/12, 11:00" in listed
    assert "Where" not in listed


def test_centre_says_what_is_unknown_and_labels_other_lines() -> None:
    centre = {
        "name": "Κέντρο Κοινότητας Δήμου Φλώρινας",
        "town": "Φλώρινα",
        "address": None,
        "phone": None,
        "email": None,
        "hours": None,
        "related": [
            {
                "label": "Κοινωνικές Υπηρεσίες Δήμου Φλώρινας",
                "value": "2385044511",
                "source": "http://liveflorinanews.blogspot.com/2026/01/blog-post_76.html",
            }
        ],
        "source": None,
        "checked": None,
    }
    text = full_text(answers.render_centre(centre, "en"))
    assert text.count("<i>not known yet</i>") == 4
    assert "Other useful numbers (not the Centre&#39;s own line)" in text
    assert "Κοινωνικές Υπηρεσίες Δήμου Φλώρινας: 2385044511" in text
    empty = answers.render_centre(dict.fromkeys(centre), "el")
    assert_telegram_html(empty)
    assert "<b></b>" not in full_text(empty)


@pytest.mark.parametrize("register", REGISTERS)
def test_a_centre_with_no_public_source_says_only_when_it_was_checked(register: str) -> None:
    """No «Πηγή: — —»: with no page a citizen could open, the card gives the date its details were checked."""
    centre: dict[str, Any] = {
        **dict.fromkeys(["name", "town", "address", "phone", "email", "hours", "source"]),
        "related": [],
    }
    centre |= {"name": "Κέντρο Κοινότητας Δήμου Καστοριάς", "checked": date(2026, 11, 25)}
    text = full_text(answers.render_centre(centre, register))
    assert "— —" not in text and "—</" not in text
    assert answers.strings(register)["checked_on"] in text and ("25/11/2026" in text or "25 Nov 2026" in text)
    assert f"{answers.strings(register)['source']}:" not in text


def test_templates_are_strict_about_undefined_variables() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment().get_template("answers/programme.j2").render(r="el", t=answers.strings("el"))


def test_unknown_inputs_are_refused_clearly() -> None:
    with pytest.raises(ValueError):
        answers.render_topic("ask_min_income", "fr")
    with pytest.raises(KeyError):
        answers.render_topic("greet", "el")
    with pytest.raises(KeyError):
        answers.render_programme("nope", "el")
