"""The real Rasa sidecar: train a small model, serve it, parse through RasaEngine, stop it.

Needs `.rasa-venv/` (scripts/rasa-setup.sh, which the test script runs before pytest). Without it
the rasa-marked test fails rather than skips: a missing Rasa must never pass silently.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from nlu.rasa_client import RasaEngine
from nlu.rasa_sidecar import (
    DEFAULT_CONFIG,
    SETUP_HINT,
    RasaSidecar,
    RasaSidecarError,
    config_with_epochs,
    rasa_available,
)
from nlu.types import FALLBACK, Parse

FIXTURES = Path(__file__).parent / "fixtures" / "rasa_small"
# emergency.yml stays out: that it never shows up proves training used only these files.
TRAINED = [Path("greet.yml"), Path("goodbye.yml"), Path("ask_food_aid.yml"), Path("centre_info.yml")]


def test_config_with_epochs_rewrites_only_diet_epochs() -> None:
    original = DEFAULT_CONFIG.read_text(encoding="utf-8")
    patched = config_with_epochs(original, 7)
    assert "epochs: 7" in patched
    assert "epochs: 100" not in patched
    assert patched.replace("epochs: 7", "epochs: 100") == original
    with pytest.raises(ValueError):
        config_with_epochs("pipeline: []\n", 7)
    with pytest.raises(ValueError):
        config_with_epochs(original, 0)


def test_training_subset_is_copied_with_its_layout(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "intents").mkdir(parents=True)
    (data / "intents" / "greet.yml").write_text("version: '3.1'\n", encoding="utf-8")
    (data / "places.yml").write_text("version: '3.1'\n", encoding="utf-8")
    (data / "intents" / "thank.yml").write_text("version: '3.1'\n", encoding="utf-8")
    sidecar = RasaSidecar(data, tmp_path / "work", data_paths=[Path("intents/greet.yml"), data / "places.yml"])
    copied = sidecar.training_data_dir()
    assert sorted(p.relative_to(copied).as_posix() for p in copied.rglob("*.yml")) == [
        "intents/greet.yml",
        "places.yml",
    ]
    missing = RasaSidecar(data, tmp_path / "work", data_paths=[Path("nope.yml")])
    with pytest.raises(FileNotFoundError):
        missing.training_data_dir()


def test_missing_venv_is_reported_with_the_setup_hint(tmp_path: Path) -> None:
    assert not rasa_available(tmp_path / "no-venv")
    sidecar = RasaSidecar(FIXTURES, tmp_path / "work", venv=tmp_path / "no-venv", data_paths=TRAINED)
    with pytest.raises(RasaSidecarError, match=r"scripts/rasa-setup\.sh"):
        sidecar.train()


async def _parse_all(url: str, texts: list[str]) -> list[Parse]:
    engine = RasaEngine(url, timeout=10.0)
    try:
        return [await engine.parse(text) for text in texts]
    finally:
        await engine.aclose()


@pytest.mark.rasa
def test_real_sidecar_trains_serves_parses_and_stops(tmp_path: Path) -> None:
    if not rasa_available():
        pytest.fail(f"Rasa is not installed: {SETUP_HINT}", pytrace=False)

    messages = {
        "Καλημέρα σας": "greet",
        "καλησπερα": "greet",
        "δεν έχουμε φαγητό στο σπίτι": "ask_food_aid",
        "πού είναι το κοινωνικό παντοπωλείο": "ask_food_aid",
        "τι ώρες είστε ανοιχτά;": "centre_info",
        "pou einai to kentro": "centre_info",
        "αντίο, τα λέμε": "goodbye",
    }
    with RasaSidecar(FIXTURES, tmp_path, epochs=40, data_paths=TRAINED) as sidecar:
        assert sidecar.url.startswith("http://127.0.0.1:")
        assert sidecar.train_seconds is not None and sidecar.train_seconds > 0
        pid = sidecar.pid
        results = asyncio.run(_parse_all(sidecar.url, list(messages)))
        url = sidecar.url

    assert {r.text: r.intent for r in results} == messages
    for result in results:
        assert result.confidence > 0.5
        trained = {name for name, _ in result.ranking}
        assert trained == {"greet", "goodbye", "ask_food_aid", "centre_info"}

    # Stopped: the process is gone and the engine degrades to nlu_fallback instead of failing.
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    (after,) = asyncio.run(_parse_all(url, ["Καλημέρα σας"]))
    assert after.intent == FALLBACK
    assert after.confidence == 0.0
