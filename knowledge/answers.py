"""Programme and topic answers in Telegram HTML, in each register (el, el-simple, en).

The data (knowledge/data) says *what* is true and where it comes from; the templates under
templates/answers say how it reads. This module only turns data into plain view dictionaries for one
register (money and dates formatted, sources gathered) and picks the next-step buttons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, TypeGuard
from urllib.parse import urlparse

import yaml

from knowledge.answer import REGISTERS, Answer, Button
from knowledge.figures import fill, format_date, format_figure
from knowledge.glossary import explain_terms
from knowledge.programmes import (
    MONEY_KINDS,
    Amount,
    CheckedOn,
    Knowledge,
    Programme,
    SourceRef,
    default_knowledge,
)
from knowledge.templating import TEMPLATE_DIR, environment, split_message
from knowledge.translit import latinise_acronyms

STRINGS_FILE = TEMPLATE_DIR / "answers" / "strings.yaml"


@lru_cache(maxsize=1)
def _all_strings() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load(STRINGS_FILE.read_text(encoding="utf-8"))
    return data


def strings(register: str) -> dict[str, Any]:
    """The fixed words (headings, units, button labels) of one register."""
    if register not in REGISTERS:
        raise ValueError(f"unknown register {register!r}; expected one of {REGISTERS}")
    return _all_strings()[register]


# ---- formatting: knowledge.figures is the one formatter (8.000 € / €8,000) ---------------------------------


def _domain(url: str) -> str:
    host = urlparse(url).netloc
    return host.removeprefix("www.")


# ---- view models -------------------------------------------------------------------------------


def _amount_view(a: Amount, register: str) -> dict[str, Any]:
    t = strings(register)
    # Every figure shows its own date, or says it has none: never the date of the figure above it.
    if a.since:
        when = t["since"].format(date=format_date(a.since, register))
    elif a.as_of:
        when = t["as_of"].format(date=format_date(a.as_of, register))
    else:
        when = t["undated"]
    return {
        "key": a.key,
        "label": a.label[register],
        "money": format_figure(a.values, a.unit, register),
        "unit": a.unit,
        "kind": a.kind,
        "when": when,
    }


def _group_by_date(amounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive amounts that share a date, so el-simple can state the date once."""
    groups: list[dict[str, Any]] = []
    for a in amounts:
        if groups and groups[-1]["when"] == a["when"]:
            groups[-1]["amounts"].append(a)
        else:
            groups.append({"when": a["when"], "amounts": [a]})
    return groups


def _with_figures(lines: Sequence[str], p: Programme, register: str) -> list[str]:
    """Text lines with each placeholder («{key}», «{key[0]}», «{key:number}», «{key:since}») replaced by that
    amount of the programme, formatted for the register: a figure is typed once, in the programme's amounts."""
    by_key = {a.key: a for a in p.amounts}
    return [fill(line, by_key, register) for line in lines]


def _programme_view(p: Programme, register: str) -> dict[str, Any]:
    # Figures that only sentences name (listed: false) are not listed under the amounts' headings.
    amounts = [_amount_view(a, register) for a in p.amounts if a.listed]
    by_key = {a.key: a for a in p.amounts}
    for view in amounts:
        view["label"] = fill(view["label"], by_key, register)
    return {
        "id": p.id,
        "name": p.name[register],
        "what": _with_figures(p.what[register], p, register),
        "who": _with_figures(p.who[register], p, register),
        "amounts": amounts,
        "money": [a for a in amounts if a["kind"] in MONEY_KINDS],
        "limits": [a for a in amounts if a["kind"] not in MONEY_KINDS],
        "money_groups": _group_by_date([a for a in amounts if a["kind"] in MONEY_KINDS]),
        "limit_groups": _group_by_date([a for a in amounts if a["kind"] not in MONEY_KINDS]),
        "apply": _with_figures(p.apply[register], p, register),
        "centre_role": _with_figures(p.centre_role[register], p, register),
        "categories": _with_figures(p.categories[register], p, register) if p.categories else [],
        "notes": _with_figures(p.notes[register], p, register),
        "documents": [
            {
                "text": fill(d.text[register], by_key, register),
                "source": {"href": d.source, "text": _domain(d.source)} if d.source else None,
            }
            for d in p.documents
        ],
    }


