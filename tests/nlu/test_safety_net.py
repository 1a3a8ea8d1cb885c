"""Whatever the backend says, clear danger is an emergency; everything else is the backend's answer."""

from __future__ import annotations

from pathlib import Path

from nlu.safety_net import WithEmergencyNet
from nlu.types import Parse


class Backend:
    """A backend that understands nothing about danger (like a model that missed it)."""

    closed = False

    async def parse(self, text: str) -> Parse:
        return Parse(text, "ask_psychosocial", 0.7, (), (("ask_psychosocial", 0.7), ("greet", 0.1)))

    async def aclose(self) -> None:
        self.closed = True


async def test_the_net_overrides_a_backend_that_missed_the_danger() -> None:
    engine = WithEmergencyNet(Backend())
    parse = await engine.parse("θα πάρω όλα τα χάπια μου να τελειώνει")
    assert parse.intent == "emergency" and parse.confidence == 1.0
    assert parse.ranking[0] == ("emergency", 1.0)


async def test_other_messages_keep_the_backends_answer() -> None:
    backend = Backend()
    engine = WithEmergencyNet(backend)
    parse = await engine.parse("έχω άγχος με τα παιδιά")
    assert parse.intent == "ask_psychosocial"
    await engine.aclose()
    assert backend.closed


async def test_the_rasa_backend_is_wrapped_and_falls_back_to_the_builtin_engine(tmp_path: Path) -> None:
    from bot.nlu_loader import load_nlu
    from core.settings import Settings
    from nlu.builtin import BuiltinEngine
    from nlu.rasa_client import RasaEngine

    settings = Settings.model_validate(
        {"KOINOTITA_NLU_BACKEND": "rasa", "KOINOTITA_RASA_URL": "http://127.0.0.1:9", "KOINOTITA_DATA_DIR": tmp_path}
    )
    engine = await load_nlu(settings)
    assert isinstance(engine, WithEmergencyNet)
    try:
        assert isinstance(engine.engine, RasaEngine) and isinstance(engine.engine.fallback, BuiltinEngine)
        # Nothing listens on port 9: the built-in engine answers.
        assert (await engine.parse("θελω ραντεβου")).intent == "book_appointment"
    finally:
        await engine.aclose()
