"""Choosing the NLU backend: the built-in engine (default, in-process) or the Rasa sidecar, which falls back
to the built-in engine when it is down."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from core.settings import Settings
from nlu.builtin import BuiltinEngine, load_builtin
from nlu.types import NluEngine

log = logging.getLogger(__name__)
NLU_DATA_DIR = Path(__file__).resolve().parent.parent / "nlu" / "data"


def load_builtin_engine(settings: Settings) -> BuiltinEngine:
    """Trained in seconds, or loaded from the cache keyed by the data's hash; places come from the gazetteer."""
    from core.routing import Router

    return load_builtin(NLU_DATA_DIR, settings.nlu_cache_dir, place_finder=Router.default().matcher.find)


async def load_nlu(settings: Settings) -> NluEngine:
    builtin = await asyncio.to_thread(load_builtin_engine, settings)
    if settings.nlu_backend == "rasa":
        from nlu.rasa_client import RasaEngine
        from nlu.safety_net import WithEmergencyNet

        log.info("NLU: Rasa sidecar at %s (built-in engine as fallback)", settings.rasa_url)
        return WithEmergencyNet(RasaEngine(settings.rasa_url, fallback=builtin))
    return builtin
