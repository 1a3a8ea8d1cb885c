"""NLU benchmark: the built-in engine, and Rasa DIET when its sidecar is available, on the held-out set.

    .venv/bin/python -m bench.nlu.run [--data nlu/data] [--test nlu/test] [--no-rasa] [--rasa-epochs N]

Prints, per held-out file (register) and overall: accuracy, macro F1 and emergency recall; the danger lexicon's
recall on its own; false alarms on the held-out look-alikes (nlu/test_safety) at the top level and at a text step;
latency p50/p99 per message in-process (the engine alone, and as the bot builds it, with the place finder);
training time; peak memory of a fresh process that loads the model.
Rasa is measured as the bot uses it: inside the same emergency lexicon (`nlu.safety_net.WithEmergencyNet`).
Figures only – this never asserts (bench/README.md, "NLU", records what it printed).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nlu import emergency
from nlu.builtin import BuiltinEngine, load_builtin, train
from nlu.datafile import data_files, read_nlu_file
from nlu.evaluate import FALSE_ALARMS, EvalReport, FalseAlarmReport, evaluate, false_alarms
from nlu.types import NluEngine

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: its peak RSS is what a bot process pays for the model.
_MEMORY_PROBE = """
import json, sys, tracemalloc
from pathlib import Path

def hwm_kb():
    # VmHWM belongs to this process image; ru_maxrss would include the parent's before exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

