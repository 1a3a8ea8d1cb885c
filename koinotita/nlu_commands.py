"""`koinotita nlu parse | train | evaluate` (DESIGN.md)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from bot.nlu_loader import NLU_DATA_DIR, load_builtin_engine, load_nlu
from core.settings import Settings
from nlu.builtin import train as train_builtin
from nlu.evaluate import evaluate as evaluate_engine


def parse(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> None:
        engine = await load_nlu(settings)
        try:
            for line in sys.stdin:
                result = await engine.parse(line.rstrip("\n"))
                print(json.dumps(result.as_json(), ensure_ascii=False), flush=True)
        finally:
            close = getattr(engine, "aclose", None)
            if close is not None:
                await close()

    asyncio.run(go())
    return 0


def train(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    train_builtin(NLU_DATA_DIR)  # always trains, to report the real time
    seconds = time.perf_counter() - started
    load_builtin_engine(settings)  # and leaves the model in the cache the bot loads from
    print(f"built-in NLU trained in {seconds:.2f} s; cached under {settings.nlu_cache_dir}", file=sys.stderr)
    return 0


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2

    async def go() -> int:
        engine = await load_nlu(settings)
        report = await evaluate_engine(engine, list(args.paths))
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json else report.format())
        return 0

    return asyncio.run(go())
