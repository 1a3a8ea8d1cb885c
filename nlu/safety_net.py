"""The emergency lexicon around any NLU engine: whatever the backend (e.g. the Rasa sidecar) answers, a message
with a clear danger phrase is an emergency. The built-in engine applies the same net itself."""

from __future__ import annotations

from nlu import emergency
from nlu.types import NluEngine, Parse


class WithEmergencyNet:
    """An NluEngine that defers to `engine` except when the emergency lexicon fires."""

    def __init__(self, engine: NluEngine) -> None:
        self.engine = engine

    async def parse(self, text: str) -> Parse:
        parse = await self.engine.parse(text)
        if parse.intent == "emergency" or emergency.detect(text) is None:
            return parse
        ranking = (("emergency", 1.0), *(r for r in parse.ranking if r[0] != "emergency"))
        return Parse(text, "emergency", 1.0, parse.entities, ranking[:5])

    async def aclose(self) -> None:
        close = getattr(self.engine, "aclose", None)
        if close is not None:
            await close()
