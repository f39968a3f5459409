"""Load and validate the FAQ YAML file (``FAQ_PATH``) into plain ``FaqEntry`` values.

The format is described in docs/product.md ("The FAQ file"). An invalid file must stop
start-up with one readable line naming the entry and the problem, so every error here
is a ``FaqFileError`` whose message is exactly that line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["DEFAULT_CATEGORY", "LANGUAGES", "FaqEntry", "FaqFileError", "load_faq_file"]

LANGUAGES = frozenset({"ru", "en"})

# Used when an entry has no category, so that /faq still has a heading to show it under.
DEFAULT_CATEGORY = {"ru": "Общее", "en": "General"}

# The answer goes into one Telegram message (4096 characters) after the question in bold.
ANSWER_MAX_LENGTH = 3900

_KNOWN_KEYS = frozenset({"id", "lang", "category", "question", "aliases", "answer"})


@dataclass(frozen=True)
class FaqEntry:
    """One question with its answer, in one language."""

    id: str
    lang: str
    category: str
    question: str
    aliases: tuple[str, ...]
    answer: str


class FaqFileError(ValueError):
    """The FAQ file cannot be used; the message is one line meant for the operator."""


def load_faq_file(path: Path) -> list[FaqEntry]:
    """Read ``path`` and return its entries in file order.

    Raises ``FaqFileError`` for an unreadable file, invalid YAML, a top level that is
    not a list, an invalid entry, or a duplicate id.
    """
    prefix = f"FAQ file {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FaqFileError(f"{prefix}: file not found") from None
    except UnicodeDecodeError:
        raise FaqFileError(f"{prefix}: not valid UTF-8 text") from None
    except OSError as exc:
        raise FaqFileError(f"{prefix}: cannot read ({exc.strerror or exc})") from None

    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FaqFileError(f"{prefix}: invalid YAML ({_describe_yaml_error(exc)})") from None

    if data is None:
        # An empty file is almost certainly a mistake (e.g. a wrong FAQ_PATH), not an
        # intention to delete every bundled answer, so it is refused too.
        raise FaqFileError(f"{prefix}: the file is empty, expected a list of entries")
    if not isinstance(data, list):
        raise FaqFileError(
            f"{prefix}: expected a list of entries at the top level, got {_type_name(data)}"
        )

    entries: list[FaqEntry] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(data, start=1):
        entry = _parse_entry(item, f"{prefix}: entry #{number}")
        if entry.id in seen:
            raise FaqFileError(
                f"{prefix}: entry #{number} (id {entry.id!r}): duplicate id, "
                f"already used by entry #{seen[entry.id]}"
            )
        seen[entry.id] = number
        entries.append(entry)
    return entries


def _parse_entry(item: object, where: str) -> FaqEntry:
    if not isinstance(item, dict):
        raise FaqFileError(f"{where}: expected a mapping with id, question and answer")

    raw_id = item.get("id")
    if raw_id is None:
        raise FaqFileError(f"{where}: missing 'id'")
    if not isinstance(raw_id, str) or not raw_id.strip():
        # Show the bad value: "id: 12" in YAML is an int, which is easy to miss.
        raise FaqFileError(f"{where}: 'id' must be a non-empty string, got {raw_id!r}")
    entry_id = raw_id.strip()
    where = f"{where} (id {entry_id!r})"

    unknown = sorted(str(key) for key in item if key not in _KNOWN_KEYS)
    if unknown:
        # A typo such as "answr" would otherwise surface later as a confusing "missing".
        raise FaqFileError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")

    lang = item.get("lang", "ru")
    if lang is None:
        lang = "ru"
    if lang not in LANGUAGES:
        raise FaqFileError(f"{where}: 'lang' must be 'ru' or 'en', got {lang!r}")

    question = _required_text(item, "question", where)
    answer = _required_text(item, "answer", where)
    if len(answer) > ANSWER_MAX_LENGTH:
        raise FaqFileError(
            f"{where}: 'answer' is too long ({len(answer)} characters); at most "
            f"{ANSWER_MAX_LENGTH} fit in one Telegram message"
        )

    category = item.get("category")
    if category is None or (isinstance(category, str) and not category.strip()):
        category = DEFAULT_CATEGORY[lang]
    elif not isinstance(category, str):
        raise FaqFileError(f"{where}: 'category' must be a string, got {_type_name(category)}")

    raw_aliases = item.get("aliases")
    if raw_aliases is None:
        raw_aliases = []
    if not isinstance(raw_aliases, list):
        raise FaqFileError(
            f"{where}: 'aliases' must be a list of strings, got {_type_name(raw_aliases)}"
        )
    aliases: list[str] = []
    for position, alias in enumerate(raw_aliases, start=1):
        if not isinstance(alias, str) or not alias.strip():
            raise FaqFileError(f"{where}: alias #{position} must be a non-empty string")
        aliases.append(alias.strip())

    return FaqEntry(
        id=entry_id,
        lang=lang,
        category=category.strip(),
        question=question,
        aliases=tuple(aliases),
        answer=answer,
    )


def _required_text(item: dict[Any, Any], key: str, where: str) -> str:
    value = item.get(key)
    if value is None:
        raise FaqFileError(f"{where}: missing {key!r}")
    if not isinstance(value, str):
        raise FaqFileError(f"{where}: {key!r} must be a string, got {_type_name(value)}")
    # Block scalars (answer: |) end with a newline; it carries no meaning.
    text = value.strip()
    if not text:
        raise FaqFileError(f"{where}: {key!r} is empty")
    return text


def _type_name(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", int: "a number"}
    for kind, name in names.items():
        if isinstance(value, kind) and not isinstance(value, bool):
            return name
    return type(value).__name__


def _describe_yaml_error(exc: yaml.YAMLError) -> str:
    # Keep it to one line: PyYAML's str() spans several lines with a code excerpt.
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem or 'syntax error'} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(exc).split())
