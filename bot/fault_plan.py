"""A fault plan for the local Bot API stand-in: Telegram's ways of saying no, on demand.

The stand-in (`bot/local_api.py`) never fails on its own; with a plan it answers the way Telegram does when
things go wrong, so that tests, benchmarks and `koinotita chat --faults PLAN` run the real bot under them.

A plan is text (the `--faults` option or `KOINOTITA_FAULT_PLAN`): rules separated by `;`, each a kind and
`key=value` settings, e.g. `429 every=10 retry_after=1; 403 chat=555; slow seconds=0.05; flood rate=30`.

Kinds:
- `429`               Too Many Requests with `retry_after` seconds (default 1)
- `403`               Forbidden: the citizen blocked the bot (give `chat=` to block one citizen for good)
- `400-too-long`      Bad Request: message is too long
- `400-not-modified`  Bad Request: message is not modified (default method: editMessageText)
- `400-query-too-old` Bad Request: query is too old (default method: answerCallbackQuery)
- `timeout`           the request times out before Telegram accepted it (`TimedOut`)
- `slow`              every matching call takes `seconds` longer (a slow network); never fails
- `flood`             Telegram's own flood control: more than `rate` messages in a second for the bot, or a chat
                      past `chat_rate` a second after a burst of `chat_burst`, gets a 429 with a fitting retry_after
- `crash`             the process dies in the middle of a request (tests of resuming); raises `SimulatedCrash`

Which calls a rule hits: `method=` (default: the methods that send or edit a message), `chat=`, `after=N`
(skip the first N matching calls), `every=N` (each Nth), `times=N` (at most N times), `p=0.1` (a probability,
with a fixed `seed=` so a run is repeatable).
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendLocation",
        "sendVenue",
        "sendDocument",
        "sendPhoto",
        "sendContact",
        "editMessageText",
        "editMessageReplyMarkup",
        "sendChatAction",
    }
)
_DEFAULT_METHODS = {
    "400-not-modified": frozenset({"editMessageText", "editMessageReplyMarkup"}),
    "400-query-too-old": frozenset({"answerCallbackQuery"}),
    "400-too-long": frozenset({"sendMessage", "editMessageText"}),
}
KINDS = frozenset(
    {"429", "403", "400-too-long", "400-not-modified", "400-query-too-old", "timeout", "slow", "flood", "crash"}
)
_DESCRIPTIONS = {
    "403": "Forbidden: bot was blocked by the user",
    "400-too-long": "Bad Request: message is too long",
    "400-not-modified": "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message",
    "400-query-too-old": "Bad Request: query is too old and response timeout expired or query id is invalid",
}


class FaultPlanError(ValueError):
    """The plan's text cannot be read; the message says which rule and why."""


class SimulatedCrash(BaseException):
    """The process 'dies' in the middle of a Telegram call (see the `crash` kind)."""


@dataclass(frozen=True)
class Failure:
    """What the stand-in answers instead of success."""

    status: int
    description: str
    retry_after: int | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class Decision:
    delay: float = 0.0
    failure: Failure | None = None
    timeout: bool = False
    crash: bool = False


@dataclass
class Rule:
    kind: str
    methods: frozenset[str]
    chat: int | None = None
    after: int = 0
    every: int = 1
    times: int | None = None
    probability: float = 1.0
    retry_after: int = 1
    seconds: float = 0.0
    rate: float = 30.0
    chat_rate: float = 1.0
    chat_burst: int = 3
    seen: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def matches(self, method: str, chat_id: int | None) -> bool:
        return method in self.methods and (self.chat is None or self.chat == chat_id)

    def fires(self) -> bool:
        """Counts one matching call; True when this rule acts on it."""
        self.seen += 1
        if self.seen <= self.after or (self.seen - self.after) % self.every != 0:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        if self.probability < 1.0 and self.rng.random() >= self.probability:
            return False
        self.fired += 1
        return True


class FloodControl:
    """Telegram's limits as the stand-in enforces them: a sliding one-second window for the bot, and a token
    bucket per chat."""

    def __init__(self, rate: float, chat_rate: float, chat_burst: int) -> None:
        self.rate = rate
        self.chat_rate = chat_rate
        self.chat_burst = chat_burst
        self.window: deque[float] = deque()
        self.buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)
        self.refused = 0

    def check(self, chat_id: int | None, now: float) -> int | None:
        """Seconds to wait when over a limit (the request is refused), else None (the request counts)."""
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= self.rate:
            self.refused += 1
            return 1
        if chat_id is not None and self.chat_rate > 0:
            tokens, at = self.buckets.get(chat_id, (float(self.chat_burst), now))
            tokens = min(float(self.chat_burst), tokens + (now - at) * self.chat_rate)
            if tokens < 1.0:
                self.refused += 1
                return max(1, round((1.0 - tokens) / self.chat_rate))
            self.buckets[chat_id] = (tokens - 1.0, now)
        self.window.append(now)
        return None


