"""Every rendered answer, as one JSON file: to prove that a change to the data or the code leaves them unchanged.

    python scripts/answers_snapshot.py write /tmp/answers-before.json    # on the old tree
    python scripts/answers_snapshot.py compare /tmp/answers-before.json  # on the new tree: prints every difference

Covered: every topic, programme, documents list, «how to apply», categories and short answer in every register;
the emergency answer for every danger topic; the "what can I get?" suggestions; and the pre-check result of every
scheme for a grid of households (adults × minors × single parent × incomes × disability × renting) in every register.
`compare` exits 1 when any answer differs or is missing on either side.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from knowledge import answer_parts, answers, eligibility, emergency_answer, entitlements
from knowledge.answer import REGISTERS, Answer
from knowledge.emergency_plan import load_plan
from knowledge.programmes import default_knowledge

INCOMES_6M: tuple[Decimal | None, ...] = (None, Decimal(0), Decimal(900), Decimal(1296), Decimal(3000), Decimal(9000))
INCOMES_YEAR: tuple[Decimal | None, ...] = (
    None,
    Decimal(4000),
    Decimal(9000),
    Decimal(13500),
    Decimal(17000),
    Decimal(25000),
    Decimal(40000),
)


def _flat(answer: Answer) -> str:
    buttons = " | ".join(
        f"{b.label} -> {b.action}" + (f" {b.url}" if getattr(b, "url", None) else "") for b in answer.buttons
    )
    return "\n---\n".join(answer.parts) + f"\n[buttons] {buttons}"


def _households() -> Iterator[eligibility.Household]:
    for adults, minors in itertools.product(range(1, 5), range(0, 5)):
        for single in (False, True) if minors else (False,):
            for inc6, incy, disabled, rents in itertools.product(
                INCOMES_6M, INCOMES_YEAR, (False, True), (None, True, False)
            ):
                yield eligibility.Household(adults, minors, single, inc6, incy, rents, disabled)


def renders() -> Iterator[tuple[str, str]]:
    kn = default_knowledge()
    for r in REGISTERS:
        for intent in kn.topics:
            yield f"topic {intent} [{r}]", _flat(answers.render_topic(intent, r))
            short = answer_parts.render_topic_short(intent, r)
            if short is not None:
                yield f"short {intent} [{r}]", _flat(short)
        for pid, p in kn.programmes.items():
            yield f"programme {pid} [{r}]", _flat(answers.render_programme(pid, r))
            yield f"documents {pid} [{r}]", _flat(answers.render_documents(pid, r))
            yield f"how {pid} [{r}]", _flat(answer_parts.render_how(pid, r))
            if p.categories:
                yield f"categories {pid} [{r}]", _flat(answer_parts.render_categories(pid, r))
        for topic in (None, *load_plan(kn.data_dir).advice):
            yield f"emergency {topic} [{r}]", _flat(emergency_answer.render_emergency(r, topic=topic))
    for h in _households():
        situation = entitlements.Situation(household=h, low_income=True, renting=h.rents_home, bills_unpaid=True)
        key = (
            f"{h.adults}a {h.minors}m sp={h.single_parent} i6={h.income_6m} iy={h.income_year} "
            f"d={h.disability_67} rent={h.rents_home}"
        )
        for r in REGISTERS:
            for scheme in eligibility.SCHEMES:
                yield f"check {scheme} {key} [{r}]", _flat(eligibility.render_result(eligibility.check(scheme, h), r))
            yield f"suggest {key} [{r}]", _flat(entitlements.render_suggestions(entitlements.suggest(situation), r))


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("write", "compare"):
        print(__doc__)
        return 2
    path = Path(argv[2])
    current = dict(renders())
    if argv[1] == "write":
        path.write_text(json.dumps(current, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
        print(f"{len(current)} answers written to {path}")
        return 0
    before: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    changed = sorted(k for k in before.keys() & current.keys() if before[k] != current[k])
    gone, new = sorted(before.keys() - current.keys()), sorted(current.keys() - before.keys())
    for key in changed:
        print(f"=== changed: {key}")
        import difflib

        print("\n".join(difflib.unified_diff(before[key].splitlines(), current[key].splitlines(), lineterm="", n=0)))
    for key in gone:
        print(f"=== missing now: {key}")
    for key in new:
        print(f"=== new: {key}")
    print(f"{len(current)} answers: {len(changed)} changed, {len(gone)} missing, {len(new)} new")
    return 1 if changed or gone or new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
