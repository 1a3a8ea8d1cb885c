"""Evaluating any NLU engine on Rasa-format YAML test files.

Works through the async `NluEngine.parse`, so the built-in engine and the Rasa client are
measured the same way. `nlu_fallback` counts as a wrong answer (the message was not understood),
which is what a citizen experiences.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nlu.datafile import data_files, read_nlu_file
from nlu.types import NluEngine

__all__ = ["EvalReport", "FalseAlarmReport", "IntentScore", "LookAlike", "evaluate", "false_alarms", "read_look_alikes"]


@dataclass(frozen=True)
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class EvalReport:
    """What an evaluation measured."""

    total: int = 0
    correct: int = 0
    macro_f1: float = 0.0
    per_intent: dict[str, IntentScore] = field(default_factory=dict)
    confused: list[tuple[str, str, int]] = field(default_factory=list)  # (expected, got, count)
    per_file: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (correct, total)
    latency_p50_ms: float = 0.0
    latency_p99_ms: float = 0.0
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (text, expected, got)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def file_accuracy(self, name: str) -> float:
        correct, total = self.per_file.get(name, (0, 0))
        return correct / total if total else 0.0

    def recall_of(self, intent: str) -> float:
        score = self.per_intent.get(intent)
        return score.recall if score else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_intent": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "f1": round(v.f1, 4),
                    "support": v.support,
                }
                for k, v in sorted(self.per_intent.items())
            },
            "confused": [{"expected": a, "got": b, "count": n} for a, b, n in self.confused],
            "per_file": {
                k: {"accuracy": round(self.file_accuracy(k), 4), "total": t} for k, (_, t) in self.per_file.items()
            },
            "latency_ms": {"p50": round(self.latency_p50_ms, 4), "p99": round(self.latency_p99_ms, 4)},
        }

    def format(self) -> str:
        lines = [
            f"messages {self.total}  accuracy {self.accuracy:.3f}  macro F1 {self.macro_f1:.3f}  "
            f"latency p50 {self.latency_p50_ms:.3f} ms  p99 {self.latency_p99_ms:.3f} ms",
            "",
            "per file:",
        ]
        for name, (correct, total) in self.per_file.items():
            lines.append(f"  {name:<32} {correct / total if total else 0:.3f}  ({correct}/{total})")
        lines += ["", f"  {'intent':<24} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}"]
        for name, s in sorted(self.per_intent.items()):
            lines.append(f"  {name:<24} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:5d}")
        if self.confused:
            lines += ["", "most confused (expected -> got):"]
            lines += [f"  {n:3d}  {a} -> {b}" for a, b, n in self.confused]
        return "\n".join(lines)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


async def evaluate(engine: NluEngine, paths: list[Path]) -> EvalReport:
    """Parse every example of the test files (files or directories) and score the intents."""
    report = EvalReport()
    expected_all: list[str] = []
    got_all: list[str] = []
    latencies: list[float] = []
    for root in paths:
        for path in data_files(root):
            correct = total = 0
            for example in read_nlu_file(path).examples:
                started = time.perf_counter()
                parse = await engine.parse(example.text)
                latencies.append((time.perf_counter() - started) * 1000)
                expected_all.append(example.intent)
                got_all.append(parse.intent)
                total += 1
                if parse.intent == example.intent:
                    correct += 1
                else:
                    report.errors.append((example.text, example.intent, parse.intent))
            key = path.name if path.name not in report.per_file else str(path)
            report.per_file[key] = (correct, total)
    report.total = len(expected_all)
    report.correct = sum(a == b for a, b in zip(expected_all, got_all, strict=True))
    report.per_intent = _scores(expected_all, got_all)
    # Macro F1 over the intents the test set contains (a predicted intent absent from the test set
    # still costs precision of nothing, but its false positives lower the recall of the true ones).
    report.macro_f1 = (
        sum(s.f1 for s in report.per_intent.values()) / len(report.per_intent) if report.per_intent else 0.0
    )
    pairs = Counter((a, b) for a, b in zip(expected_all, got_all, strict=True) if a != b)
    report.confused = [(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:10]]
    report.latency_p50_ms = _percentile(latencies, 0.50)
    report.latency_p99_ms = _percentile(latencies, 0.99)
    return report


def _scores(expected: list[str], got: list[str]) -> dict[str, IntentScore]:
    support = Counter(expected)
    predicted = Counter(got)
    hits = Counter(a for a, b in zip(expected, got, strict=True) if a == b)
    scores: dict[str, IntentScore] = {}
    for intent, n in support.items():
        tp = hits[intent]
        precision = tp / predicted[intent] if predicted[intent] else 0.0
        recall = tp / n
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[intent] = IntentScore(precision, recall, f1, n)
    return scores


# ---- false alarms (issue 12) -----------------------------------------------------------------------------------

FALSE_ALARMS = Path(__file__).resolve().parent / "test_safety" / "false_alarms.yml"


@dataclass(frozen=True)
class LookAlike:
    """A held-out message that looks like danger but is not one."""

    text: str
    kind: str
    register: str


@dataclass
class FalseAlarmReport:
    """How often messages that are not emergencies were treated as one.

    `top_level`: the engine's intent was `emergency` (what the bot does outside a flow).
    `text_step`: the danger lexicon fired (`Parse.danger`): the only thing that interrupts a flow waiting for
    typed data (a name, a phone, a place, a number, a description)."""

    total: int = 0
    top_level: list[LookAlike] = field(default_factory=list)
    text_step: list[LookAlike] = field(default_factory=list)
    per_register: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # register -> (n, top, step)

    @property
    def top_level_rate(self) -> float:
        return len(self.top_level) / self.total if self.total else 0.0

    @property
    def text_step_rate(self) -> float:
        return len(self.text_step) / self.total if self.total else 0.0

    def format(self) -> str:
        lines = [
            f"false alarms on {self.total} look-alikes: top level {len(self.top_level)} "
            f"({self.top_level_rate:.1%}), at a text step {len(self.text_step)} ({self.text_step_rate:.1%})"
        ]
        for register, (n, top, step) in sorted(self.per_register.items()):
            lines.append(f"  {register:<18} n={n:4d}  top level {top:3d}  text step {step:3d}")
        lines += [f"  top level: [{m.kind}] {m.text}" for m in self.top_level]
        lines += [f"  text step: [{m.kind}] {m.text}" for m in self.text_step]
        return "\n".join(lines)


def read_look_alikes(path: Path = FALSE_ALARMS) -> list[LookAlike]:
    """The messages of a false-alarm file (groups of `kind`, `register`, `messages`)."""
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        LookAlike(str(text), str(group.get("kind", "")), str(group.get("register", "")))
        for group in doc.get("groups") or []
        for text in group.get("messages") or []
    ]


async def false_alarms(engine: NluEngine, path: Path = FALSE_ALARMS) -> FalseAlarmReport:
    """Parse every look-alike and count the emergencies at the top level and at a text step."""
    report = FalseAlarmReport()
    counts: dict[str, list[int]] = {}
    for item in read_look_alikes(path):
        parse = await engine.parse(item.text)
        row = counts.setdefault(item.register, [0, 0, 0])
        row[0] += 1
        report.total += 1
        if parse.intent == "emergency":
            report.top_level.append(item)
            row[1] += 1
        if parse.danger is not None:
            report.text_step.append(item)
            row[2] += 1
    report.per_register = {k: (v[0], v[1], v[2]) for k, v in counts.items()}
    return report
