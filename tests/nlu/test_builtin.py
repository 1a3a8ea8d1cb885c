"""The built-in engine on a small fixture: training, caching, fallback, ranking, emergency net."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from nlu.builtin import (
    MAX_CLASSIFY_CHARS,
    BuiltinEngine,
    EngineSettings,
    load_builtin,
    train,
    training_hash,
)
from nlu.datafile import read_nlu_data, strip_annotations
from nlu.normalise import fold, fold_spans
from nlu.types import FALLBACK, Entity, NluEngine

DATA = Path(__file__).parent / "fixtures" / "data"


@pytest.fixture(scope="module")
def engine() -> BuiltinEngine:
    return train(DATA)


def test_reads_rasa_yaml_with_annotations_synonyms_and_lookups() -> None:
    data = read_nlu_data([DATA])
    texts = [e.text for e in data.examples]
    assert "θέλω να κλείσω ραντεβού για αύριο" in texts
    assert "ραντεβού με κοινωνική λειτουργό στην Κοζάνη" in texts
    assert not any("[" in t or "{" in t for t in texts)
    assert data.synonyms["kozanh"] == "Κοζάνη"
    assert data.lookups["place"] == ["Κοζάνη", "Φλώρινα"]
    assert {e.intent for e in data.examples} == {"greet", "book_appointment", "ask_food_aid", "emergency"}


def test_strip_annotations_offsets() -> None:
    text, ents = strip_annotations('στην [Κοζάνη]{"entity": "place", "value": "kozani"} [αύριο](date)')
    assert text == "στην Κοζάνη αύριο"
    assert [(e.entity, e.value, text[e.start : e.end]) for e in ents] == [
        ("place", "kozani", "Κοζάνη"),
        ("date", "αύριο", "αύριο"),
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("θέλω ραντεβού", "book_appointment"),
        ("8elo rantebou", "book_appointment"),
        ("ΚΑΛΗΜΕΡΑ", "greet"),
        ("xreiazomai trofima", "ask_food_aid"),
    ],
)
def test_classifies(engine: BuiltinEngine, text: str, intent: str) -> None:
    assert engine.parse_sync(text).intent == intent


async def test_is_an_nlu_engine(engine: BuiltinEngine) -> None:
    nlu: NluEngine = engine
    parse = await nlu.parse("θέλω ραντεβού αύριο")
    assert parse.intent == "book_appointment"
    assert parse.text == "θέλω ραντεβού αύριο"


def test_ranking_is_top_five_sorted_and_probabilities(engine: BuiltinEngine) -> None:
    parse = engine.parse_sync("καλημέρα, θέλω ραντεβού")
    scores = [p for _, p in parse.ranking]
    assert len(parse.ranking) == 4  # the fixture has four intents (< 5)
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1.0)
    assert parse.confidence == pytest.approx(scores[0])


def test_fallback_below_threshold_or_margin() -> None:
    strict = train(DATA, EngineSettings(threshold=0.999))
    parse = strict.parse_sync("θέλω ραντεβού")
    assert parse.intent == FALLBACK
    assert parse.ranking[0][0] == "book_appointment"  # best guesses kept for buttons
    close = train(DATA, EngineSettings(threshold=0.0, margin=1.0))
    assert close.parse_sync("θέλω ραντεβού").intent == FALLBACK


def test_empty_and_symbol_only_messages_fall_back(engine: BuiltinEngine) -> None:
    for text in ["", "   ", "!!!", "😀😀"]:
        parse = engine.parse_sync(text)
        assert (parse.intent, parse.confidence, parse.ranking) == (FALLBACK, 0.0, ())


def test_emergency_net_overrides_classifier(engine: BuiltinEngine) -> None:
    # A danger word the training data never had, buried in a food request.
    text = "κοινωνικό παντοπωλείο διανομή τροφίμων, aftoktonia"
    assert engine.rank(text)[0][0] == "ask_food_aid"
    parse = engine.parse_sync(text)
    assert parse.intent == "emergency"
    assert parse.confidence == 1.0
    assert parse.ranking[0] == ("emergency", 1.0)


def test_not_every_problem_is_an_emergency(engine: BuiltinEngine) -> None:
    assert engine.parse_sync("χρειάζομαι τρόφιμα για την οικογένεια").intent != "emergency"


def test_deterministic() -> None:
    a, b = train(DATA), train(DATA)
    for text in ["θέλω ραντεβού", "γεια", "τρόφιμα τώρα"]:
        assert a.parse_sync(text) == b.parse_sync(text)


def test_fast_path_matches_scikit_learn(engine: BuiltinEngine) -> None:
    model = engine._model
    from sklearn.pipeline import FeatureUnion

    union = FeatureUnion([(str(i), v) for i, v in enumerate(model.vectorizers)])
    for text in ["θέλω ραντεβού αύριο", "xreiazomai fagito", "zzz qqq"]:
        x = union.transform([fold(text)])
        expected = x @ model.coef.T + model.intercept
        assert np.allclose(model.scores(fold(text)), np.asarray(expected).ravel())


def test_entities_dates_and_injected_places() -> None:
    def places(text: str, spans: tuple[str, list[int], list[int]] | None = None, /) -> list[Entity]:
        assert spans is not None and spans == fold_spans(text)  # the engine's one fold of the message, shared
        i = text.find("Κοζάνη")
        return [Entity("place", "kozani", i, i + 6)] if i >= 0 else []

    engine = train(DATA, place_finder=places)
    text = "θέλω ραντεβού στην Κοζάνη αύριο στις 10"
    parse = engine.parse_sync(text)
    found = {(e.entity, text[e.start : e.end]) for e in parse.entities}
    assert found == {("place", "Κοζάνη"), ("date", "αύριο"), ("time", "10")}


def test_huge_text_is_truncated_for_classification_but_entities_keep_offsets(engine: BuiltinEngine) -> None:
    text = "θέλω ραντεβού " + "α" * 100_000 + " 6912345678"
    parse = engine.parse_sync(text)
    assert parse.intent == "book_appointment"
    assert all(0 <= e.start < e.end <= len(text) for e in parse.entities)
    assert engine.parse_sync("θέλω ραντεβού " * 1000).intent == "book_appointment"
    assert MAX_CLASSIFY_CHARS == 1_000


def test_cache_hit_by_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yml").write_text((DATA / "small.yml").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_builtin(data, cache)
    files = list(cache.glob("builtin-*.pickle"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    # A second load reads the file instead of training: make training fail to prove it.
    import nlu.builtin as builtin

    with monkeypatch.context() as patch:
        patch.setattr(builtin, "train", lambda *a, **k: pytest.fail("retrained despite a cached model"))
        second = load_builtin(data, cache)
    assert files[0].stat().st_mtime_ns == stamp
    assert second.parse_sync("θέλω ραντεβού") == first.parse_sync("θέλω ραντεβού")

    # Changing the training data changes the hash and trains a new model.
    old = training_hash(data)
    with (data / "a.yml").open("a", encoding="utf-8") as fh:
        fh.write("- intent: thank\n  examples: |\n    - ευχαριστώ\n    - thanks\n")
    assert training_hash(data) != old
    third = load_builtin(data, cache)
    assert "thank" in third.intents
    assert len(list(cache.glob("builtin-*.pickle"))) == 2


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    key = training_hash(DATA)
    (cache / f"builtin-{key[:24]}.pickle").write_bytes(b"not a pickle")
    engine = load_builtin(DATA, cache)
    assert engine.parse_sync("γεια").intent == "greet"
    assert os.path.getsize(cache / f"builtin-{key[:24]}.pickle") > 100


def test_training_without_data_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no training examples"):
        train(tmp_path)


EMERGENCIES = [
    "Ο άντρας μου με χτυπάει",
    "o antras mou me xtypaei",
    "με δέρνει ο σύζυγος",
    "θα με σκοτώσει",
    "θέλω να πεθάνω",
    "thelw na pethanw",
    "THELO NA PETHANO",
    "σκέφτομαι να αυτοκτονήσω",
    "aftoktonia",
    "δεν θέλω να ζω άλλο",
    "το παιδί κινδυνεύει",
    "δεν έχω πού να κοιμηθώ απόψε",
    "den exw pou na koimithw",
    "κοιμάμαι στο δρόμο",
    "χρειάζομαι ασθενοφόρο",
    "δεν αναπνέει",
    "λιποθύμησε η μητέρα μου",
    "my husband hits me",
    "I want to kill myself",
    "I want to die",
    "nowhere to sleep tonight",
    "my child is in danger",
    "heart attack",
    "σώστε με",
    "Ο πατέρας χτυπάει το παιδί",
    "Φοβάμαι για τη ζωή μου",
    "ενδοοικογενειακή βία",
    "to paidi tou geitona to xtupane",
    "kamav te merav",
    "Είμαι σε κίνδυνο",
    "Θα πάρω όλα τα χάπια",
]
NOT_EMERGENCIES = [
    "Έχω απλήρωτο λογαριασμό ρεύματος",
    "θέλω να μετακομίσω",
    "I want to move house",
    "unpaid bill",
    "κόπηκε το ρεύμα",
    "βιάζομαι",
    "χτυπάει το τηλέφωνο",
    "κινδυνεύω να χάσω το σπίτι",
    "kindyneuw na xasw to spiti",
    "θέλω ραντεβού τον Φλεβάρη",
    "είμαι άστεγος, ψάχνω ξενώνα",
    "παίρνω πολλά χάπια για την πίεση",
    "έχω σπασμένο πόδι",
    "θέλω να μιλήσω με ψυχολόγο, έχω άγχος",
    "ο μικρός χτυπάει τα άλλα παιδιά στο σχολείο",
    "η κόρη μου έχει εγκεφαλική παράλυση",
    "είμαι στον δρόμο, έρχομαι",
    "μελάνι για τον εκτυπωτή",
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_emergency_lexicon_catches(text: str) -> None:
    from nlu.emergency import detect

    assert detect(text) is not None


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_emergency_lexicon_leaves_ordinary_problems(text: str) -> None:
    from nlu.emergency import detect

    assert detect(text) is None
