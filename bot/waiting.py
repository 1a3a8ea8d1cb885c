"""While a flow waits for an answer, what the citizen types is that answer first.

Conversations are offered an update in a fixed order (bot/handlers/__init__.py), and a conversation offered it
earlier may be *entered* by free text («τι δικαιούμαι», «θέλω ραντεβού», «θέλω άνθρωπο»: an `IntentFilter` entry
point). Without a guard, «κανένα» typed at the request's "how many children?" — which the NLU reads as
"what can I get?" at 0.72 — would start "what can I get?" and the answer would be lost.

`text_entry_yields` is the guard every conversation applies (bot/flow_state.py `FlowConversationHandler`): a
*text* entry point (never a command, a button or a shared location; the emergency group answers danger before
any flow) lets a waiting flow — another one, or its own step when the flow allows re-entry — have the message
unless the message is a clear new request:
- the waiting step reads it as its answer (a reader registered with `answers_at`, e.g. a count for "how many
  children?", or any text where the step is a free-text note), or
- the NLU is not sure of it (below `CLEAR_REQUEST`).
A clear new request («θέλω ραντεβού», understood at ≥ 0.75 and not an answer to the question on screen) still
starts its flow, and the flow that was waiting ends with its draft kept (KoinotitaApplication.dispatch).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from telegram import Update

Reader = Callable[[str], bool]

# How sure the NLU must be that typed text asks for another flow before that flow takes it from one waiting
# for an answer («what can I get» is read at 0.78, «κανένα» as the same intent at 0.72).
CLEAR_REQUEST = 0.75

_READERS: dict[str, Reader] = {}


def answers_at(*states: str) -> Callable[[Reader], Reader]:
    """Register `reader(text) -> bool`: True when `text` reads as the answer to the question of these states."""

    def register(reader: Reader) -> Reader:
        for state in states:
            _READERS[state] = reader
        return reader

    return register


def any_text(text: str) -> bool:
    """A free-text step (a description, a note): whatever is typed there is the answer."""
    return bool(text.strip())


def reads_as_answer(state: object, text: str) -> bool:
    reader = _READERS.get(state) if isinstance(state, str) else None
    return reader is not None and reader(text)


def text_entry_yields(update: Update, waiting: Mapping[str, object]) -> bool:
    """True when a text entry point must let a waiting flow have this message (see the module docstring).
    `waiting`: the flows waiting for this citizen's answer, each with the state (question) it is at."""
    message = update.effective_message
    text = message.text if message is not None else None
    if not waiting or message is None or not text or text.startswith("/"):
        return False
    if any(reads_as_answer(state, text) for state in waiting.values()):
        return True
    from bot.nlu_access import cached_parse  # (bot.nlu_access imports the services, which import this guard)

    parse = cached_parse(message)
    return parse is None or parse.confidence < CLEAR_REQUEST
