"""`koinotita knowledge check`: is the content complete, sourced, fresh, renderable and readable?

Errors are things a citizen would suffer from (a missing answer, an amount with no source, a
template that fails, a message Telegram would refuse, el-simple text that breaks the limits).
Warnings are things an editor should look at soon (a source checked more than 6 months ago, an
amount with no date it applies from, an abbreviated link).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from knowledge import (
    answer_parts,
    answers,
    content_checks,
    eligibility,
    emergency_answer,
    places,
    readability,
    text_figures,
)
from knowledge.answer import REGISTERS, Answer
from knowledge.glossary import glossary
from knowledge.programmes import CheckedOn, ContentError, Knowledge, SourceRef, amount, load_knowledge
from knowledge.templating import TELEGRAM_LIMIT, TEMPLATE_DIR

# The ask_* intents and volunteer of the intent contract (nlu/types.py INTENTS). `knowledge` may
# not import `nlu`, so the list is repeated here and a test keeps the two equal.
TOPIC_INTENTS: tuple[str, ...] = (
    "ask_entitlements",
    "ask_min_income",
    "ask_child_benefit",
    "ask_housing",
    "ask_disability",
    "ask_employment",
    "ask_food_aid",
    "ask_energy_bills",
    "ask_psychosocial",
    "ask_child_learning",
    "ask_legal_info",
    "ask_elderly_care",
    "ask_documents",
    "ask_events",
    "volunteer",
)
STALE_AFTER_MONTHS = 6
MAX_ACTION_BYTES = 40
MAX_LABEL_CHARS = 30
ALLOWED_TAGS = frozenset({"b", "i", "a", "code"})
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9]+)")

# Sample inputs for the templates the bot fills in itself.
SAMPLE_EVENTS: list[dict[str, Any]] = [
    {"title": "Ενημέρωση για το Ελάχιστο Εισόδημα", "starts_at": "Τρίτη 2/12, 11:00", "place": "Κοζάνη"},
    {"title": "Εργαστήρι βιογραφικού", "starts_at": "Πέμπτη 4/12, 10:00", "place": None},
]
# English answers show what the console holds in English (names, towns, labels); events are the staff's own words.
SAMPLE_EVENTS_EN: list[dict[str, Any]] = [
    {"title": "Information session on the Minimum Income", "starts_at": "Tue 2 Dec, 11:00", "place": "Kozani"},
    {"title": "CV workshop", "starts_at": "Thu 4 Dec, 10:00", "place": None},
]
SAMPLE_CENTRES_EN: list[dict[str, Any]] = [
    {
        "name": None,
        "town": None,
        "address": None,
        "phone": None,
        "email": None,
        "hours": None,
        "related": None,
        "source": None,
        "checked": None,
    },
    {
        "name": "Community Centre of the Municipality of Florina",
        "town": "Florina",
        "address": None,
        "phone": None,
        "email": None,
        "hours": None,
        "related": [
            {
                "label": "Social Services of the Municipality of Florina",
                "value": "2385044511",
                "source": "http://liveflorinanews.blogspot.com/2026/01/blog-post_76.html",
            }
        ],
        "source": "http://www.floriniotika.gr/2018/04/blog-post_96.html",
        "checked": date(2026, 11, 1),
    },
]
SAMPLE_CENTRES: list[dict[str, Any]] = [
    {
        "name": None,
        "town": None,
        "address": None,
        "phone": None,
        "email": None,
        "hours": None,
        "related": None,
        "source": None,
        "checked": None,
    },
    {
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
        "source": "http://www.floriniotika.gr/2018/04/blog-post_96.html",
        "checked": date(2026, 11, 1),
    },
]


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # known and explained, e.g. a figure shown as undated

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self) -> str:
        lines = [f"knowledge check: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"]
        lines += [f"ERROR   {e}" for e in self.errors]
        lines += [f"WARNING {w}" for w in self.warnings]
        lines += [f"NOTE    {n}" for n in self.notes]
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    # Clamp the day: 31 August minus 6 months is the end of February, not an error.
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_freshness(report: CheckReport, where: str, checked: CheckedOn | None, cutoff: date) -> None:
    if checked is None:
        report.warnings.append(f"{where}: no check date")
    elif checked.day < cutoff:
        report.warnings.append(
            f"{where}: source checked {checked.display()}, more than {STALE_AFTER_MONTHS} months ago: check it again"
        )


def _check_url(report: CheckReport, where: str, url: str | None) -> None:
    problem = content_checks.bad_source(url)
    if problem:
        report.errors.append(f"{where}: the source {url!r} {problem}")


def _check_sources(report: CheckReport, where: str, refs: Iterable[SourceRef], cutoff: date) -> None:
    for ref in refs:
        _check_freshness(report, f"{where} ({ref.url or ref.title})", ref.checked, cutoff)
        _check_url(report, where, ref.url)


def _check_data(report: CheckReport, kn: Knowledge, cutoff: date) -> None:
    for intent in TOPIC_INTENTS:
        if intent not in kn.topics:
            report.errors.append(f"topics.yaml: no answer for intent {intent}")
    for intent in kn.topics:
        if intent not in TOPIC_INTENTS:
            report.warnings.append(f"topics.yaml: {intent} is not an ask_* intent nor volunteer")
    for intent, topic in kn.topics.items():
        _check_sources(report, f"topics.yaml: {intent}", topic.sources, cutoff)
        if not topic.programmes and not topic.sources:
            report.errors.append(f"topics.yaml: {intent}: says what the centres offer but cites no source")

    for pid, prog in kn.programmes.items():
        where = f"programmes/{prog.path.name}"
        if not prog.sources and prog.official is None:
            report.errors.append(f"{where}: no source at all")
        refs = list(prog.sources) + [r for r in (prog.official, prog.documents_source) if r]
        _check_sources(report, where, refs, cutoff)
        for a in prog.amounts:
            at = f"{where}: amount {a.key or '?'}"
            if not a.values:
                report.errors.append(f"{at}: no value")
            if not a.source and not a.source_title:
                report.errors.append(f"{at}: no source")
            elif not a.source:
                named = SourceRef(None, a.source_title, a.as_of, a.checked, note=a.source_note)
                report.warnings.append(content_checks.unlinked_source(at, named))
            _check_url(report, at, a.source)
            if a.checked is None:
                report.errors.append(f"{at}: no check date")
            else:
                _check_freshness(report, at, a.checked, cutoff)
            if a.since is None and a.as_of is None:
                if a.undated:  # shown to citizens as undated, with the reason kept here
                    report.notes.append(f"{at}: shown as undated ({a.undated})")
                else:
                    report.warnings.append(
                        f"{at}: no date it applies from (since) nor page date (as_of) nor 'undated' reason"
                    )
        if not any(t == pid for t in (p for topic in kn.topics.values() for p in topic.programmes)):
            report.warnings.append(f"{where}: no topic lists this programme")

    for h in kn.helplines:
        # helplines.yaml and the emergency answer are the helplines work's (NLU + helplines): a bad source
        # there is reported, as a warning, for them to fix.
        _check_freshness(report, f"helplines.yaml: {h.number}", h.source.checked, cutoff)
        problem = content_checks.bad_source(h.source.url)
        if problem:
            report.warnings.append(f"helplines.yaml: {h.number}: the source {h.source.url!r} {problem}")
        elif h.source.url is None:
            report.warnings.append(content_checks.unlinked_source(f"helplines.yaml: {h.number}", h.source))
    for prog in kn.programmes.values():
        for d in prog.documents:
            _check_url(report, f"programmes/{prog.path.name}: document", d.source)


def _check_figures(report: CheckReport, kn: Knowledge, data_dir: Path | None) -> None:
    """eligibility.yaml and the programme files must state every shared figure the same."""
    path = (data_dir / "eligibility.yaml") if data_dir else eligibility.RULES_FILE
    if not path.exists():
        return

    def value(ref: str) -> Any:
        try:
            values = amount(ref, kn).values
        except KeyError:
            return None
        return values[0] if len(values) == 1 else list(values)

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {"amount"}:
                return value(str(node["amount"]))
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    rules = eligibility.raw_rules(path)
    for problem in content_checks.figure_disagreements(resolve(rules), value):
        report.errors.append(problem)
    report.errors += text_figures.typed_rule_figures(rules)


def _check_typed_figures(report: CheckReport, kn: Knowledge) -> None:
    """No sentence types a figure: each is a placeholder of an amount (the rule: knowledge/text_figures.py)."""
    report.errors += text_figures.typed_figure_errors(kn, TEMPLATE_DIR / "eligibility", eligibility.catalogue())


def _check_centres(report: CheckReport, data_dir: Path | None) -> None:
    """Every source a centre card can show is a plain address (notes belong in a note field)."""
    centres_file = (data_dir / "centres.yaml") if data_dir else places.CENTRES_FILE
    if not centres_file.exists():
        return
    for c in places.parse_centres(places.read_yaml(centres_file)):
        facts = [("address", c.address), ("phone", c.phone), ("email", c.email), ("hours", c.hours)]
        for key, fact in facts:
            if fact is not None:
                _check_url(report, f"centres.yaml: {c.id} {key}", fact.source)
        for contact in c.related_contacts:
            _check_url(report, f"centres.yaml: {c.id} related {contact.phone}", contact.source)
            if contact.as_of is None and not contact.uncertain:
                report.warnings.append(
                    f"centres.yaml: {c.id} related {contact.phone}: undated and not marked uncertain"
                )


def _is_emoji_start(label: str) -> bool:
    return bool(label) and unicodedata.category(label[0]) == "So"


def _check_answer(report: CheckReport, where: str, register: str, answer: Answer) -> None:
    if not answer.parts:
        report.errors.append(f"{where}: renders nothing")
    for i, part in enumerate(answer.parts):
        if len(part) >= TELEGRAM_LIMIT:
            report.errors.append(f"{where}: part {i + 1} has {len(part)} characters (limit {TELEGRAM_LIMIT})")
        bad = {t.lower() for t in _TAG_NAME.findall(part)} - ALLOWED_TAGS
        if bad:
            report.errors.append(f"{where}: tags Telegram does not allow here: {sorted(bad)}")
    for b in answer.buttons:
        if len(b.action.encode()) >= MAX_ACTION_BYTES:
            report.errors.append(f"{where}: button action {b.action!r} is {MAX_ACTION_BYTES}+ bytes")
        if len(b.label) > MAX_LABEL_CHARS:
            report.warnings.append(f"{where}: button label {b.label!r} is long")
        if register == "el-simple" and not _is_emoji_start(b.label):
            report.errors.append(f"{where}: el-simple button {b.label!r} does not start with an emoji")
    text = "\n\n".join(answer.parts)
    if register == "el-simple":
        for issue in readability.check_text(text):
            report.errors.append(f"{where}: readability {issue.rule}: {issue.detail}: «{issue.text}»")
        for term in content_checks.unexplained_terms(text, glossary()):
            report.errors.append(f"{where}: uses «{term}» without the glossary's explanation")
    if register == "en":
        for line in content_checks.greek_in_english(text):
            report.errors.append(f"{where}: Greek outside brackets in English: «{line[:90]}»")


def _renders(kn: Knowledge) -> Iterable[tuple[str, str, Callable[[], Answer]]]:
    """Every answer the content can produce: (where, register, how to render it)."""
    for r in REGISTERS:
        for intent in kn.topics:
            yield f"topic {intent} [{r}]", r, partial(answers.render_topic, intent, r, knowledge=kn)
        for pid in kn.programmes:
            yield f"programme {pid} [{r}]", r, partial(answers.render_programme, pid, r, knowledge=kn)
            yield f"documents {pid} [{r}]", r, partial(answers.render_documents, pid, r, knowledge=kn)
            yield f"how {pid} [{r}]", r, partial(answer_parts.render_how, pid, r, knowledge=kn)
            if kn.programmes[pid].categories:
                yield f"categories {pid} [{r}]", r, partial(answer_parts.render_categories, pid, r, knowledge=kn)
        yield f"emergency [{r}]", r, partial(emergency_answer.render_emergency, r, knowledge=kn)
        yield f"events (none) [{r}]", r, partial(answers.render_events, [], r)
        events = SAMPLE_EVENTS_EN if r == "en" else SAMPLE_EVENTS
        yield f"events (sample) [{r}]", r, partial(answers.render_events, events, r)
        for n, centre in enumerate(SAMPLE_CENTRES_EN if r == "en" else SAMPLE_CENTRES):
            yield f"centre (sample {n + 1}) [{r}]", r, partial(answers.render_centre, centre, r)


def run_check(today: date, data_dir: Path | None = None, facts_dir: Path | None = None) -> CheckReport:
    """Check the content under data_dir (default: the package's data) as of `today`; figures typed in sentences
    against the facts in facts_dir (default: KOINOTITA_FACTS_DIR, else ../shared/facts beside the project)."""
    report = CheckReport()
    try:
        kn = load_knowledge(data_dir)
    except ContentError as exc:
        report.errors += exc.problems
        return report
    _check_data(report, kn, _months_before(today, STALE_AFTER_MONTHS))
    for where, register, render in _renders(kn):
        try:
            answer = render()
        except Exception as exc:  # any template failure is a content error to report, not a crash
            report.errors.append(f"{where}: does not render: {type(exc).__name__}: {exc}")
            continue
        _check_answer(report, where, register, answer)
        if where.startswith("topic ") and register == "el-simple":
            too_long = content_checks.long_first_part(answer.parts)
            if too_long:
                report.errors.append(f"{where}: easy-to-read, {too_long}")
    for pid, prog in kn.programmes.items():
        for r in REGISTERS:
            text = "\n".join(answers.render_programme(pid, r, knowledge=kn).parts)
            views = [answers._amount_view(a, r) for a in prog.amounts]
            for problem in content_checks.misdated_amounts(text, views, r):
                report.errors.append(f"programme {pid} [{r}]: {problem}")
    _check_figures(report, kn, data_dir)
    _check_typed_figures(report, kn)
    _check_centres(report, data_dir)
    emergency = [h.number for h in kn.helplines if h.emergency]
    if emergency and "112" not in emergency:
        report.errors.append("helplines.yaml: 112 is missing from the emergency numbers")
    return report
