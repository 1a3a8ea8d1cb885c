"""Answers in parts, so that few words are on the screen at once.

- `render_topic_short`: the easy-to-read topic answer's first message — what it is, who gets it, how
  much — with buttons for «how to apply», «documents» and «more» (the whole programme answer);
- `render_how`: how to apply for a programme and what the Community Centre does;
- `render_categories`: "which one am I?" — the income categories behind a programme's amounts.
"""

from __future__ import annotations

from knowledge.answer import Answer, Button
from knowledge.answers import (
    _button,
    _check_register,
    _group_by_date,
    _knowledge,
    _programme,
    _programme_buttons,
    _programme_sources,
    _programme_view,
    _render,
    _source_view,
    strings,
)
from knowledge.programmes import Knowledge, Programme

__all__ = ["SHORT_AMOUNTS", "render_categories", "render_how", "render_topic_short", "short_buttons"]

SHORT_AMOUNTS = 4  # figures in a short answer; the rest are one «more» away


def short_buttons(p: Programme, register: str) -> list[Button]:
    """The buttons under a short answer: the parts left out first, then the next steps."""
    labels = strings(register)["buttons"]
    buttons = [Button(labels["how"], f"how:{p.id}")]
    if p.documents:
        buttons.append(Button(labels["docs"], f"docs:{p.id}"))
    buttons.append(Button(labels["more"], f"prog:{p.id}"))
    return buttons + _programme_buttons(p, register, documents=False)


def render_topic_short(intent: str, register: str, *, knowledge: Knowledge | None = None) -> Answer | None:
    """The short first part of a one-programme topic answer; None for a topic that is already a menu."""
    _check_register(register)
    kn = _knowledge(knowledge)
    topic = kn.topics.get(intent)
    if topic is None:
        raise KeyError(f"no topic answer for intent {intent!r}")
    if len(topic.programmes) != 1:
        return None
    p = kn.programmes[topic.programmes[0]]
    money = [a for a in p.amounts if a.listed and a.kind in ("benefit", "upto")][:SHORT_AMOUNTS]
    view = _programme_view(p, register)
    return _render(
        "answers/short.j2",
        register,
        short_buttons(p, register),
        topic={"intro": topic.intro[register], "body": topic.body[register]},
        p=view,
        short_groups=_group_by_date(view["money"][:SHORT_AMOUNTS]),
        src=_source_view(list(topic.sources) + _programme_sources(p), money, register),
    )


def render_how(programme_id: str, register: str, *, knowledge: Knowledge | None = None) -> Answer:
    """How to apply for a programme and what the Community Centre does."""
    _check_register(register)
    p = _programme(_knowledge(knowledge), programme_id)
    buttons = [b for b in _programme_buttons(p, register) if b.action not in ("book",)]
    buttons.insert(0, _button(register, "book"))
    return _render(
        "answers/how.j2",
        register,
        buttons,
        p=_programme_view(p, register),
        src=_source_view(_programme_sources(p), register=register),
    )


def render_categories(programme_id: str, register: str, *, knowledge: Knowledge | None = None) -> Answer:
    """The income categories that decide which of a programme's amounts applies ("which one am I?")."""
    _check_register(register)
    p = _programme(_knowledge(knowledge), programme_id)
    if p.categories is None:
        raise KeyError(f"programme {programme_id!r} has no income categories")
    refs = [p.categories_source] if p.categories_source else _programme_sources(p)
    buttons = [_button(register, "programme", f"prog:{p.id}"), *_programme_buttons(p, register)]
    return _render(
        "answers/categories.j2",
        register,
        buttons,
        p=_programme_view(p, register),
        categories=_programme_view(p, register)["categories"],
        src=_source_view(refs, register=register),
    )
