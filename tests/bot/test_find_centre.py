""" "Where is my centre": typed place, shared location, list, and the kind answers for what cannot be routed."""

from __future__ import annotations

from bot.local_chat import LocalChat, buttons_of, html_to_text


async def start_greek(chat: LocalChat, register_label: str = "🇬🇷 Ελληνικά") -> None:
    await chat.say("/start")
    await chat.press(register_label)


def all_text(messages: list) -> str:
    return "\n".join(html_to_text(m.text) for m in messages)


async def test_typed_place_inside_a_sentence_finds_the_centre_with_a_pin(chat: LocalChat) -> None:
    await start_greek(chat)
    await chat.press("📍 Το Κέντρο Κοινότητάς μου")
    replies = await chat.say("μενω στη σιατιστα")
    text = all_text(replies)
    assert "Κέντρο Κοινότητας Δήμου Βοΐου" in text
    venues = [m for m in replies if m.method == "sendVenue"]
    assert len(venues) == 1
    assert venues[0].extra["latitude"] == 40.26194 and venues[0].extra["longitude"] == 21.54417
    # The address is not known: the pin says it shows the town, and the answer never invents one.
    assert "την πόλη" in venues[0].extra["address"]


async def test_shared_location_routes_to_the_nearest_settlements_centre(chat: LocalChat) -> None:
    await start_greek(chat, "🇬🇧 English")
    await chat.press("📍 My Community Centre")
    replies = await chat.share_location(40.78, 21.41)  # Florina
    text = all_text(replies)
    assert "Community Centre of the Municipality of Florina" in text


async def test_location_far_outside_the_region_is_answered_kindly_and_keeps_asking(chat: LocalChat) -> None:
    await start_greek(chat)
    await chat.press("📍 Το Κέντρο Κοινότητάς μου")
    replies = await chat.share_location(37.9838, 23.7275)  # Athens
    assert "έξω από τη Δυτική Μακεδονία" in all_text(replies)
    # Still in the conversation: a place typed next is routed.
    replies = await chat.say("Φλώρινα")
    assert "Κέντρο Κοινότητας Δήμου Φλώρινας" in all_text(replies)


async def test_unknown_place_asks_again(chat: LocalChat) -> None:
    await start_greek(chat)
    await chat.press("📍 Το Κέντρο Κοινότητάς μου")
    replies = await chat.say("Τιμπουκτού")
    assert "Δεν βρήκα το μέρος" in all_text(replies)


async def test_list_of_centres_then_a_centre(chat: LocalChat) -> None:
    await start_greek(chat)
    await chat.press("📍 Το Κέντρο Κοινότητάς μου")
    replies = await chat.say("📋 Λίστα Κέντρων")
    names = [b["text"] for m in replies for b in buttons_of(m)]
    assert len(names) == 15
    replies = await chat.press("📍 Σέρβια — Κέντρο Κοινότητας")
    text = all_text(replies)
    assert "2464500561" in text  # the one centre phone number the facts give (2021, marked uncertain)


async def test_cancel_leaves_the_conversation(chat: LocalChat) -> None:
    await start_greek(chat)
    await chat.press("📍 Το Κέντρο Κοινότητάς μου")
    replies = await chat.say("/cancel")
    assert "Τίποτα δεν άλλαξε" in all_text(replies)


async def test_english_answers_name_places_in_latin_letters(chat: LocalChat) -> None:
    await start_greek(chat, "🇬🇧 English")
    await chat.press("📍 My Community Centre")
    text = all_text(await chat.say("I live in Nestorio"))
    assert "Nestorio: you are served by" in text and "Νεστόριο" not in text


async def test_english_location_answer_names_the_place_in_latin_letters(chat: LocalChat) -> None:
    await start_greek(chat, "🇬🇧 English")
    await chat.press("📍 My Community Centre")
    located = all_text(await chat.share_location(40.52, 21.27))  # Καστοριά
    assert "You are near Kastoria" in located and "Καστοριά" not in located


async def test_a_village_of_the_full_list_with_its_regional_unit(chat: LocalChat) -> None:
    await start_greek(chat)
    await chat.press("📍 Το Κέντρο Κοινότητάς μου")
    text = all_text(await chat.say("eimai apo to vateron kozanis"))  # ΕΛΣΤΑΤ: Βατερόν, Δήμος Κοζάνης
    assert "Κέντρο Κοινότητας Δήμου Κοζάνης" in text