def _source_view(refs: Iterable[SourceRef], amounts: Iterable[Amount] = (), register: str = "el") -> dict[str, Any]:
    """One source line: every distinct source, and the *oldest* check date among them (honest)."""
    links: list[dict[str, str | None]] = []
    seen: set[str] = set()
    checks: list[CheckedOn] = []
    pairs: list[tuple[str | None, str | None, CheckedOn | None]] = [
        (r.url, (r.title_en or r.title) if register == "en" else r.title, r.checked) for r in refs
    ]
    pairs += [(a.source, a.source_title, a.checked) for a in amounts]
    for url, title, checked in pairs:
        if checked is not None:
            checks.append(checked)
        key = url or title or ""
        if not key or key in seen:
            continue
        seen.add(key)
        links.append({"href": url, "text": _domain(url) if url else title})
    oldest = min(checks, key=lambda c: c.day) if checks else None
    return {"links": links, "checked": oldest.display() if oldest else None}


def _programme_sources(p: Programme) -> list[SourceRef]:
    return ([p.official] if p.official else []) + list(p.sources)


# ---- buttons -----------------------------------------------------------------------------------


def _button(register: str, kind: str, action: str | None = None) -> Button:
    return Button(strings(register)["buttons"][kind], action or kind)


def _programme_buttons(p: Programme, register: str, *, documents: bool = True) -> list[Button]:
    buttons: list[Button] = []
    if documents and p.documents:
        buttons.append(_button(register, "docs", f"docs:{p.id}"))
    if p.categories:
        buttons.append(_button(register, "which", f"cat:{p.id}"))
    if p.check:
        buttons.append(_button(register, "check", f"check:{p.check}"))
    buttons += [_button(register, "book"), _button(register, "handoff")]
    if p.official and p.official.url:
        buttons.append(Button(strings(register)["buttons"]["official"], "url", p.official.url))
    return buttons


# ---- rendering ---------------------------------------------------------------------------------


def _render(template: str, register: str, buttons: Sequence[Button], **context: Any) -> Answer:
    text = environment().get_template(template).render(r=register, t=strings(register), **context)
    # Templates are written for readability, not exact spacing: tidy blank lines and line ends here.
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if register == "el-simple":
        text = explain_terms(text)  # every technical word explained at its first use
    elif register == "en":
        text = latinise_acronyms(text)  # Greek acronyms in Latin letters, the Greek in brackets once
    return Answer(parts=tuple(split_message(text)), buttons=tuple(buttons))


def _knowledge(knowledge: Knowledge | None) -> Knowledge:
    return knowledge if knowledge is not None else default_knowledge()


def _once(kn: Knowledge, key: tuple[Any, ...], render: Callable[[], Answer]) -> Answer:
    """The answer `key` names, rendered the first time it is asked: topic, programme, documents and emergency
    answers depend on nothing but the knowledge (and the emergency plan beside it), never changed once loaded (a
    new one starts empty). Centre cards are not kept: an admin may correct a centre at any time."""
    known = kn.rendered.get(key)
    if known is None:
        known = kn.rendered[key] = render()
    assert isinstance(known, Answer)
    return known


def _check_register(register: str) -> None:
    strings(register)  # raises ValueError for an unknown register


def topics(knowledge: Knowledge | None = None) -> list[str]:
    """The intents that have a topic answer, in the order of topics.yaml."""
    return list(_knowledge(knowledge).topics)


def render_topic(intent: str, register: str, *, knowledge: Knowledge | None = None) -> Answer:
    """The main answer for an intent: intro, the programme (or a short list of them), next steps."""
    _check_register(register)
    kn = _knowledge(knowledge)
    return _once(kn, ("topic", intent, register), lambda: _render_topic(kn, intent, register))


