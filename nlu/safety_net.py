"""The emergency lexicon around any NLU engine: whatever the backend (e.g. the Rasa sidecar) answers, a message
with a clear danger phrase is an emergency. The built-in engine applies the same net itself."""

from __future__ import annotations

from dataclasses import replace

from nlu import emergency
from nlu.types import NluEngine, Parse

_HEAD = 1_000  # the lexicon reads what the built-in engine classifies (nlu.builtin.MAX_CLASSIFY_CHARS)


class WithEmergencyNet:
    """An NluEngine that defers to `engine` except when the emergency lexicon fires."""

    def __init__(self, engine: NluEngine) -> None:
        self.engine = engine

    async def parse(self, text: str) -> Parse:
        parse = await self.engine.parse(text)
        danger = emergency.detect(text[:_HEAD])
        if danger is None:
            return replace(parse, danger=None)
        ranking = (("emergency", 1.0), *(r for r in parse.ranking if r[0] != "emergency"))
        return Parse(text, "emergency", 1.0, parse.entities, ranking[:5], danger=danger)

    async def aclose(self) -> None:
        close = getattr(self.engine, "aclose", None)
        if close is not None:
            await close()
