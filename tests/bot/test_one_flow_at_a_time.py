"""Starting a flow ends the one that was waiting for an answer: what the citizen types next goes to the
questions on their screen, never to a question asked earlier."""

from __future__ import annotations

from bot.local_chat import LocalChat, html_to_text


async def test_a_new_flow_ends_the_waiting_one(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    key = (chat.user_id, chat.user_id)  # a private chat: the chat id is the user id
    await chat.press_data("a:check:min_income")
    assert await chat.app.active_flows(key) == {"eligibility"}
    await chat.press_data("m:centre")
    assert await chat.app.active_flows(key) == {"find_centre"}
    replies = await chat.say("Σιάτιστα")  # a place for the centre question, not an answer to the pre-check
    assert "Κέντρο Κοινότητας Δήμου Βοΐου" in "\n".join(html_to_text(m.text) for m in replies)
    assert await chat.app.active_flows(key) == set()


async def test_an_answer_inside_a_flow_keeps_it(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    key = (chat.user_id, chat.user_id)  # a private chat: the chat id is the user id
    await chat.press_data("a:check:min_income")
    await chat.say("2")
    assert await chat.app.active_flows(key) == {"eligibility"}


async def test_start_and_menu_leave_the_waiting_flow(chat: LocalChat) -> None:
    await chat.say("/start")
    await chat.press("🇬🇷 Ελληνικά")
    key = (chat.user_id, chat.user_id)
    await chat.press_data("m:centre")
    assert await chat.app.active_flows(key) == {"find_centre"}
    await chat.say("/start")
    assert await chat.app.active_flows(key) == set()
    await chat.press("🇬🇷 Ελληνικά")
    await chat.press_data("m:centre")
    await chat.press_data("m:menu")
    assert await chat.app.active_flows(key) == set()
    # A question typed now is answered as a question, not read as the place the centre flow had asked for.
    replies = await chat.say("πόσα λεφτά είναι το επίδομα παιδιών")
    assert any("Α21" in html_to_text(m.text) for m in replies)
