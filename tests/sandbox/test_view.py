"""What the page is given for a chat: text plus entities, keyboards, files."""

from __future__ import annotations

from bot.sandbox.fakeapi.objects import group_chat_dict
from bot.sandbox.fakeapi.state import BotMessage, ChatState, StoredFile
from bot.sandbox.view import chat_view, reply_keyboard, with_detected_entities


def _bot_message(chat: ChatState, text: str, markup: dict[str, object] | None = None) -> BotMessage:
    message = BotMessage(
        message_id=chat.next_message_id(),
        chat_id=chat.chat_id,
        method="sendMessage",
        text=text,
        source=text,
        parse_mode="HTML",
        entities=[],
        reply_markup=markup,
        history=[text],
    )
    chat.transcript.append(message)
    return message


def _user_message(chat: ChatState, text: str = "", **extra: object) -> int:
    message_id = chat.next_message_id()
    chat.user_messages[message_id] = {
        "message_id": message_id,
        "from": {"id": 7, "first_name": "Анна"},
        "date": 0,
        "text": text,
        **extra,
    }
    return message_id


def test_links_and_commands_in_plain_text_become_entities() -> None:
    text = "Ссылка: https://t.me/x_bot?start=seminar_4. Команды /seminars и /my, не a/b."
    entities = with_detected_entities(text, [])
    shown = [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities]
    assert shown == [
        ("url", "https://t.me/x_bot?start=seminar_4"),
        ("bot_command", "/seminars"),
        ("bot_command", "/my"),
    ]


def test_detected_entities_never_overlap_the_bots_own() -> None:
    bold = {"type": "text_link", "offset": 0, "length": 13, "url": "https://a.b"}
    assert with_detected_entities("/start please", [bold]) == [bold]


def test_offsets_count_utf16_units_after_emoji() -> None:
    [entity] = with_detected_entities("🎉 /faq", [])
    assert (entity["offset"], entity["length"]) == (3, 4)


def test_messages_interleave_in_order_with_contact_and_edits() -> None:
    chat = ChatState(group_chat_dict(-100, "Staff"))
    first = _bot_message(chat, "Ваш телефон?")
    _user_message(chat, contact={"phone_number": "+79120000000", "first_name": "Анна"})
    first.history.append("Ваш телефон? (получен)")
    view = chat_view(chat)
    assert [m["outgoing"] for m in view["messages"]] == [False, True]
    assert view["messages"][0]["edited"] is True
    assert view["messages"][1]["contact"] == "+79120000000"


def test_documents_and_photos_are_links_to_the_files() -> None:
    chat = ChatState(group_chat_dict(-100, "Staff"))
    message = _bot_message(chat, "")
    message.document = StoredFile.create("seminar.ics", b"BEGIN", "text/calendar", "x")
    ticket = _bot_message(chat, "Ваш билет")
    ticket.photo = StoredFile.create("ticket.png", b"\x89PNG", "image/png", "y")
    document, photo = chat_view(chat)["messages"]
    assert document["document"] == {
        "name": "seminar.ics",
        "size": 5,
        "url": f"/files/{message.document.file_id}",
    }
    assert photo["photo"]["url"] == f"/files/{ticket.photo.file_id}"
    assert "document" not in photo


def test_reply_keyboard_is_the_newest_one_and_one_time_hides_after_an_answer() -> None:
    chat = ChatState(group_chat_dict(-100, "Staff"))
    share = {"text": "📱 Отправить мой номер", "request_contact": True}
    _bot_message(chat, "Телефон?", {"keyboard": [[share]], "one_time_keyboard": True})
    _bot_message(chat, "Кнопка под сообщением", {"inline_keyboard": [[{"text": "A"}]]})
    keyboard = reply_keyboard(chat)
    assert keyboard is not None
    assert keyboard["rows"] == [[{"text": "📱 Отправить мой номер", "contact": True}]]
    _user_message(chat, "+7 912 000-00-00")
    assert reply_keyboard(chat) is None


def test_removed_keyboard_is_gone() -> None:
    chat = ChatState(group_chat_dict(-100, "Staff"))
    _bot_message(chat, "Меню", {"keyboard": [[{"text": "Семинары"}]]})
    assert reply_keyboard(chat) is not None
    _bot_message(chat, "Готово", {"remove_keyboard": True})
    assert reply_keyboard(chat) is None