class FaultPlan:
    """Decides, call by call, whether the stand-in fails, slows down or lets a call through."""

    def __init__(self, rules: list[Rule] | None = None, *, clock: Any = time.monotonic) -> None:
        self.rules = rules or []
        self.clock = clock
        self.blocked: set[int] = set()
        self.flood: FloodControl | None = None
        for rule in self.rules:
            if rule.kind == "flood":
                self.flood = FloodControl(rule.rate, rule.chat_rate, rule.chat_burst)

    @classmethod
    def parse(cls, text: str | None) -> FaultPlan:
        rules = [_parse_rule(part.strip()) for part in (text or "").split(";") if part.strip()]
        return cls(rules)

    def block(self, chat_id: int) -> None:
        """The citizen blocks the bot: every later message to them is refused with 403."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.blocked.discard(chat_id)

    def decide(self, method: str, params: dict[str, Any]) -> Decision:
        chat_id = _chat_of(params)
        decision = Decision()
        if chat_id is not None and chat_id in self.blocked and method in SENDING_METHODS:
            decision.failure = Failure(403, _DESCRIPTIONS["403"])
            return decision
        for rule in self.rules:
            if rule.kind == "flood" or not rule.matches(method, chat_id) or not rule.fires():
                continue
            if rule.kind == "slow":
                decision.delay += rule.seconds
            elif rule.kind == "timeout":
                decision.timeout = True
                return decision
            elif rule.kind == "crash":
                decision.crash = True
                return decision
            elif rule.kind == "429":
                decision.failure = Failure(429, f"Too Many Requests: retry after {rule.retry_after}", rule.retry_after)
                return decision
            elif rule.kind == "403":
                if rule.chat is not None:
                    self.blocked.add(rule.chat)
                decision.failure = Failure(403, _DESCRIPTIONS["403"])
                return decision
            else:
                decision.failure = Failure(400, _DESCRIPTIONS[rule.kind])
                return decision
        if self.flood is not None and method in SENDING_METHODS and method != "sendChatAction":
            wait = self.flood.check(chat_id, self.clock())
            if wait is not None:
                decision.failure = Failure(429, f"Too Many Requests: retry after {wait}", wait)
        return decision


def _chat_of(params: dict[str, Any]) -> int | None:
    value = params.get("chat_id")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


_INT_KEYS = {"chat", "after", "every", "times", "retry_after", "chat_burst", "seed"}
_FLOAT_KEYS = {"p", "seconds", "rate", "chat_rate"}


def _parse_rule(text: str) -> Rule:
    kind, *settings = text.split()
    if kind not in KINDS:
        raise FaultPlanError(f"unknown fault {kind!r} in {text!r}; known: {', '.join(sorted(KINDS))}")
    values: dict[str, Any] = {}
    methods: frozenset[str] = _DEFAULT_METHODS.get(kind, SENDING_METHODS)
    for setting in settings:
        key, sep, raw = setting.partition("=")
        if not sep:
            raise FaultPlanError(f"{setting!r} in {text!r} is not key=value")
        try:
            if key == "method":
                methods = frozenset(raw.split(","))
            elif key in _INT_KEYS:
                values[key] = int(raw)
            elif key in _FLOAT_KEYS:
                values[key] = float(raw)
            else:
                raise FaultPlanError(f"unknown setting {key!r} in {text!r}")
        except ValueError as exc:
            if isinstance(exc, FaultPlanError):
                raise
            raise FaultPlanError(f"{setting!r} in {text!r} is not a number") from None
    if values.get("every", 1) < 1:
        raise FaultPlanError(f"every= must be 1 or more in {text!r}")
    seed = values.pop("seed", 0)
    probability = values.pop("p", 1.0)
    return Rule(kind=kind, methods=methods, probability=probability, rng=random.Random(seed), **values)


MESSAGE_LIMIT = 4096


def refusal(method: str, params: dict[str, Any]) -> Failure | None:
    """What Telegram refuses whatever the plan: a text longer than 4,096 characters."""
    if method in {"sendMessage", "editMessageText"} and len(str(params.get("text") or "")) > MESSAGE_LIMIT:
        return Failure(400, _DESCRIPTIONS["400-too-long"])
    if method in {"sendDocument", "sendPhoto"} and len(str(params.get("caption") or "")) > 1024:
        return Failure(400, "Bad Request: message caption is too long")
    return None
