"""Reading and compiling at start-up what the first answers would otherwise read and compile while a citizen
waits: every answer template, the answers' fixed words, the emergency plan (≈ 0.35 s of CPU on the 2-core test
machine, once per process). The message catalogue's short texts are compiled on first use (1,100 texts ≈ 0.9 s
at once; one takes under a millisecond)."""

from __future__ import annotations

from knowledge.answer import REGISTERS
from knowledge.answers import strings
from knowledge.emergency_plan import load_plan
from knowledge.programmes import default_knowledge
from knowledge.templating import environment


def warm_up() -> None:
    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        env.get_template(name)
    for register in REGISTERS:
        strings(register)
    load_plan(default_knowledge().data_dir)
