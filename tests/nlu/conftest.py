"""The engine trained on the real data, shared by every NLU test of the session (trained once, cached)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.builtin import BuiltinEngine, load_builtin

REAL_DATA = Path(__file__).resolve().parents[2] / "nlu" / "data"


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory: pytest.TempPathFactory) -> BuiltinEngine:
    return load_builtin(REAL_DATA, tmp_path_factory.mktemp("nlu-real-cache"))
