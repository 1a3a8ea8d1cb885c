"""The question each step of a flow asked, kept with the flow, so that the step can ask it again.

Whenever a flow (a ConversationHandler) has handled an update and waits at a state, the last text the step showed
the citizen — a message it sent or a message it edited, with its buttons — is that state's question. It is kept in
the citizen's user data (`PROMPTS`: flow → {"state", "message"}), replaced at every step and dropped when the flow
ends by itself. A flow left for another (an emergency's urgent request) keeps its question, like its draft, until it
is taken up again; the question is asked only at the state it was asked for.

After an emergency interrupted a flow, going back to it (bot/handlers/emergency.py) sends that question again,
exactly as it was shown, buttons included. No flow keeps a list of its questions, so a new step is re-asked
without any change here.

Only what Telegram needs to show the message again is kept (its text, formatting and buttons). Like the drafts in
user data, it can hold what the citizen typed (a name on a confirmation); /forget erases it with the rest.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot.flow_state import FlowConversationHandler, current_store
from bot.step_bot import RecordedCall, recorded_calls

PROMPTS = "flow_prompts"
_SHOWN = ("sendMessage", "editMessageText")
_KEPT = ("text", "parse_mode", "entities", "link_preview_options", "reply_markup")
MAX_TEXT = 4096


def _prompts(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any] | None:
    data = context.user_data
    if data is None:
        return None
    prompts = data.get(PROMPTS)
    if not isinstance(prompts, dict):
        prompts = data[PROMPTS] = {}
    return prompts


def _question(calls: list[RecordedCall], chat_id: int, earlier: dict[str, Any] | None) -> dict[str, Any] | None:
    """The last text shown in this chat by `calls`; a change of buttons alone updates the earlier question."""
    question = dict(earlier) if earlier is not None else None
    for call in calls:
        if call.chat_id != chat_id:
            continue
        if call.method in _SHOWN and isinstance(call.payload.get("text"), str):
            question = {k: call.payload[k] for k in _KEPT if k in call.payload}
            question["text"] = question["text"][:MAX_TEXT]
        elif call.method == "editMessageReplyMarkup" and question is not None:
            question["reply_markup"] = call.payload.get("reply_markup")
    return question


def remember_step(
    flow: str, update: Update, context: ContextTypes.DEFAULT_TYPE, calls: list[RecordedCall], key: Any
) -> None:
    """After `flow` handled `update`: keep the question of the state it waits at (or forget it when it ended)."""
    prompts, store, chat = _prompts(context), current_store(), update.effective_chat
    if prompts is None or store is None or chat is None or key is None:
        return
    state = store.state(flow, key)
    if not isinstance(state, str | int):
        prompts.pop(flow, None)
    else:
        earlier = prompts.get(flow)
        kept = earlier.get("message") if isinstance(earlier, dict) and earlier.get("state") == state else None
        question = _question(calls, chat.id, kept)
        if question is not None:
            prompts[flow] = {"state": state, "message": question}
        else:
            prompts.pop(flow, None)
    if not prompts and context.user_data is not None:
        context.user_data.pop(PROMPTS, None)


async def ask_again(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: str, state: object) -> bool:
    """Show again the question `flow` asked at `state`; False when it is not known."""
    prompts, chat = _prompts(context), update.effective_chat
    record = prompts.get(flow) if prompts is not None else None
    if chat is None or not isinstance(record, dict) or record.get("state") != state:
        return False
    message = record.get("message")
    if not isinstance(message, dict) or not message.get("text"):
        return False
    extra = {k: v for k, v in message.items() if k not in ("text", "parse_mode")}  # buttons etc., as they were sent
    await context.bot.send_message(chat.id, message["text"], parse_mode=message.get("parse_mode"), api_kwargs=extra)
    return True


class PromptedConversationHandler(FlowConversationHandler):
    """A flow whose states live in the step's store and which keeps each state's question (see above)."""

    async def handle_update(self, update: Update, application: Any, check_result: Any, context: Any) -> object | None:
        calls = recorded_calls()
        before = len(calls)
        try:
            return await super().handle_update(update, application, check_result, context)
        finally:
            if self.name is not None:
                remember_step(self.name, update, context, calls[before:], application.conversation_key(update))
