"""One NLU parse per message, shared by the emergency check (which runs first) and the handler that answers."""

from __future__ import annotations

from collections import OrderedDict

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import services_of
from nlu.types import Parse

_CACHE_SIZE = 256
_parses: OrderedDict[int, Parse] = OrderedDict()


async def understand(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Parse | None:
    message = update.effective_message
    text = message.text if message else None
    engine = services_of(context).nlu
    if text is None or engine is None:
        return None
    cached = _parses.get(update.update_id)
    if cached is not None and cached.text == text:
        return cached
    parse = await engine.parse(text)
    _parses[update.update_id] = parse
    while len(_parses) > _CACHE_SIZE:
        _parses.popitem(last=False)
    return parse
