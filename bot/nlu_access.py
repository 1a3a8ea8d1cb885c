"""One NLU parse per message, shared by everything that needs it.

The emergency check in the earliest handler group parses every text message and keeps the result here, keyed by
chat and message id; later groups read it back: `understand()` in callbacks, and `IntentFilter` in handler
filters, so a flow's ConversationHandler can be entered from free text ("θέλω ραντεβού") like from a button.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import Message, Update
from telegram.ext import ContextTypes, filters

from bot.services import services_of
from core import metrics
from nlu.types import Parse

_CACHE_SIZE = 512
_parses: OrderedDict[tuple[int, int], Parse] = OrderedDict()


def _key(message: Message) -> tuple[int, int]:
    return message.chat_id, message.message_id


def cached_parse(message: Message) -> Parse | None:
    parse = _parses.get(_key(message))
    return parse if parse is not None and parse.text == (message.text or "") else None


async def understand(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Parse | None:
    message = update.effective_message
    engine = services_of(context).nlu
    if message is None or message.text is None or engine is None:
        return None
    cached = cached_parse(message)
    if cached is not None:
        return cached
    parse = await engine.parse(message.text)
    _parses[_key(message)] = parse
    outcome = parse.intent if parse.intent in ("emergency", "nlu_fallback") else "understood"
    metrics.NLU_RESULTS.labels("fallback" if outcome == "nlu_fallback" else outcome).inc()
    while len(_parses) > _CACHE_SIZE:
        _parses.popitem(last=False)
    return parse


class IntentFilter(filters.MessageFilter):
    """True for a text message that NLU understood as one of `intents` (parsed earlier in the update)."""

    def __init__(self, *intents: str) -> None:
        super().__init__(name=f"IntentFilter({', '.join(intents)})")
        self.intents = frozenset(intents)

    def filter(self, message: Message) -> bool:
        parse = cached_parse(message)
        return parse is not None and parse.intent in self.intents
