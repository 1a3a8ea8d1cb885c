"""Issue 12, "scored at each text step", through the real Application: at every step of every flow where the bot
waits for typed data, names, Romani greetings and everyday worries are the step's answer (taken, or the question
asked again) and never bring up the helplines; a real emergency brings them up at once, and the flow can be resumed
at the same step, which asks its own question again.

The text steps are not listed here: they are read from the flows the Application has registered (every state with
a handler that takes a typed message; `text_steps`). A few journeys — the citizen's ordinary paths through the
flows, as `koinotita chat` lines — are walked by one citizen; each time that citizen stands at a text step (a state
with a question not probed yet), the step is probed by *other* citizens who stand at exactly the same point: the
walker's conversation state (its stored flow states and user data) is copied to them before each probe message, so
every probe meets the step fresh and the walk goes on undisturbed. A new question on one of these paths is probed
without any change here; a text step that no journey reaches fails the test by name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, select
from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, buttons_of, html_to_text
from bot.prompts import PROMPTS, PromptedConversationHandler
from bot.services import KoinotitaApplication
from core.booking.mediators import create_link_token
from core.handoff import messages_of
from core.models import BotState
from core.models.handoff import HandoffConversation
from core.users import create_user

CLASSIFIER_ONLY = "ο άντρας μου έγινε πάλι βίαιος και φοβάμαι για τα παιδιά"
# From the issue and the held-out false-alarm set: names, Romani greetings, everyday worries and a child's behaviour.
FALSE_ALARMS: dict[str, list[str]] = {
    "name": ["Ζωή Παπαδάκη", "Ζωή", "Σωτηρία Αναστασίου", "Ελπίδα", "Λευτέρης Μαχαιρίδης", "Αναστασία"],
    "romani": ["te aves baxtalo", "Te aven baxtale", "Sar san?", "Τε άβες μπαχταλί", "te aves baxtali"],
    "worry": [
        "κινδυνεύω να χάσω το επίδομα",
        "πεθαίνω στη δουλειά",
        "δεν πλήρωσα το ρεύμα και φοβάμαι ότι θα το κόψουν",
        "my teenage son doesnt listen to me anymore, i need advice",
        "ο γιος μου δεν ακούει τίποτα, θα με τρελάνει",
    ],
    # What only the classifier takes for danger (no lexicon phrase): at a text step it is the step's answer (a
    # description of what happened, or a name refused), since there only the curated lexicon interrupts.
    "classifier_only": [CLASSIFIER_ONLY],
}
# Real emergencies, one per question in turn.
EMERGENCIES = [
    "με χτυπάει ο άντρας μου",
    "θέλω να αυτοκτονήσω",
    "ο πατέρας του χτυπάει το παιδί",
    "δεν έχω πού να κοιμηθώ απόψε, είμαι στον δρόμο",
]
# At the first question of each text step one false alarm of every kind, in turn, then the emergency; at each
# further question the same state asks (a questionnaire's next question) one false alarm, then the emergency.
URGENT = "a:urgent"  # the «🚨 Επείγον» button: under the emergency answer and nowhere else
MEDIATOR = 515151

# The citizen's ordinary paths through the flows (`koinotita chat` lines). "{mediator_link}" is filled in.
JOURNEYS: dict[str, list[str]] = {
    "booking": [
        "/start",
        "[🇬🇷 Ελληνικά]",
        "Θέλω να κλείσω ραντεβού",
        "Φλώρινα",
        "[📍 Φλώρινα — Κέντρο Κοινότητας]",
        "[👥 Κοινωνικός λειτουργός]",
        "[⏩ Η πρώτη ελεύθερη ώρα]",
        "[✅ Κλείστε αυτή την ώρα]",
        "Ζωή Παπαδάκη",
        "691 234 5678",
    ],
    "request": [
        "/start",
        "[🙂 Απλά ελληνικά]",
        "/request",
        "[✅ Ναι, συμφωνώ]",
        "[💡 Ρεύμα και λογαριασμοί]",
        "[➡️ Συνέχεια]",
        "Μας έκοψαν το ρεύμα και έχουμε δύο παιδιά.",
        "2",
        "1",
        "μενω στη σιατιστα",
        "Ελένη Δημητρίου",
        "[📞 Με τηλέφωνο]",
        "691 234 5678",
    ],
    "eligibility": [
        "/start",
        "[🇬🇷 Ελληνικά]",
        "ελαχιστο εγγυημενο εισοδημα",
        "[Δικαιούμαι;]",
        "ενας",
        "0",
        "τιποτα",
        "κοινωνικο τιμολογιο ρευματος",
        "[Δικαιούμαι;]",
    ],
    "entitlements": [
        "/start",
        "[🇬🇷 Ελληνικά]",
        "τι επιδοματα δικαιουμαι",
    ],
    "find_centre": [
        "/start",
        "[🇬🇷 Ελληνικά]",
        "[📍 Το Κέντρο Κοινότητάς μου]",
        "apo ptolemaida eimai",
    ],
    "handover": [
        "/start",
        "[🇬🇷 Ελληνικά]",
        "θέλω να μιλήσω με άνθρωπο",
        "[✅ Συμφωνώ]",
    ],
    "mediator": [
        "/start {mediator_link}",
        "/mediator",
        "[📅 Ραντεβού για πολίτη]",
        "[🤝 Διαμεσολαβητής]",
        "[⏩ Η πρώτη ελεύθερη ώρα]",
        "[✅ Κλείστε αυτή την ώρα]",
        "Γιώργος Σαλονικιός",
        "[➖ Χωρίς τηλέφωνο]",
        "Αγία Παρασκευή",
    ],
}


def text_steps(app: KoinotitaApplication) -> set[tuple[str, str]]:
    """(flow, state) of every state of every registered flow that takes a typed message as its answer."""
    update = Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "from": {"id": 1, "is_bot": False, "first_name": "x"},
                "text": "Ζωή",
            },
        },
        app.bot,
    )
    return {
        (str(h.name), str(state))
        for hs in app.handlers.values()
        for h in hs
        if isinstance(h, ConversationHandler)
        for state, handlers in h.states.items()
        if any(isinstance(s, MessageHandler) and s.check_update(update) for s in handlers)
    }


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def rows_of(app: KoinotitaApplication, user_id: int) -> list[tuple[str, str, Any]]:
    """The stored conversation state of one citizen (private chat: chat id = user id)."""
    async with app.services.db.session() as session:
        rows = (await session.execute(select(BotState.kind, BotState.key, BotState.data))).all()
    conversation_key = json.dumps([user_id, user_id])
    return [
        (kind, key, data)
        for kind, key, data in rows
        if key == (conversation_key if kind.startswith("conversation:") else str(user_id))
    ]


async def copy_state(app: KoinotitaApplication, source: int, target: int) -> None:
    """Put citizen `target` exactly where `source` stands: same flow states, same user and chat data."""
    rows = await rows_of(app, source)
    old = await rows_of(app, target)
    async with app.services.db.session() as session:
        for kind, key, _ in old:
            await session.execute(delete(BotState).where(BotState.kind == kind, BotState.key == key))
        for kind, _, data in rows:
            new_key = json.dumps([target, target]) if kind.startswith("conversation:") else str(target)
            session.add(BotState(kind=kind, key=new_key, data=data, updated_at=datetime.now(UTC)))
        await session.commit()


def states_in(rows: list[tuple[str, str, Any]]) -> dict[str, str]:
    return {kind.removeprefix("conversation:"): str(data) for kind, _, data in rows if kind.startswith("conversation:")}


def prompt_in(rows: list[tuple[str, str, Any]], flow: str) -> dict[str, Any] | None:
    user = next((data for kind, _, data in rows if kind == "user"), None) or {}
    record = (user.get(PROMPTS) or {}).get(flow)
    return record.get("message") if isinstance(record, dict) else None


@dataclass
class Probe:
    app: KoinotitaApplication
    chat: LocalChat
    failures: list[str] = field(default_factory=list)
    probed: set[tuple[str, str]] = field(default_factory=set)
    questions: set[tuple[str, str, str]] = field(default_factory=set)
    next_id: int = 900_000
    turns: dict[str, int] = field(default_factory=dict)
    handled_by: list[str] = field(default_factory=list)  # the flows that handled each message, in order
    messages: int = 0

    def next_text(self, kind: str) -> str:
        texts = EMERGENCIES if kind == "emergency" else FALSE_ALARMS[kind]
        turn = self.turns[kind] = self.turns.get(kind, -1) + 1
        return texts[turn % len(texts)]

    def next_kind(self) -> str:
        turn = self.turns["any"] = self.turns.get("any", -1) + 1
        return list(FALSE_ALARMS)[turn % len(FALSE_ALARMS)]

    def fresh_citizen(self) -> LocalChat:
        self.next_id += 1
        return LocalChat(self.app, self.chat.api, user_id=self.next_id)

    async def at(self, walker: LocalChat, journey: str, steps: set[tuple[str, str]]) -> None:
        rows = await rows_of(self.app, walker.user_id)
        for flow, state in states_in(rows).items():
            if (flow, state) not in steps:
                continue
            prompt = prompt_in(rows, flow)
            question = html_to_text(prompt["text"]) if prompt else ""
            if (flow, state, question) in self.questions:
                continue
            kinds = list(FALSE_ALARMS) if (flow, state) not in self.probed else [self.next_kind()]
            self.probed.add((flow, state))
            self.questions.add((flow, state, question))
            where = f"{journey}: {flow}/{state} «{question[:60]}»"
            if not prompt:
                self.failures.append(f"{where}: the step's question was not kept")
            for kind in kinds:
                await self.false_alarm(walker, flow, state, self.next_text(kind), where)
            await self.emergency(walker, flow, state, prompt, where)

    async def false_alarm(self, walker: LocalChat, flow: str, state: str, text: str, where: str) -> None:
        citizen = self.fresh_citizen()
        await copy_state(self.app, walker.user_id, citizen.user_id)
        self.handled_by.clear()
        replies = await citizen.say(text)
        self.messages += 1
        if helplines_in(replies):
            self.failures.append(f"{where}: «{text}» brought up the helplines")
        elif not replies:
            self.failures.append(f"{where}: «{text}» got no answer")
        # Taken as the answer, or the question asked again: either way by the step's own handlers.
        if self.handled_by[-1:] != [flow]:
            self.failures.append(f"{where}: «{text}» was not the step's answer: {text_of(replies)[:120]!r}")

    async def emergency(
        self, walker: LocalChat, flow: str, state: str, prompt: dict[str, Any] | None, where: str
    ) -> None:
        text = self.next_text("emergency")
        citizen = self.fresh_citizen()
        await copy_state(self.app, walker.user_id, citizen.user_id)
        replies = await citizen.say(text)
        self.messages += 1
        if not helplines_in(replies):
            self.failures.append(f"{where}: «{text}» did not bring up the helplines: {text_of(replies)[:120]!r}")
            return
        resume = [b["text"] for m in replies for b in buttons_of(m) if b.get("callback_data") == f"a:resume:{flow}"]
        if len(resume) != 1:
            self.failures.append(f"{where}: no way back to the flow under the helplines")
            return
        replies = await citizen.press(resume[0])
        if states_in(await rows_of(self.app, citizen.user_id)) != {flow: state}:
            self.failures.append(f"{where}: going back did not put the citizen at the same step")
        if prompt is None or not replies or replies[-1].text != prompt["text"]:
            self.failures.append(f"{where}: going back did not ask the question again: {text_of(replies)[:120]!r}")
        elif buttons_of(replies[-1]) != buttons_of_prompt(prompt):
            self.failures.append(f"{where}: the question came back without its buttons")


def callbacks(messages: list[SentMessage]) -> list[str]:
    return [str(b.get("callback_data")) for m in messages for b in buttons_of(m)]


def helplines_in(messages: list[SentMessage]) -> bool:
    return URGENT in callbacks(messages)


def buttons_of_prompt(prompt: dict[str, Any]) -> list[dict[str, Any]]:
    markup = prompt.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard") or markup.get("keyboard") or [] for b in row]


async def mediator_link(chat: LocalChat) -> str:
    async with chat.app.services.db.session() as session:
        user = await create_user(
            session,
            username="eleni.mediator",
            role="mediator",
            password="pale-lantern-over-harbour-17",
            centre_id="annex-roma-florina",
        )
        token = await create_link_token(session, user.id, datetime.now(UTC))
        await session.commit()
    return f"link-{token}"


def watch_flows(monkeypatch: pytest.MonkeyPatch, probe: Probe) -> None:
    """Note which flow handles each update (the step's own handlers, not the emergency group or free text)."""
    handle = PromptedConversationHandler.handle_update

    async def noted(self: PromptedConversationHandler, update: Any, *args: Any) -> object | None:
        probe.handled_by.append(str(self.name))
        return await handle(self, update, *args)

    monkeypatch.setattr(PromptedConversationHandler, "handle_update", noted)


async def test_every_text_step_of_every_flow_takes_false_alarms_as_answers_and_emergencies_at_once(
    chat: LocalChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = chat.app
    steps = text_steps(app)
    assert ("booking", "bk_name") in steps and ("intake", "intake_phone") in steps  # the enumeration works
    assert app.services.nlu is not None
    parse = await app.services.nlu.parse(CLASSIFIER_ONLY)
    assert parse.intent == "emergency" and parse.danger is None  # still a classifier-only emergency
    probe = Probe(app, chat)
    watch_flows(monkeypatch, probe)
    link = await mediator_link(chat)
    for number, (journey, lines) in enumerate(JOURNEYS.items()):
        walker = LocalChat(app, chat.api, user_id=MEDIATOR if journey == "mediator" else 800_000 + number)
        for line in lines:
            await walker.act(line.format(mediator_link=link))
            await probe.at(walker, journey, steps)
    assert probe.failures == [], "\n".join(probe.failures)
    assert sorted(steps - probe.probed) == []  # a text step no journey reaches: add the path to JOURNEYS


ALL_FALSE_ALARMS = [text for kind, texts in FALSE_ALARMS.items() if kind != "classifier_only" for text in texts]


async def test_at_the_top_level_and_while_handed_over_false_alarms_are_not_danger(chat: LocalChat) -> None:
    """Where no flow waits (free text) the classifier counts too, from its own threshold; a conversation handed
    over to staff is free text kept for them. Neither answers a name, a greeting or a worry with the helplines."""
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    for text in ALL_FALSE_ALARMS:
        assert not helplines_in(await chat.say(text)), text
    replies = await chat.say(EMERGENCIES[0])
    assert helplines_in(replies) and not any(d.startswith("a:resume:") for d in callbacks(replies))

    await chat.say("θέλω να μιλήσω με άνθρωπο")
    await chat.press("✅ Συμφωνώ")
    await chat.say("Φλώρινα")
    async with chat.app.services.db.session() as session:
        conversation = await session.scalar(select(HandoffConversation))
    assert conversation is not None and conversation.status == "open"
    for text in ALL_FALSE_ALARMS:
        assert not helplines_in(await chat.say(text)), text
    assert helplines_in(await chat.say(EMERGENCIES[1]))
    async with chat.app.services.db.session() as session:
        stored = [m.text for m in await messages_of(session, conversation.id)]
    assert stored == [*ALL_FALSE_ALARMS, EMERGENCIES[1]]  # all kept for staff, the emergency too
