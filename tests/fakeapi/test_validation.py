"""Unit tests of the request validator and Telegram's formatting parsers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.sandbox.fakeapi.entities import EntityParseError, parse_html, parse_markdown_v2
from bot.sandbox.fakeapi.errors import ApiError
from bot.sandbox.fakeapi.validation import UploadedFile, validate_request


def rejected(method: str, raw: dict[str, Any], files: Any = None) -> ApiError:
    with pytest.raises(ApiError) as caught:
        validate_request(method, raw, files)
    return caught.value


def markup(*rows: list[dict[str, Any]]) -> str:
    return json.dumps({"inline_keyboard": list(rows)})


# ---------------------------------------------------------------------- schema checks


def test_unknown_method_is_404() -> None:
    error = rejected("sendTeleport", {})
    assert error.status == 404
    assert error.payload() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }


def test_method_names_are_case_insensitive() -> None:
    assert validate_request("SENDMESSAGE", {"chat_id": "1", "text": "x"}).method == "sendMessage"


def test_form_strings_are_coerced() -> None:
    request = validate_request(
        "sendMessage",
        {
            "chat_id": "-1001234",
            "text": "hi",
            "disable_notification": "true",
            "reply_markup": markup([{"text": "A", "callback_data": "a"}]),
        },
    )
    assert request.params["chat_id"] == -1001234
    assert request.params["disable_notification"] is True
    assert request.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


def test_json_body_values_are_accepted_natively() -> None:
    request = validate_request(
        "getUpdates", {"offset": 5, "timeout": 0, "allowed_updates": ["message"]}
    )
    assert request.params == {"offset": 5, "timeout": 0, "allowed_updates": ["message"]}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"text": "x"}, 'parameter "chat_id" is required'),
        ({"chat_id": "1"}, "message text is empty"),
        ({"chat_id": "1", "text": "x", "colour": "red"}, 'unknown parameter "colour"'),
        ({"chat_id": "1", "text": "x", "disable_notification": "maybe"}, "must be Boolean"),
        ({"chat_id": "1", "text": "x", "message_thread_id": "1.5"}, "must be Integer"),
        ({"chat_id": "1", "text": "x", "reply_markup": "{oops"}, "can't parse"),
        (
            {"chat_id": "1", "text": "x", "reply_markup": markup([{"text": "A", "data": "a"}])},
            'unknown field "reply_markup.inline_keyboard[0][0].data"',
        ),
        (
            {"chat_id": "1", "text": "x", "reply_markup": markup([{"text": "A", "url": 5}])},
            "BUTTON_URL_INVALID",
        ),
        (
            {"chat_id": "1", "text": "x", "reply_markup": markup([{"callback_data": "a"}])},
            'field "reply_markup.inline_keyboard[0][0].text" is required',
        ),
        (
            {"chat_id": "1", "text": "x", "reply_markup": markup([{"text": "A"}])},
            "Text buttons are unallowed",
        ),
    ],
)
def test_bad_send_message(raw: dict[str, Any], fragment: str) -> None:
    error = rejected("sendMessage", raw)
    assert error.status == 400
    assert error.description.startswith("Bad Request: ")
    assert fragment in error.description


def test_reply_keyboard_and_remove_are_valid() -> None:
    keyboard = {
        "keyboard": [[{"text": "Share", "request_contact": True}]],
        "one_time_keyboard": True,
    }
    validate_request(
        "sendMessage", {"chat_id": "1", "text": "x", "reply_markup": json.dumps(keyboard)}
    )
    remove = json.dumps({"remove_keyboard": True})
    validate_request("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": remove})


def test_deprecated_but_accepted_params() -> None:
    params = {"chat_id": "1", "text": "x", "reply_to_message_id": "3"}
    params["disable_web_page_preview"] = "true"
    assert validate_request("sendMessage", params).params["reply_to_message_id"] == 3


def test_bot_command_scope_subtypes() -> None:
    commands = json.dumps([{"command": "start", "description": "Start"}])
    ok = validate_request(
        "setMyCommands", {"commands": commands, "scope": json.dumps({"type": "chat", "chat_id": 7})}
    )
    assert ok.params["scope"] == {"type": "chat", "chat_id": 7}
    missing = rejected("setMyCommands", {"commands": commands, "scope": '{"type": "chat"}'})
    assert 'field "scope.chat_id" is required' in missing.description
    unknown = rejected("setMyCommands", {"commands": commands, "scope": '{"type": "planet"}'})
    assert "BotCommandScopeDefault" in unknown.description


def test_command_rules() -> None:
    bad = json.dumps([{"command": "Start", "description": "x"}])
    assert rejected("setMyCommands", {"commands": bad}).description.endswith("BOT_COMMAND_INVALID")


def test_input_file_by_attach_and_by_part_name() -> None:
    upload = UploadedFile("a.csv", b"x;y", "text/csv")
    by_ref = validate_request(
        "sendDocument", {"chat_id": "1", "document": "attach://f1"}, {"f1": upload}
    )
    assert by_ref.params["document"] == upload
    by_name = validate_request("sendDocument", {"chat_id": "1"}, {"document": upload})
    assert by_name.params["document"] == upload
    assert (
        validate_request("sendDocument", {"chat_id": "1", "document": "FILEID"}).params["document"]
        == "FILEID"
    )
    missing = rejected("sendDocument", {"chat_id": "1", "document": "attach://nope"})
    assert "missing file part" in missing.description
    stray = rejected("sendMessage", {"chat_id": "1", "text": "x"}, {"f1": upload})
    assert "unknown parameter" in stray.description


def test_input_file_only_param_rejects_strings() -> None:
    stickers = json.dumps([{"sticker": "attach://s", "format": "static", "emoji_list": ["x"]}])
    upload = UploadedFile("s.png", b"png")
    validate_request(
        "createNewStickerSet",
        {"user_id": "1", "name": "n", "title": "t", "stickers": stickers},
        {"s": upload},
    )
    error = rejected(
        "uploadStickerFile", {"user_id": "1", "sticker": "FILEID", "sticker_format": "static"}
    )
    assert "must be InputFile" in error.description


# ---------------------------------------------------------------------- content rules


def test_text_length_counts_visible_characters() -> None:
    validate_request(
        "sendMessage", {"chat_id": "1", "text": "<b>" + "x" * 4096 + "</b>", "parse_mode": "HTML"}
    )
    error = rejected("sendMessage", {"chat_id": "1", "text": "x" * 4097})
    assert error.description == "Bad Request: message is too long"


def test_caption_length() -> None:
    upload = {"document": UploadedFile("a.txt", b"a")}
    validate_request("sendDocument", {"chat_id": "1", "caption": "c" * 1024}, upload)
    error = rejected("sendDocument", {"chat_id": "1", "caption": "c" * 1025}, upload)
    assert error.description == "Bad Request: message caption is too long"


def test_callback_data_is_measured_in_bytes() -> None:
    ok = markup([{"text": "A", "callback_data": "я" * 32}])  # 64 bytes
    validate_request("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": ok})
    too_long = markup([{"text": "A", "callback_data": "я" * 32 + "x"}])
    error = rejected("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": too_long})
    assert error.description == "Bad Request: BUTTON_DATA_INVALID"


def test_keyboard_button_limit() -> None:
    rows = [
        [{"text": str(i), "callback_data": str(i)} for i in range(r * 10, r * 10 + 10)]
        for r in range(10)
    ]
    validate_request("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": markup(*rows)})
    rows.append([{"text": "extra", "callback_data": "extra"}])
    error = rejected("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": markup(*rows)})
    assert error.description == "Bad Request: reply markup is too long"


def test_edit_message_text_rules() -> None:
    error = rejected(
        "editMessageText", {"chat_id": "1", "message_id": "2", "text": "<b>", "parse_mode": "HTML"}
    )
    assert error.description.startswith("Bad Request: can't parse entities: ")


def test_unsupported_parse_mode() -> None:
    error = rejected("sendMessage", {"chat_id": "1", "text": "x", "parse_mode": "BBCode"})
    assert "unsupported parse_mode" in error.description


# ---------------------------------------------------------------------- HTML parser


def test_html_entities_and_tags() -> None:
    parsed = parse_html(
        '<b>Hi</b>, <a href="https://t.me/x?start=seminar_1">link</a> &lt;3 &#127881;'
    )
    assert parsed.text == "Hi, link <3 🎉"
    assert parsed.entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "text_link", "offset": 4, "length": 4, "url": "https://t.me/x?start=seminar_1"},
    ]


def test_html_utf16_offsets() -> None:
    parsed = parse_html("🎉 <i>ok</i>")
    assert parsed.entities == [{"type": "italic", "offset": 3, "length": 2}]


@pytest.mark.parametrize(
    "source",
    [
        "<b>x</b> <strong>x</strong> <i>x</i> <em>x</em> <u>x</u> <ins>x</ins> <s>x</s>",
        "<strike>x</strike> <del>x</del> <tg-spoiler>x</tg-spoiler>",
        '<span class="tg-spoiler">x</span> <code>x</code> <blockquote>x</blockquote>',
        '<pre><code class="language-python">x</code></pre>',
        '<blockquote expandable>x</blockquote> <tg-emoji emoji-id="5368">👍</tg-emoji>',
        "<B>upper case</B> &quot;quoted&quot; &amp; &#x41; > fine",
        "<b><i>nested</i></b>",
    ],
)
def test_html_supported(source: str) -> None:
    parse_html(source)


def test_html_pre_language() -> None:
    parsed = parse_html('<pre><code class="language-python">print()</code></pre>')
    assert parsed.entities == [{"type": "pre", "offset": 0, "length": 7, "language": "python"}]


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("1 < 2", 'Unsupported start tag ""'),
        ("<script>x</script>", 'Unsupported start tag "script"'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ("AT&T", '"&"'),
        ("&nbsp;", '"&"'),
        ("<b", "Unclosed start tag"),
        ('<span class="red">x</span>', 'must have class "tg-spoiler"'),
    ],
)
def test_html_errors(source: str, fragment: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert fragment in str(caught.value)


# ---------------------------------------------------------------------- MarkdownV2


def test_markdown_v2() -> None:
    parsed = parse_markdown_v2(r"*bold* _it_ __u__ ~s~ ||sp|| `c` [t](https://x.y) 1\.5")
    assert parsed.text == "bold it u s sp c t 1.5"
    assert [e["type"] for e in parsed.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]


@pytest.mark.parametrize(("source", "fragment"), [("1.5", "'.' is reserved"), ("*open", "Bold")])
def test_markdown_v2_errors(source: str, fragment: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_markdown_v2(source)
    assert fragment in str(caught.value)