base = hwm_kb()
tracemalloc.start()
from nlu.builtin import load_builtin
engine = load_builtin(Path(sys.argv[1]), Path(sys.argv[2]))
for text in ["θέλω ραντεβού αύριο στις 10", "thelw na milisw me koinwniko leitourgo", "I need food"]:
    engine.parse_sync(text)
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({"python_start_kb": base, "max_rss_kb": hwm_kb(),
                  "traced_peak_kb": peak // 1024}))
"""


async def _score(engine: NluEngine, test: Path) -> tuple[EvalReport, dict[str, EvalReport], FalseAlarmReport]:
    overall = await evaluate(engine, [test])
    per_file = {p.name: await evaluate(engine, [p]) for p in data_files(test)}
    return overall, per_file, await false_alarms(engine, FALSE_ALARMS)


def _safety_lines(name: str, test: Path, alarms: FalseAlarmReport) -> list[str]:
    emergencies = [e.text for p in data_files(test) for e in read_nlu_file(p).examples if e.intent == "emergency"]
    caught = sum(emergency.detect(t) is not None for t in emergencies)
    return [
        f"  {name}: danger lexicon alone catches {caught}/{len(emergencies)} held-out emergencies",
        "  " + alarms.format().replace("\n", "\n  "),
    ]


def _table(name: str, overall: EvalReport, per_file: dict[str, EvalReport]) -> list[str]:
    lines = [f"{name}: {'file':<24} {'n':>4} {'acc':>6} {'macroF1':>8} {'emerg.rec':>9}"]
    for fname, rep in [*per_file.items(), ("OVERALL", overall)]:
        emerg = f"{rep.recall_of('emergency'):.3f}" if "emergency" in rep.per_intent else "-"
        lines.append(
            f"{'':{len(name) + 2}}{fname:<24} {rep.total:4d} {rep.accuracy:6.3f} {rep.macro_f1:8.3f} {emerg:>9}"
        )
    missed = [t for t, exp, got in overall.errors if exp == "emergency"]
    lines.append(f"{'':{len(name) + 2}}emergencies missed: {len(missed)}" + "".join(f"\n    - {t}" for t in missed))
    return lines


def _latency(parse: Callable[[str], object], test: Path, rounds: int = 5) -> tuple[float, float, float, float]:
    """p50/p99 over every timing, and p50/p99 of each message's best of `rounds`.

    The second pair is the CPU cost without scheduling noise: on a busy machine a preempted call
    can take 10 ms whatever the code does.
    """
    texts = [e.text for p in data_files(test) for e in read_nlu_file(p).examples]
    for t in texts:  # warm-up
        parse(t)
    times: list[list[float]] = [[] for _ in texts]
    for _ in range(rounds):
        for i, t in enumerate(texts):
            started = time.perf_counter()
            parse(t)
            times[i].append((time.perf_counter() - started) * 1000)
    every = sorted(x for row in times for x in row)
    best = sorted(min(row) for row in times)

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(len(values) * q))]

    return pct(every, 0.5), pct(every, 0.99), pct(best, 0.5), pct(best, 0.99)


def bench_builtin(data: Path, test: Path) -> dict[str, Any]:
    train_times = []
    engine = None
    for _ in range(3):
        started = time.perf_counter()
        engine = train(data)
        train_times.append(time.perf_counter() - started)
    assert engine is not None
    overall, per_file, alarms = asyncio.run(_score(engine, test))
    # As the bot builds it (bot/nlu_loader.py): with the place finder over the gazetteer's 560 settlements.
    from core.routing import Router

    in_bot = BuiltinEngine(engine._model, engine.settings, Router.default().matcher.find)
    # As the bot's start-up does once everything is loaded (bot/app.py, start_services): what is loaded so far stays
    # out of the cyclic collector's full collections.
    gc.collect()
    gc.freeze()
    p50, p99, best50, best99 = _latency(engine.parse_sync, test)
    bot = _latency(in_bot.parse_sync, test)
    rule = _latency(emergency.detect, test)  # the safety rule alone: what interrupts a text step
    gc.unfreeze()
    with tempfile.TemporaryDirectory() as cache:
        load_builtin(data, Path(cache))  # writes the cache the probe then loads
        probe = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(data), cache],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        memory = json.loads(probe.stdout)
    print("\n".join(_table("builtin", overall, per_file)))
    print("\n".join(_safety_lines("builtin", test, alarms)))
    print(
        f"  training: median {statistics.median(train_times):.2f} s over 3 runs "
        f"({len(engine.intents)} intents)\n"
        f"  latency parse_sync (entities + classifier + emergency net): "
        f"p50 {p50:.3f} ms  p99 {p99:.3f} ms; best of 5 per message: p50 {best50:.3f} ms  p99 {best99:.3f} ms\n"
        f"  latency parse_sync as in the bot (the same + the place finder): p50 {bot[0]:.3f} ms  p99 {bot[1]:.3f} ms; "
        f"best of 5 per message: p50 {bot[2]:.3f} ms  p99 {bot[3]:.3f} ms\n"
        f"  latency of the danger lexicon alone (nlu.emergency.detect, the rule at a text step): "
        f"p50 {rule[0]:.3f} ms  p99 {rule[1]:.3f} ms; best of 5 per message: p50 {rule[2]:.3f} ms  "
        f"p99 {rule[3]:.3f} ms\n"
        f"  memory of a process that loads the cached model and parses: peak RSS "
        f"{memory['max_rss_kb'] / 1024:.0f} MB (interpreter alone {memory['python_start_kb'] / 1024:.0f} MB), "
        f"Python allocations peak {memory['traced_peak_kb'] / 1024:.1f} MB"
    )
    print("\n" + overall.format())
    return {
        "overall": overall.as_dict(),
        "train_s": train_times,
        "p50_ms": p50,
        "p99_ms": p99,
        "best_p50_ms": best50,
        "best_p99_ms": best99,
        "bot_parse_ms": {"p50": bot[0], "p99": bot[1], "best_p50": bot[2], "best_p99": bot[3]},
        "lexicon_ms": {"p50": rule[0], "p99": rule[1], "best_p50": rule[2], "best_p99": rule[3]},
        "memory": memory,
        "false_alarms": _alarms_dict(alarms),
    }


def _alarms_dict(alarms: FalseAlarmReport) -> dict[str, Any]:
    return {
        "total": alarms.total,
        "top_level": len(alarms.top_level),
        "text_step": len(alarms.text_step),
        "per_register": alarms.per_register,
    }


def bench_rasa(data: Path, test: Path, epochs: int | None) -> dict[str, Any] | None:
    try:
        from nlu.rasa_client import RasaEngine
        from nlu.rasa_sidecar import RasaSidecar, rasa_available
        from nlu.safety_net import WithEmergencyNet
    except ImportError as exc:
        print(f"rasa: not available ({exc})")
        return None
    if not rasa_available():
        print("rasa: not available (no working Rasa environment; see scripts/rasa-setup.sh)")
        return None
    with tempfile.TemporaryDirectory() as work, RasaSidecar(data, Path(work), epochs=epochs) as sidecar:

        async def run() -> tuple[tuple[EvalReport, dict[str, EvalReport], FalseAlarmReport], EvalReport]:
            engine = RasaEngine(sidecar.url, timeout=30.0)
            try:
                alone = await evaluate(engine, [test])  # DIET by itself, for its own emergency recall
                return await _score(WithEmergencyNet(engine), test), alone
            finally:
                await engine.aclose()

        (overall, per_file, alarms), alone = asyncio.run(run())
        rss = _peak_rss_mb(sidecar.pid)
    print("\n".join(_table("rasa", overall, per_file)))
    print(
        f"  rasa without the lexicon: accuracy {alone.accuracy:.3f}, emergency recall "
        f"{alone.recall_of('emergency'):.3f}"
    )
    print("\n".join(_safety_lines("rasa", test, alarms)))
    print(
        f"  training: {sidecar.train_seconds or 0:.1f} s\n"
        f"  latency over HTTP (evaluate loop) p50 {overall.latency_p50_ms:.2f} ms  "
        f"p99 {overall.latency_p99_ms:.2f} ms\n"
        f"  memory: server peak RSS {rss if rss is not None else '?'} MB"
    )
    print("\n" + overall.format())
    return {
        "overall": overall.as_dict(),
        "alone": alone.as_dict(),
        "train_s": sidecar.train_seconds,
        "rss_mb": rss,
        "false_alarms": _alarms_dict(alarms),
    }


def _peak_rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "nlu" / "data")
    parser.add_argument("--test", type=Path, default=ROOT / "nlu" / "test")
    parser.add_argument("--no-rasa", action="store_true", help="skip Rasa DIET even if available")
    parser.add_argument("--rasa-epochs", type=int, default=None, help="override DIET epochs")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"builtin": bench_builtin(args.data, args.test)}
    print()
    if args.no_rasa:
        print("rasa: skipped (--no-rasa)")
    else:
        results["rasa"] = bench_rasa(args.data, args.test, args.rasa_epochs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
