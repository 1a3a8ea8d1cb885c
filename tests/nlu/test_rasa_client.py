"""RasaEngine against a real local HTTP server that answers like `rasa run --enable-api`.

The server is a stdlib http.server on a thread, on a real socket, so the tests exercise httpx,
timeouts and refused connections for real; it answers each path with the canned reply a test sets.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nlu.rasa_client import RasaEngine, RasaResponseError, parse_from_rasa
from nlu.types import FALLBACK, Entity, Parse

MESSAGE = "Μένω στη Σιάτιστα και θέλω ραντεβού"

RASA_REPLY: dict[str, object] = {
    "text": MESSAGE,
    "intent": {"name": "book_appointment", "confidence": 0.91},
    "entities": [
        {
            "entity": "place",
            "start": 9,
            "end": 17,
            "value": "Σιάτιστα",
            "extractor": "DIETClassifier",
            "confidence_entity": 0.97,
            "processors": ["EntitySynonymMapper"],
        },
    ],
    "intent_ranking": [
        {"name": "book_appointment", "confidence": 0.91},
        {"name": "inform_place", "confidence": 0.06},
        {"name": "centre_info", "confidence": 0.03},
    ],
    "text_tokens": [[0, 4], [5, 8]],
}


@dataclass
class Canned:
    """What the fake sidecar answers: status, body (bytes) and an optional delay."""

    status: int = 200
    body: bytes = b"{}"
    delay: float = 0.0
    requests: list[tuple[str, dict[str, object]]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    canned: Canned

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.canned.requests.append((self.path, json.loads(self.rfile.read(length) or b"{}")))
        self._answer()

    def do_GET(self) -> None:
        self.canned.requests.append((self.path, {}))
        self._answer()

    def _answer(self) -> None:
        if self.canned.delay:
            time.sleep(self.canned.delay)
        try:
            self.send_response(self.canned.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(self.canned.body)))
            self.end_headers()
            self.wfile.write(self.canned.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and hung up, which is what the timeout test wants

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest output clean


@pytest.fixture
def sidecar() -> Iterator[tuple[str, Canned]]:
    canned = Canned()
    handler = type("Handler", (_Handler,), {"canned": canned})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", canned
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class RecordingEngine:
    """A stand-in for the built-in engine that remembers what it was asked."""

    asked: list[str] = field(default_factory=list)

    async def parse(self, text: str) -> Parse:
        self.asked.append(text)
        return Parse(text=text, intent="greet", confidence=0.5)


def _refused_url() -> str:
    # A port that was free a moment ago and that nothing listens on: connecting is refused.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_maps_rasa_reply_to_parse(sidecar: tuple[str, Canned]) -> None:
    url, canned = sidecar
    canned.body = json.dumps(RASA_REPLY).encode()
    engine = RasaEngine(url + "/")
    try:
        result = await engine.parse(MESSAGE)
    finally:
        await engine.aclose()

    assert canned.requests == [("/model/parse", {"text": MESSAGE})]
    assert result.text == MESSAGE
    assert result.intent == "book_appointment"
    assert result.confidence == pytest.approx(0.91)
    assert result.entities == (Entity(entity="place", value="Σιάτιστα", start=9, end=17),)
    assert MESSAGE[9:17] == "Σιάτιστα"
    assert result.ranking == (
        ("book_appointment", pytest.approx(0.91)),
        ("inform_place", pytest.approx(0.06)),
        ("centre_info", pytest.approx(0.03)),
    )


async def test_nlu_fallback_maps_to_fallback_and_keeps_real_intents_in_ranking(
    sidecar: tuple[str, Canned],
) -> None:
    url, canned = sidecar
    canned.body = json.dumps(
        {
            "text": "κάτι",
            "entities": [],
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": "ask_housing", "confidence": 0.33},
                {"name": "ask_energy_bills", "confidence": 0.31},
            ],
        }
    ).encode()
    engine = RasaEngine(url)
    try:
        result = await engine.parse("κάτι")
    finally:
        await engine.aclose()
    assert result.intent == FALLBACK
    assert result.confidence == pytest.approx(0.4)
    assert [name for name, _ in result.ranking] == ["ask_housing", "ask_energy_bills"]


def test_unknown_intent_becomes_fallback_and_odd_entities_are_dropped() -> None:
    result = parse_from_rasa(
        "x",
        {
            "intent": {"name": "order_pizza", "confidence": 0.99},
            "entities": [
                {"entity": "number", "value": 3, "start": 0, "end": 1},  # kept, value as a string
                {"entity": "place", "value": "Κοζάνη"},  # no position: dropped
                "garbage",
            ],
            "intent_ranking": [{"name": "order_pizza", "confidence": 0.99}],
        },
    )
    assert result.intent == FALLBACK
    assert result.entities == (Entity(entity="number", value="3", start=0, end=1),)
    assert result.ranking == ()


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"intent": None},
        {"intent": {"confidence": 0.5}},
        {"intent": {"name": "greet", "confidence": "high"}},
        {"intent": {"name": "greet", "confidence": 0.9}, "entities": "none"},
    ],
)
def test_malformed_payloads_are_rejected(payload: object) -> None:
    with pytest.raises(RasaResponseError):
        parse_from_rasa("x", payload)


async def test_timeout_uses_fallback_engine(sidecar: tuple[str, Canned]) -> None:
    url, canned = sidecar
    canned.body = json.dumps(RASA_REPLY).encode()
    canned.delay = 1.0
    fallback = RecordingEngine()
    engine = RasaEngine(url, timeout=0.2, fallback=fallback)
    started = time.monotonic()
    try:
        result = await engine.parse(MESSAGE)
    finally:
        await engine.aclose()
    assert time.monotonic() - started < 0.9  # did not wait for the slow answer
    assert result.intent == "greet"
    assert fallback.asked == [MESSAGE]


async def test_connection_refused_uses_fallback_and_logs_without_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fallback = RecordingEngine()
    engine = RasaEngine(_refused_url(), fallback=fallback)
    caplog.set_level(logging.DEBUG, logger="nlu.rasa_client")
    try:
        first = await engine.parse(MESSAGE)
        second = await engine.parse("δεύτερο μήνυμα")
    finally:
        await engine.aclose()
    assert (first.intent, second.intent) == ("greet", "greet")
    assert fallback.asked == [MESSAGE, "δεύτερο μήνυμα"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, "the outage is reported once, not once per message"
    assert "ConnectError" in warnings[0].getMessage()
    for record in caplog.records:
        assert "Σιάτιστα" not in record.getMessage()
        assert "δεύτερο" not in record.getMessage()


async def test_connection_refused_without_fallback_returns_fallback_intent() -> None:
    engine = RasaEngine(_refused_url())
    try:
        result = await engine.parse(MESSAGE)
    finally:
        await engine.aclose()
    assert result == Parse(text=MESSAGE, intent=FALLBACK, confidence=0.0)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, b"<html>not json</html>"),
        (200, b'{"intent": "greet"}'),
        (500, json.dumps(RASA_REPLY).encode()),
        (409, b'{"message": "No agent loaded"}'),
    ],
)
async def test_garbage_or_error_status_uses_fallback(
    sidecar: tuple[str, Canned],
    status: int,
    body: bytes,
) -> None:
    url, canned = sidecar
    canned.status, canned.body = status, body
    fallback = RecordingEngine()
    engine = RasaEngine(url, fallback=fallback)
    try:
        result = await engine.parse(MESSAGE)
    finally:
        await engine.aclose()
    assert result.intent == "greet"
    assert fallback.asked == [MESSAGE]


async def test_recovers_when_sidecar_answers_again(
    sidecar: tuple[str, Canned],
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, canned = sidecar
    canned.status, canned.body = 503, b"{}"
    engine = RasaEngine(url, fallback=RecordingEngine())
    caplog.set_level(logging.INFO, logger="nlu.rasa_client")
    try:
        assert (await engine.parse(MESSAGE)).intent == "greet"
        canned.status, canned.body = 200, json.dumps(RASA_REPLY).encode()
        assert (await engine.parse(MESSAGE)).intent == "book_appointment"
    finally:
        await engine.aclose()
    assert [r.levelno for r in caplog.records if r.name == "nlu.rasa_client"] == [
        logging.WARNING,
        logging.INFO,
    ]


async def test_status(sidecar: tuple[str, Canned]) -> None:
    url, canned = sidecar
    canned.body = b'{"model_file": "koinotita-nlu.tar.gz", "model_id": "abc"}'
    engine = RasaEngine(url)
    try:
        assert await engine.status() == {"model_file": "koinotita-nlu.tar.gz", "model_id": "abc"}
        canned.status = 409
        assert await engine.status() is None
    finally:
        await engine.aclose()
