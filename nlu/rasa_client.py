"""An NluEngine that asks the Rasa sidecar (`rasa run --enable-api`) over HTTP.

Rasa runs in its own Python 3.10 process (DESIGN.md, "Real parts"), so the bot only ever sees it as
`POST /model/parse`. When the sidecar is down, slow or answers nonsense, the bot must still answer:
the request falls back to another engine (normally the built-in one) or to `nlu_fallback`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import httpx

from nlu.types import FALLBACK, Entity, NluEngine, Parse, intents

log = logging.getLogger(__name__)

# Rasa's FallbackClassifier names its result `nlu_fallback`; map it explicitly so that a change of
# our constant does not silently break the mapping.
_RASA_FALLBACK = "nlu_fallback"


class RasaResponseError(ValueError):
    """The sidecar answered, but not with a Rasa parse result we understand."""


def parse_from_rasa(text: str, payload: object) -> Parse:
    """Map Rasa's `/model/parse` JSON to our Parse; raise RasaResponseError if it is not one.

    Intents outside our contract (a model trained on other data) become FALLBACK, so the rest of
    the bot never sees a name it has no answer for.
    """
    if not isinstance(payload, Mapping):
        raise RasaResponseError("response is not a JSON object")
    intent = payload.get("intent")
    if not isinstance(intent, Mapping):
        raise RasaResponseError("no intent in response")
    name = intent.get("name")
    confidence = _as_confidence(intent.get("confidence"))
    if not isinstance(name, str):
        raise RasaResponseError("intent has no name")
    known = frozenset(intents())  # the intents of our training data (nlu/data)
    if name == _RASA_FALLBACK or name not in known:
        name = FALLBACK

    ranking: list[tuple[str, float]] = []
    raw_ranking = payload.get("intent_ranking") or []
    if not isinstance(raw_ranking, list):
        raise RasaResponseError("intent_ranking is not a list")
    for item in raw_ranking:
        # `nlu_fallback` heads Rasa's ranking when it fires; our ranking lists only real intents,
        # which is what the bot turns into "did you mean" buttons.
        if isinstance(item, Mapping) and item.get("name") in known:
            ranking.append((str(item["name"]), _as_confidence(item.get("confidence"))))
    ranking.sort(key=lambda pair: pair[1], reverse=True)

    entities: list[Entity] = []
    raw_entities = payload.get("entities") or []
    if not isinstance(raw_entities, list):
        raise RasaResponseError("entities is not a list")
    for item in raw_entities:
        entity = _entity(item)
        if entity is not None:
            entities.append(entity)

    return Parse(text=text, intent=name, confidence=confidence, entities=tuple(entities), ranking=tuple(ranking))


def _as_confidence(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RasaResponseError("confidence is not a number")
    return min(1.0, max(0.0, float(value)))


def _entity(item: object) -> Entity | None:
    """One Rasa entity, or None when it lacks a position (we index the original text)."""
    if not isinstance(item, Mapping):
        return None
    name, value, start, end = (item.get(k) for k in ("entity", "value", "start", "end"))
    if not isinstance(name, str) or value is None:
        return None
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        return None
    # Synonym mapping can turn the value into a canonical string; extractors like duckling
    # give numbers or dicts. Our contract is a string.
    return Entity(entity=name, value=value if isinstance(value, str) else str(value), start=start, end=end)


class RasaEngine:
    """NluEngine backed by the Rasa sidecar at `url`, degrading to `fallback` when it fails."""

    def __init__(self, url: str, timeout: float = 2.0, fallback: NluEngine | None = None) -> None:
        self.url = url.rstrip("/")
        self.fallback = fallback
        # trust_env=False: the sidecar is a neighbour, never to be reached through an HTTP(S)_PROXY
        # that the environment may set for the Telegram traffic.
        self._client = httpx.AsyncClient(timeout=timeout, trust_env=False)
        # Log the sidecar going down once (and coming back once), not once per message.
        self._healthy = True

    async def parse(self, text: str) -> Parse:
        try:
            response = await self._client.post(f"{self.url}/model/parse", json={"text": text})
            response.raise_for_status()
            result = parse_from_rasa(text, response.json())
        except (httpx.HTTPError, ValueError) as exc:
            # ValueError covers invalid JSON and RasaResponseError. Only the error's class and the
            # sidecar's URL are logged: never the message, which may hold personal data.
            self._mark_down(type(exc).__name__)
            return await self._fallback(text)
        if not self._healthy:
            log.info("Rasa sidecar at %s answers again", self.url)
            self._healthy = True
        return result

    async def _fallback(self, text: str) -> Parse:
        if self.fallback is not None:
            return await self.fallback.parse(text)
        return Parse(text=text, intent=FALLBACK, confidence=0.0)

    def _mark_down(self, reason: str) -> None:
        if self._healthy:
            log.warning(
                "Rasa sidecar at %s failed (%s); using the %s until it answers again",
                self.url,
                reason,
                "fallback engine" if self.fallback is not None else "nlu_fallback intent",
            )
            self._healthy = False
        else:
            log.debug("Rasa sidecar at %s still failing (%s)", self.url, reason)

    async def status(self) -> dict[str, Any] | None:
        """Rasa's `/status` (model file and id), or None when the sidecar does not answer."""
        try:
            response = await self._client.get(f"{self.url}/status")
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        return body if isinstance(body, dict) else None

    async def aclose(self) -> None:
        await self._client.aclose()
