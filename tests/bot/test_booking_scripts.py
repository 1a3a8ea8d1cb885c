"""Conversation scripts with more than one person (the waiting-list offer, a mediator booking, "my appointments"
with a waiting-list place and a held seat, each left), in the `.chat` format of tests/e2e (`> action`, `~ expected
in order`, `! never`) plus `@` lines that play the rest of the world:

  @as <user id>              the following actions are this Telegram user's
  @fill <centre> <service>   other people book every slot of the first day that has free ones
  @free <centre> <service>   one of those people cancels (their seat is freed)
  @deliver                   the reminder loop runs one round (offers, reminders)
  @mediator <centre>         a mediator account is made and its one-time link is sent as /start link-...

They run in-process on the real Application (`koinotita chat` has one user and no way to make an account).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.local_api import SentMessage
from bot.local_chat import LocalChat, format_message
from bot.reminders import deliver_due_reminders
from core.booking import service
from core.booking.availability import availability_for, bookable_days, free_slots
from core.booking.mediators import create_link_token
from core.models import Citizen
from core.models.booking import Appointment
from core.users import create_user
from tests.e2e.test_chat_scripts import assert_reads

WAITING_LIST = """
# A full day, the waiting list, a cancellation, the offer taken with one tap.
@fill unit-prespes social_worker
@as 424242
> /start
> [🙂 Απλά ελληνικά]
> θέλω ραντεβού
~ Πού μένετε;
> Πρέσπες
> [📍 Λαιμός — Μονάδα του Κέντρου]
> [👥 Κοινωνικός λειτουργός]
~ 🔔 = γεμάτη μέρα.
~ γεμάτη]
> @full-day
~ γεμάτη μέρα. 😔
~ Θέλετε να περιμένετε στη λίστα;
> [🔔 Ναι, στη λίστα αναμονής]
~ Πώς σας λένε;
> Ελένη Κώστα
> 6987654321
> [✅ Συμφωνώ]
~ 🔔 Είστε στη λίστα
~ Σειρά: 1
@free unit-prespes social_worker
@deliver
~ 🔔 Ελευθερώθηκε ώρα!
~ Σας την κρατώ ως τις
> [✅ Ναι, τη θέλω]
~ ✅ Κλείσαμε ραντεβού!
~ 📍 Δημαρχείο Πρεσπών (από το 2018, ίσως άλλαξε)
! Κάτι χάλασε
"""

MEDIATOR = """
# A mediator links Telegram, books for a citizen with no phone (oral consent) and sees the visit.
@mediator annex-roma-kastoria
~ συνδέθηκε με αυτό το Telegram
> /mediator
~ Μενού διαμεσολαβητή — Παράρτημα Ρομά
> [📅 Ραντεβού για πολίτη]
~ Για ποιο θέμα;
> [🤝 Διαμεσολαβητής]
> [⏩ Η πρώτη ελεύθερη ώρα]
> [✅ Κλείστε αυτή την ώρα]
~ Το ονοματεπώνυμο του πολίτη:
> Σταύρος Μπέκας
> [➖ Χωρίς τηλέφωνο]
~ Ο οικισμός ή η γειτονιά
> Απόσκεπος
~ Πατήστε το κουμπί μόνο αν συμφώνησε
> [✅ Ο πολίτης συμφώνησε προφορικά]
~ ✅ Κλείστηκε: Σταύρος Μπέκας
~ το κλείσατε εσείς
> [📋 Επόμενες επισκέψεις]
~ Σταύρος Μπέκας
~ · Απόσκεπος · κλεισμένο από διαμεσολαβητή
! Κάτι πήγε στραβά
"""

# "My appointments" with a waiting-list place and a held seat, each shown and left (issue 11): one person waits
# first in line, a second joins, sees their place (2nd) and leaves it; a seat frees up and is held for the first,
# who sees it with the hold's end and leaves it too.
MY_LIST_SIMPLE = """
@fill unit-prespes social_worker
@as 424242
> /start
> [🙂 Απλά ελληνικά]
> θέλω ραντεβού
> Πρέσπες
> [📍 Λαιμός — Μονάδα του Κέντρου]
> [👥 Κοινωνικός λειτουργός]
> @full-day
> [🔔 Ναι, στη λίστα αναμονής]
> Ελένη Κώστα
> 6987654321
> [✅ Συμφωνώ]
~ Σειρά: 1
@as 515151
> /start
> [🙂 Απλά ελληνικά]
> θέλω ραντεβού
> Πρέσπες
> [📍 Λαιμός — Μονάδα του Κέντρου]
> [👥 Κοινωνικός λειτουργός]
> @full-day
> [🔔 Ναι, στη λίστα αναμονής]
> Νίκος Μπέκας
> 6911223344
> [✅ Συμφωνώ]
> τα ραντεβού μου
~ 🔔 Λίστα αναμονής
~ Σειρά: 2
> [🚪 Βγαίνω από τη λίστα]
~ Βγήκατε από τη λίστα. 👍
> τα ραντεβού μου
~ Δεν έχετε ραντεβού.
@as 424242
@free unit-prespes social_worker
@deliver
> τα ραντεβού μου
~ 🔔 Ελευθερώθηκε ώρα!
~ ⏳ Σας κρατάμε ώρα!
~ Ως
> [🚪 Βγαίνω από τη λίστα]
~ Βγήκατε από τη λίστα. 👍
> τα ραντεβού μου
~ Δεν έχετε ραντεβού.
! Κάτι χάλασε
"""

MY_LIST_EL = """
@fill unit-prespes social_worker
@as 424242
> /start
> [🇬🇷 Ελληνικά]
> θέλω να κλείσω ραντεβού
> Πρέσπες
> [📍 Λαιμός — Περιφερειακή Μονάδα]
> [👥 Κοινωνικός λειτουργός]
> @full-day
> [🔔 Βάλτε με στη λίστα αναμονής]
> Ελένη Κώστα
> 6987654321
> [✅ Συμφωνώ]
~ (σειρά: 1)
@as 515151
> /start
> [🇬🇷 Ελληνικά]
> θέλω να κλείσω ραντεβού
> Πρέσπες
> [📍 Λαιμός — Περιφερειακή Μονάδα]
> [👥 Κοινωνικός λειτουργός]
> @full-day
> [🔔 Βάλτε με στη λίστα αναμονής]
> Νίκος Μπέκας
> 6911223344
> [✅ Συμφωνώ]
> τα ραντεβού μου
~ 🔔 Λίστα αναμονής
~ Σειρά σας: 2
> [🚪 Βγαίνω από τη λίστα]
~ Βγήκατε από τη λίστα αναμονής.
> τα ραντεβού μου
~ Δεν έχετε ραντεβού
@as 424242
@free unit-prespes social_worker
@deliver
> τα ραντεβού μου
~ 🔔 Ελευθερώθηκε ώρα από τη λίστα αναμονής!
~ ⏳ Σας κρατάμε ώρα
~ Σας την κρατάμε ως
> [🚪 Βγαίνω από τη λίστα]
~ Βγήκατε από τη λίστα αναμονής.
> τα ραντεβού μου
~ Δεν έχετε ραντεβού
! Κάτι πήγε στραβά
"""

MY_LIST_EN = """
@fill unit-prespes social_worker
@as 424242
> /start
> [🇬🇧 English]
> I want to book an appointment
> Prespes
> [📍 Laimos — Regional unit]
> [👥 Social worker]
> @full-day
> [🔔 Put me on the waiting list]
> Elena Kosta
> 6987654321
> [✅ I agree]
~ (place: 1)
@as 515151
> /start
> [🇬🇧 English]
> I want to book an appointment
> Prespes
> [📍 Laimos — Regional unit]
> [👥 Social worker]
> @full-day
> [🔔 Put me on the waiting list]
> Nikos Bekas
> 6911223344
> [✅ I agree]
> my appointments
~ 🔔 Waiting list
~ Your place: 2
> [🚪 Leave the list]
~ You have left the waiting list.
> my appointments
~ You have no upcoming appointments.
@as 424242
@free unit-prespes social_worker
@deliver
> my appointments
~ 🔔 A time has freed up from the waiting list!
~ ⏳ A time is held for you
~ Held for you until
> [🚪 Leave the list]
~ You have left the waiting list.
> my appointments
~ You have no upcoming appointments.
"""


class Stage:
    """Plays one script: the chat's users, the other people, and the output seen so far."""

    def __init__(self, chat: LocalChat) -> None:
        self.chat = chat
        self.actor = chat
        self.output: list[str] = []
        self.others: list[tuple[int, Appointment]] = []
        self.full_day_label: str | None = None

    def seen(self, messages: list[SentMessage]) -> None:
        self.output += [format_message(m) for m in messages]

    async def world(self, line: str) -> None:
        verb, *args = line[1:].split()
        db = self.chat.app.services.db
        now = datetime.now(UTC)
        if verb == "as":
            self.actor = LocalChat(self.chat.app, self.chat.api, user_id=int(args[0]))
        elif verb == "fill":
            centre, what = args
            async with db.session() as session:
                avail = await availability_for(session, centre, what)
                assert avail is not None
                day = next(d.day for d in await bookable_days(session, avail, now=now) if d.free)
                slots = await free_slots(session, avail, day, now=now)
                people = [Citizen(telegram_id=None, name=None) for _ in slots]
                session.add_all(people)
                await session.commit()
            for person, slot in zip(people, slots, strict=True):
                async with db.write() as session:
                    booked = await service.book(
                        session, citizen_id=person.id, centre_id=centre, service=what, starts_at=slot.starts_at, now=now
                    )
                self.others.append((person.id, booked))
        elif verb == "free":
            citizen_id, booked = self.others.pop(len(self.others) // 2)
            async with db.write() as session:
                await service.cancel(session, appointment_id=booked.id, citizen_id=citizen_id, now=now)
        elif verb == "deliver":
            # What it sends shows up with the recipient's next action.
            await deliver_due_reminders(self.chat.app, now)
        elif verb == "mediator":
            async with db.session() as session:
                user = await create_user(
                    session,
                    username="script.mediator",
                    role="mediator",
                    password="pale-lantern-over-harbour-17",
                    centre_id=args[0],
                )
                token = await create_link_token(session, user.id, now)
                await session.commit()
            self.actor = LocalChat(self.chat.app, self.chat.api, user_id=626262)
            self.seen(await self.actor.say(f"/start link-{token}"))
        else:
            raise ValueError(f"unknown world line {line!r}")

    async def act(self, action: str) -> None:
        if action == "@full-day":  # the day button marked full: its label depends on today's date
            target = self.actor.last_with_buttons()
            assert target is not None
            labels = [b["text"] for row in (target.reply_markup or {}).get("inline_keyboard", []) for b in row]
            label = next(x for x in labels if "🔔" in x)
            self.seen(await self.actor.press(label))
            return
        self.seen(await self.actor.act(action))


async def play(chat: LocalChat, script: str) -> str:
    stage = Stage(chat)
    expected: list[str] = []
    forbidden: list[str] = []
    for raw in script.strip().splitlines():
        if raw.startswith("> "):
            await stage.act(raw[2:])
        elif raw.startswith("@"):
            await stage.world(raw)
        elif raw.startswith("~ "):
            expected.append(raw[2:])
        elif raw.startswith("! "):
            forbidden.append(raw[2:])
        elif raw.strip() and not raw.startswith("#"):
            raise ValueError(f"unknown line {raw!r}")
    output = "\n".join(stage.output)
    assert_reads(output, expected, forbidden, "multi-person script")
    return output


@pytest.mark.parametrize(
    ("script"),
    [WAITING_LIST, MEDIATOR, MY_LIST_SIMPLE, MY_LIST_EL, MY_LIST_EN],
    ids=["waiting_list_simple", "mediator_el", "my_list_simple", "my_list_el", "my_list_en"],
)
async def test_booking_script(chat: LocalChat, script: str) -> None:
    await play(chat, script)
