"""What `knowledge` hands to a front end: text parts in Telegram HTML and next-step buttons.

A button's `action` is a short opaque string the bot understands (never shown to users):
  topic:<intent>     show the answer for another intent (e.g. topic:ask_min_income)
  prog:<programme>   one programme of a topic that has several (e.g. prog:birth_allowance)
  docs:<programme>   the documents checklist of a programme
  check:<scheme>     start the eligibility pre-check (min_income | kot_a | housing)
  book               start booking an appointment
  handoff            talk to a person
  centre             find my centre
  urgent             flag an urgent request for the centre (after an emergency answer)
  menu               back to the main menu
A button with `url` set opens that address instead (official sources); its action is "url".
"""

from __future__ import annotations

from dataclasses import dataclass, field

REGISTERS: tuple[str, ...] = ("el", "el-simple", "en")


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    url: str | None = None


@dataclass(frozen=True)
class Answer:
    parts: tuple[str, ...]
    buttons: tuple[Button, ...] = field(default=())
