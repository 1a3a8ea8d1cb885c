"""Understanding a message: normalisation, intents, entities (DESIGN.md, "Packages").

The engines are imported lazily so that `from nlu.types import Parse` stays cheap (no
scikit-learn import) for code that only needs the contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlu.builtin import BuiltinEngine, EngineSettings, load_builtin, train
    from nlu.evaluate import EvalReport, evaluate

__all__ = ["BuiltinEngine", "EngineSettings", "EvalReport", "evaluate", "load_builtin", "train"]

_LAZY = {
    "BuiltinEngine": "nlu.builtin",
    "EngineSettings": "nlu.builtin",
    "load_builtin": "nlu.builtin",
    "train": "nlu.builtin",
    "EvalReport": "nlu.evaluate",
    "evaluate": "nlu.evaluate",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nlu' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