def _render_topic(kn: Knowledge, intent: str, register: str) -> Answer:
    topic = kn.topics.get(intent)
    if topic is None:
        raise KeyError(f"no topic answer for intent {intent!r}")
    if register == "el-simple" and len(topic.programmes) == 1:
        # Easy-to-read: a short first part and buttons for the rest (knowledge.answer_parts).
        from knowledge.answer_parts import render_topic_short

        short = render_topic_short(intent, register, knowledge=kn)
        if short is not None:
            return short
    progs = [kn.programmes[pid] for pid in topic.programmes]
    if len(progs) == 1:
        buttons = _programme_buttons(progs[0], register)
        refs = list(topic.sources) + _programme_sources(progs[0])
        amounts: Sequence[Amount] = progs[0].amounts
    else:
        # Several programmes: one button each, so the citizen picks instead of reading them all.
        buttons = [Button(p.short[register], f"prog:{p.id}") for p in progs]
        buttons += [_button(register, "book"), _button(register, "handoff")]
        refs = list(topic.sources) + [p.official for p in progs if p.official]
        amounts = ()
    topic_view = {
        "intro": topic.intro[register],
        "body": topic.body[register],
    }
    return _render(
        "answers/topic.j2",
        register,
        buttons,
        topic=topic_view,
        programmes=[_programme_view(p, register) for p in progs],
        src=_source_view(refs, amounts, register),
    )


def _programme(kn: Knowledge, programme_id: str) -> Programme:
    prog = kn.programmes.get(programme_id)
    if prog is None:
        raise KeyError(f"unknown programme {programme_id!r}")
    return prog


def render_programme(programme_id: str, register: str, *, knowledge: Knowledge | None = None) -> Answer:
    """Everything about one programme: what, who, amounts, how to apply, the Centre's part."""
    _check_register(register)
    kn = _knowledge(knowledge)
    return _once(kn, ("programme", programme_id, register), lambda: _render_programme(kn, programme_id, register))


def _render_programme(kn: Knowledge, programme_id: str, register: str) -> Answer:
    p = _programme(kn, programme_id)
    return _render(
        "answers/programme.j2",
        register,
        _programme_buttons(p, register),
        p=_programme_view(p, register),
        src=_source_view(_programme_sources(p), p.amounts, register),
    )


def render_documents(programme_id: str, register: str, *, knowledge: Knowledge | None = None) -> Answer:
    """The documents checklist of a programme, with per-item sources where an item has its own."""
    _check_register(register)
    kn = _knowledge(knowledge)
    return _once(kn, ("documents", programme_id, register), lambda: _render_documents(kn, programme_id, register))


def _render_documents(kn: Knowledge, programme_id: str, register: str) -> Answer:
    p = _programme(kn, programme_id)
    buttons = [_button(register, "programme", f"prog:{p.id}")]
    buttons += _programme_buttons(p, register, documents=False)
    refs = [p.documents_source] if p.documents_source else _programme_sources(p)
    return _render(
        "answers/documents.j2",
        register,
        buttons,
        p=_programme_view(p, register),
        src=_source_view(refs, register=register),
    )


def render_events(events: Sequence[Mapping[str, Any]], register: str) -> Answer:
    """The events intro plus the events the bot found; a kind note when there are none.

    Each event is {title, starts_at (display string), place (may be None)}.
    """
    _check_register(register)
    view = [{"title": e.get("title") or "", "starts_at": e.get("starts_at"), "place": e.get("place")} for e in events]
    buttons = [_button(register, "book"), _button(register, "handoff")]
    return _render("answers/events.j2", register, buttons, events=view)


def render_centre(centre: Mapping[str, Any], register: str) -> Answer:
    """What is known of a centre; every unknown value is said to be unknown, never guessed.

    `centre` is {name, town, address, phone, email, hours, related: [{label, value, source}],
    source, checked}; any value may be None.
    """
    _check_register(register)
    checked = centre.get("checked")
    if isinstance(checked, date):
        checked = format_date(checked, register)
    source = centre.get("source")
    related = []
    for item in centre.get("related") or []:
        if not item.get("value"):
            continue
        item_source = item.get("source")
        related.append(
            {
                "label": item.get("label"),
                "value": item["value"],
                "source": item_source,
                "source_text": _domain(item_source) if _is_url(item_source) else item_source,
                "source_is_url": _is_url(item_source),
            }
        )
    fields = [(key, centre.get(key)) for key in ("address", "phone", "email", "hours")]
    view = {
        "name": centre.get("name"),
        "town": centre.get("town"),
        "fields": fields,
        "related": related,
        "source": source,
        "source_text": _domain(source) if _is_url(source) else source,
        "source_is_url": _is_url(source),
        "checked": checked,
        "note": centre.get("note"),
    }
    any_known = any(value for _, value in fields)
    buttons = [_button(register, "book"), _button(register, "handoff")]
    return _render("answers/centre.j2", register, buttons, c=view, any_known=any_known)


def _is_url(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(("http://", "https://"))
