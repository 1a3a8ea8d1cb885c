"""The emergency answer: the helplines, 112 first of all, then those that fit the danger the message named, with
its safety advice (knowledge/emergency_plan.py) and the source of every number. Rendered once per register, topic
and extra buttons (the knowledge and the plan never change once read)."""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.answer import Answer, Button
from knowledge.answers import _button, _check_register, _knowledge, _once, _render, strings
from knowledge.emergency_plan import load_plan, ordered_numbers
from knowledge.programmes import Knowledge, SourceRef


def render_emergency(
    register: str,
    *,
    topic: str | None = None,
    extra_buttons: Sequence[Button] = (),
    knowledge: Knowledge | None = None,
) -> Answer:
    """Helplines first, 112 first of all; short, so it fits one message.

    `topic` is the danger the message named (nlu.emergency categories: "violence", "child", "suicide", …): the
    lines that fit it come right after 112 and its safety advice follows (knowledge/emergency_plan.py).
    """
    _check_register(register)
    kn = _knowledge(knowledge)
    key = ("emergency", register, topic or "", *extra_buttons)  # the plan is read once per data directory too
    return _once(kn, key, lambda: _render_emergency(kn, register, topic, extra_buttons))


def _render_emergency(kn: Knowledge, register: str, topic: str | None, extra_buttons: Sequence[Button]) -> Answer:
    plan = load_plan(kn.data_dir)
    by_number = {h.number: h for h in kn.helplines if h.emergency}
    lines = [by_number[n] for n in ordered_numbers(list(by_number), topic, plan)]
    view = [{"number": h.number, "name": h.name[register], "purpose": h.purpose[register]} for h in lines]
    advice = plan.advice.get(topic or "", ())
    links = _merge_unlinked(
        [_helpline_source(h.source, h.number, register) for h in lines]
        + [_helpline_source(a.source, f"{t_advice_label(register)} {i}", register) for i, a in enumerate(advice, 1)]
    )
    checks = [h.source.checked for h in lines if h.source.checked]
    checks += [a.source.checked for a in advice if a.source.checked]
    oldest = min(checks, key=lambda c: c.day).display() if checks else None
    sources = {"links": links, "checked": oldest}
    buttons = [_button(register, "urgent"), _button(register, "handoff"), *extra_buttons]
    return _render(
        "answers/emergency.j2", register, buttons, lines=view, src=sources, advice=[a.text[register] for a in advice]
    )


def _helpline_source(source: SourceRef, what: str, register: str) -> dict[str, str | None]:
    """A helpline's (or a piece of advice's) source in the source line: the number linked to its page, or — for a
    source named without an address — the number and the source's name, unlinked."""
    if source.url:
        return {"href": source.url, "text": what}
    title = (source.title_en or source.title) if register == "en" else source.title
    return {"href": None, "text": what, "title": title}


def _merge_unlinked(links: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """Numbers named by the same unlinked source are shown together: «10306, 1018 (reader.gr, 10/10/2025)»."""
    merged: list[dict[str, str | None]] = []
    for link in links:
        title = link.get("title")
        previous = merged[-1] if merged else None
        if title and previous is not None and previous.get("title") == title:
            previous["text"] = f"{previous['text']}, {link['text']}"
        else:
            merged.append(dict(link))
    for link in merged:
        if link.get("title"):
            link["text"] = f"{link['text']} ({link.pop('title')})"
    return merged


def t_advice_label(register: str) -> str:
    """How a piece of safety advice is named in the source line ("συμβουλή 1")."""
    return str(strings(register)["emergency_advice_source"])
