"""Check a Bot API request against ``schema.json`` and Telegram's content rules.

:func:`validate_request` turns raw parameters (strings from a query or form, JSON-serialized
objects inside them, uploaded files) into typed values, or raises :class:`ApiError` with
the error Telegram would give: 404 for an unknown method, 400 "Bad Request: …" otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.sandbox.fakeapi.entities import EntityParseError, ParsedText, parse_formatted
from bot.sandbox.fakeapi.errors import ApiError, bad_request, not_found
from bot.sandbox.fakeapi.schema import Field, MethodSpec, Schema, TypeSpec, load_schema

TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_INLINE_BUTTONS = 100
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
# Parameters dropped from the documentation that Telegram still accepts (and aiogram
# still sends when asked to): allowed wherever their replacement is documented.
_DEPRECATED_PARAMS = {
    "reply_parameters": (
        Field("reply_to_message_id", ("Integer",), False),
        Field("allow_sending_without_reply", ("Boolean",), False),
    ),
    "link_preview_options": (Field("disable_web_page_preview", ("Boolean",), False),),
}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_URL_RE = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)
_INT_RE = re.compile(r"[+-]?[0-9]+")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class ValidRequest:
    method: str  # canonical spelling, e.g. "sendMessage"
    params: dict[str, Any]


class _Mismatch(Exception):
    """A value that does not fit a type; ``depth`` ranks how far validation got."""

    def __init__(self, detail: str, path: str, *, deeper: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.depth = _depth(path) + int(deeper)


def _depth(path: str) -> int:
    return path.count(".") + path.count("[")


def _describe(path: str) -> str:
    return f'parameter "{path}"' if "." not in path and "[" not in path else f'field "{path}"'


class _Coercer:
    def __init__(self, schema: Schema, files: Mapping[str, UploadedFile]) -> None:
        self.schema = schema
        self.files = files
        self.used_files: set[str] = set()

    def value(self, value: Any, types: Sequence[str], path: str) -> Any:
        failures: list[_Mismatch] = []
        for type_name in types:
            try:
                return self._one(value, type_name, path)
            except _Mismatch as failure:
                failures.append(failure)
        deepest = max(failures, key=lambda f: f.depth)
        if deepest.depth > _depth(path):
            raise deepest
        raise _Mismatch(f"{_describe(path)} must be {' or '.join(types)}", path)

    def _json(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise _Mismatch(
                f"can't parse {_describe(path)}: not a JSON value", path, deeper=True
            ) from None

    def _one(self, value: Any, type_name: str, path: str) -> Any:
        fail = _Mismatch(f"{_describe(path)} must be {type_name}", path)
        if type_name.startswith("Array of "):
            items = self._json(value, path)
            if not isinstance(items, list):
                raise fail
            inner = type_name.removeprefix("Array of ")
            return [self.value(item, [inner], f"{path}[{i}]") for i, item in enumerate(items)]
        if type_name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
                return int(value)
            raise fail
        if type_name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    raise fail from None
            raise fail
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str | int) and str(value).lower() in _BOOLEANS:
                return _BOOLEANS[str(value).lower()]
            raise fail
        if type_name == "String":
            if isinstance(value, str):
                if value.startswith("attach://"):
                    self._attached(value, path)
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise fail
        if type_name == "InputFile":
            if isinstance(value, UploadedFile):
                return value
            if isinstance(value, str) and value.startswith("attach://"):
                return self._attached(value, path)
            raise fail
        spec = self.schema.types.get(type_name)
        if spec is None:
            raise _Mismatch(f"{_describe(path)} has an unknown type {type_name}", path)
        return self._object(self._json(value, path), spec, path)

    def _attached(self, reference: str, path: str) -> UploadedFile:
        name = reference.removeprefix("attach://")
        if name not in self.files:
            raise _Mismatch(
                f'{_describe(path)} refers to a missing file part "{name}"', path, deeper=True
            )
        self.used_files.add(name)
        return self.files[name]

    def _object(self, value: Any, spec: TypeSpec, path: str) -> Any:
        if not isinstance(value, dict):
            raise _Mismatch(f"{_describe(path)} must be a JSON object ({spec.name})", path)
        if spec.subtypes:
            candidates = [name for name in spec.subtypes if self._consts_match(name, value)]
            if not candidates:
                raise _Mismatch(
                    f"{_describe(path)} is not any of {', '.join(spec.subtypes)}", path, deeper=True
                )
            return self.value(value, candidates, path)
        if not spec.fields:  # e.g. CallbackGame: an empty placeholder object
            return value
        for key in value:
            if spec.field(key) is None:
                raise _Mismatch(f'unknown field "{path}.{key}" in {spec.name}', f"{path}.{key}")
        result: dict[str, Any] = {}
        for field in spec.fields:
            item = value.get(field.name)
            if item is None:
                if field.required:
                    raise _Mismatch(
                        f'field "{path}.{field.name}" is required in {spec.name}',
                        f"{path}.{field.name}",
                    )
                continue
            if field.const is not None and item != field.const:
                raise _Mismatch(
                    f'field "{path}.{field.name}" must be "{field.const}"', f"{path}.{field.name}"
                )
            result[field.name] = self.value(item, field.types, f"{path}.{field.name}")
        return result

    def _consts_match(self, type_name: str, value: dict[str, Any]) -> bool:
        spec = self.schema.types.get(type_name)
        if spec is None:
            return True  # a type expression such as "String" in RichText's subtypes
        return all(value.get(f.name) == f.const for f in spec.fields if f.const is not None)


def validate_request(
    method: str,
    raw: Mapping[str, Any],
    files: Mapping[str, UploadedFile] | None = None,
    schema: Schema | None = None,
) -> ValidRequest:
    """Validate one request; ``raw`` holds text parameters, ``files`` the uploaded parts."""
    schema = schema or load_schema()
    files = files or {}
    spec = schema.method(method)
    if spec is None:
        raise not_found()
    coercer = _Coercer(schema, files)
    params: dict[str, Any] = {}
    accepted = _accepted_params(spec)
    for key in raw:
        if key not in {p.name for p in accepted}:
            raise bad_request(f'unknown parameter "{key}" for method {spec.name}')
    for param in accepted:
        value = raw.get(param.name)
        if value is None or value == "":
            value = files.get(param.name)
            if value is not None:
                coercer.used_files.add(param.name)
        if value is None or value == "":
            if param.required:
                if param.name == "text" and spec.name in TEXT_METHODS:
                    raise bad_request("message text is empty")
                raise bad_request(f'parameter "{param.name}" is required')
            continue
        try:
            params[param.name] = coercer.value(value, param.types, param.name)
        except _Mismatch as mismatch:
            raise bad_request(mismatch.detail) from None
    for name in files:
        if name not in coercer.used_files:
            raise bad_request(f'unknown parameter "{name}" (a file part nothing refers to)')
    check_content(spec.name, params)
    return ValidRequest(spec.name, params)


def validate_object(type_name: str, value: Any, schema: Schema | None = None) -> None:
    """Check a Telegram object (e.g. one the fake returns) against its type in the schema."""
    try:
        _Coercer(load_schema() if schema is None else schema, {}).value(value, [type_name], "")
    except _Mismatch as mismatch:
        raise AssertionError(f"not a valid {type_name}: {mismatch.detail}") from None


def _accepted_params(spec: MethodSpec) -> list[Field]:
    params = list(spec.params)
    for modern, deprecated in _DEPRECATED_PARAMS.items():
        if spec.param(modern) is not None:
            params.extend(deprecated)
    return params


def parse_text(text: str, parse_mode: str | None, entities: Any = None) -> ParsedText:
    """Parse formatted text or raise 400 "can't parse entities"."""
    try:
        return parse_formatted(text, parse_mode, entities)
    except EntityParseError as error:
        raise bad_request(f"can't parse entities: {error}") from None


def check_content(method: str, params: Mapping[str, Any]) -> None:
    """Telegram's limits on text, captions, keyboards and commands."""
    parse_mode = params.get("parse_mode")
    if parse_mode is not None and parse_mode.lower() not in PARSE_MODES:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    if method in TEXT_METHODS:
        parsed = parse_text(params["text"], parse_mode, params.get("entities"))
        if not parsed.text.strip():
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT:
            raise bad_request("message is too long")
    if "caption" in params:
        caption = parse_text(params["caption"], parse_mode, params.get("caption_entities"))
        if len(caption.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
    if method == "setMyCommands":
        check_commands(params["commands"])


def check_inline_keyboard(rows: list[list[dict[str, Any]]]) -> None:
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")
    for row in rows:
        for button in row:
            if not any(action in button for action in _INLINE_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not _BUTTON_URL_RE.fullmatch(url):
                raise bad_request("BUTTON_URL_INVALID")


def check_commands(commands: list[dict[str, Any]]) -> None:
    if len(commands) > 100:
        raise bad_request("too many commands")
    for command in commands:
        if not _COMMAND_RE.fullmatch(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command["description"].strip()) <= 256:
            raise bad_request("command description must be 1-256 characters")


__all__ = [
    "ApiError",
    "UploadedFile",
    "ValidRequest",
    "check_content",
    "parse_text",
    "validate_object",
    "validate_request",
]
