"""Translations: YAML catalogues per language, Russian plural forms, escaped arguments.

Catalogues live in `bot/locales/<lang>/*.yml` and are read at start-up, so there is
no compile step. Nested keys are joined with dots (`start.greeting`). A message whose
mapping has only plural keys (`one`, `few`, `many`, `other`) is chosen by `count`.
Every `str` argument is HTML-escaped unless it is wrapped in `Html`, because every
message is sent with `parse_mode=HTML`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
LOCALES_DIR = Path(__file__).parent / "locales"
_PLURAL_KEYS = frozenset({"zero", "one", "few", "many", "other"})

Message = str | dict[str, str] | list[str]


class Html(str):
    """Markup that is already safe (built from escaped parts); passed through as is."""

    __slots__ = ()


def escape(text: str) -> Html:
    """Plain text made safe to put into an HTML message."""
    return Html(html.escape(text, quote=False))


def join(separator: str, parts: Iterable[Html]) -> Html:
    """Safe parts joined by a plain separator; stays safe."""
    return Html(html.escape(separator, quote=False).join(parts))


def bold(text: str) -> Html:
    return Html(f"<b>{escape(text)}</b>")


def link(url: str, text: str) -> Html:
    return Html(f'<a href="{html.escape(url, quote=True)}">{escape(text)}</a>')


def pick_language(chosen: str | None, language_code: str | None) -> str:
    """The user's own choice first, then Telegram's language code, then Russian."""
    if chosen in LANGUAGES:
        return chosen
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def plural_form(lang: str, count: int) -> str:
    n = abs(count)
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def _flatten(prefix: str, node: Any, out: dict[str, Message], source: Path) -> None:
    if isinstance(node, Mapping):
        if node and set(node) <= _PLURAL_KEYS:
            out[prefix] = {str(k): str(v) for k, v in node.items()}
            return
        for key, value in node.items():
            if not isinstance(key, str):
                # YAML reads a bare `yes`, `no`, `on` or `1` as a bool or number.
                raise ValueError(f"{source}: key {key!r} under '{prefix}' must be quoted text")
            _flatten(f"{prefix}.{key}" if prefix else key, value, out, source)
        return
    if prefix in out:
        raise ValueError(f"{source}: duplicate message key '{prefix}'")
    if isinstance(node, list):
        out[prefix] = [str(item) for item in node]
    elif isinstance(node, str):
        out[prefix] = node.rstrip("\n")
    else:
        raise ValueError(f"{source}: message '{prefix}' must be text, a list or plural forms")


def load_catalogue(folder: Path) -> dict[str, Message]:
    messages: dict[str, Message] = {}
    for path in sorted(folder.glob("*.yml")):
        part: dict[str, Message] = {}
        _flatten("", yaml.safe_load(path.read_text(encoding="utf-8")) or {}, part, path)
        clash = set(part) & set(messages)
        if clash:
            raise ValueError(f"{path}: keys defined in another file too: {sorted(clash)}")
        messages.update(part)
    return messages


def _escape(value: Any) -> Any:
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, str):
        return html.escape(value, quote=False)
    return value


class Translator:
    """All catalogues; `for_language` gives the per-user callable handlers use."""

    def __init__(self, catalogues: dict[str, dict[str, Message]]) -> None:
        self.catalogues = catalogues

    @classmethod
    def load(cls, folder: Path = LOCALES_DIR) -> Translator:
        return cls({lang: load_catalogue(folder / lang) for lang in LANGUAGES})

    def raw(self, lang: str, key: str) -> Message:
        catalogue = self.catalogues.get(lang) or self.catalogues[DEFAULT_LANGUAGE]
        if key in catalogue:
            return catalogue[key]
        if key in self.catalogues[DEFAULT_LANGUAGE]:
            return self.catalogues[DEFAULT_LANGUAGE][key]
        raise KeyError(f"no message '{key}'")

    def text(self, lang: str, key: str, **kwargs: Any) -> Html:
        message = self.raw(lang, key)
        if isinstance(message, dict):
            count = int(kwargs.get("count", 0))
            message = message.get(plural_form(lang, count)) or message.get("other", "")
        if isinstance(message, list):
            raise TypeError(f"message '{key}' is a list; use Translator.items")
        escaped = {name: _escape(value) for name, value in kwargs.items()}
        return Html(message.format(**escaped) if escaped else message.format())

    def items(self, lang: str, key: str) -> list[str]:
        message = self.raw(lang, key)
        if not isinstance(message, list):
            raise TypeError(f"message '{key}' is not a list")
        return message

    def for_language(self, lang: str) -> Tr:
        return Tr(self, lang)


class Tr:
    """Messages in one language: `tr("key", name=value)`."""

    __slots__ = ("lang", "translator")

    def __init__(self, translator: Translator, lang: str) -> None:
        self.translator = translator
        self.lang = lang

    def __call__(self, key: str, **kwargs: Any) -> Html:
        return self.translator.text(self.lang, key, **kwargs)

    def items(self, key: str) -> list[str]:
        return self.translator.items(self.lang, key)
