"""Telegram's formatting parsers: HTML and MarkdownV2 text → visible text plus entities.

Errors read like Telegram's own ("Unsupported start tag "foo" at byte offset 3"); the
caller prefixes them with "Bad Request: can't parse entities: ". Offsets of the
returned entities are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class EntityParseError(ValueError):
    """Text that Telegram would refuse to parse."""


@dataclass(frozen=True)
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


class _Builder:
    """Accumulates visible text and closed entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units
        self.entities: list[dict[str, Any]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += _utf16_len(text)

    def close(self, kind: str, start: int, **extra: Any) -> None:
        if self.length > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.length - start, **extra}
            )

    def result(self) -> ParsedText:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.parts), entities)


# ---------------------------------------------------------------------------- HTML

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z0-9_-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


@dataclass
class _OpenTag:
    name: str
    kind: str
    start: int
    extra: dict[str, Any]


def _decode_entity(source: str, index: int) -> tuple[str, int]:
    match = _ENTITY_RE.match(source, index)
    if not match:
        raise EntityParseError(
            f'Character "&" at byte offset {_byte_offset(source, index)} does not start '
            "a supported HTML entity (&lt; &gt; &amp; &quot; or a numeric one)"
        )
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise EntityParseError(f"Invalid HTML entity at byte offset {_byte_offset(source, index)}")
    return chr(code), match.end()


def _unescape_attr(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "&":
            char, i = _decode_entity(value, i)
            out.append(char)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _parse_attrs(source: str, index: int, tag_start: int) -> tuple[dict[str, str], int]:
    attrs: dict[str, str] = {}
    while True:
        while index < len(source) and source[index].isspace():
            index += 1
        if index >= len(source):
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(source, tag_start)}"
            )
        if source[index] == ">":
            return attrs, index + 1
        match = _ATTR_RE.match(source, index)
        if not match or match.end() == index:
            raise EntityParseError(
                f"Invalid attribute in tag at byte offset {_byte_offset(source, tag_start)}"
            )
        name, double, single, bare = match.groups()
        raw = next((v for v in (double, single, bare) if v is not None), "")
        attrs[name.lower()] = _unescape_attr(raw)
        index = match.end()


def _open_tag(
    name: str, attrs: dict[str, str], out: _Builder, stack: list[_OpenTag], offset: int
) -> _OpenTag:
    kind, extra = _HTML_TAGS[name], {}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "a":
        if "href" not in attrs:
            kind = ""  # Telegram keeps the text and drops a link without href
        else:
            extra = {"url": attrs["href"]}
    if name == "tg-emoji":
        if "emoji-id" not in attrs:
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
            )
        extra = {"custom_emoji_id": attrs["emoji-id"]}
    if name == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    if name == "code" and stack and stack[-1].name == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].extra["language"] = language.removeprefix("language-")
            kind = ""  # the language rides on the enclosing pre entity
    return _OpenTag(name, kind, out.length, extra)


def parse_html(source: str) -> ParsedText:
    out, stack = _Builder(), list[_OpenTag]()
    index, text_start = 0, 0
    while index < len(source):
        char = source[index]
        if char not in "<&":
            index += 1
            continue
        out.add(source[text_start:index])
        offset = _byte_offset(source, index)
        if char == "&":
            decoded, index = _decode_entity(source, index)
            out.add(decoded)
        elif source.startswith("</", index):
            match = _NAME_RE.match(source, index + 2)
            assert match is not None
            name, end = match.group().lower(), match.end()
            while end < len(source) and source[end].isspace():
                end += 1
            if end >= len(source) or source[end] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
            if not stack:
                raise EntityParseError(f'Unexpected end tag "</{name}>" at byte offset {offset}')
            top = stack.pop()
            if top.name != name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            if top.kind:
                out.close(top.kind, top.start, **top.extra)
            index = end + 1
        else:
            match = _NAME_RE.match(source, index + 1)
            assert match is not None
            name = match.group().lower()
            if name not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
            attrs, index = _parse_attrs(source, match.end(), index)
            stack.append(_open_tag(name, attrs, out, stack, offset))
        text_start = index
    out.add(source[text_start:])
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


# ---------------------------------------------------------------------- MarkdownV2

_MD2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MD2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _md2_code(source: str, index: int, out: _Builder) -> int:
    """Parse `code` or ```pre``` starting at index; return the index after it."""
    fence = "```" if source.startswith("```", index) else "`"
    start_offset = _byte_offset(source, index)
    index += len(fence)
    language = None
    if fence == "```":
        newline = source.find("\n", index)
        first_line = source[index:newline] if newline != -1 else ""
        if newline != -1 and first_line and " " not in first_line:
            language, index = first_line, newline + 1
    start = out.length
    while index < len(source):
        if source[index] == "\\" and index + 1 < len(source):
            out.add(source[index + 1])
            index += 2
        elif source.startswith(fence, index):
            extra = {"language": language} if language else {}
            out.close("pre" if fence == "```" else "code", start, **extra)
            return index + len(fence)
        else:
            out.add(source[index])
            index += 1
    kind = "Pre" if fence == "```" else "Code"
    raise EntityParseError(f"Can't find end of {kind} entity at byte offset {start_offset}")


def parse_markdown_v2(source: str) -> ParsedText:
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # marker, entity start, byte offset
    index = 0
    while index < len(source):
        char = source[index]
        offset = _byte_offset(source, index)
        if char == "\\":
            if index + 1 >= len(source) or not 0 < ord(source[index + 1]) < 127:
                raise EntityParseError(
                    "Character '\\' is reserved and must be escaped with the preceding '\\'"
                )
            out.add(source[index + 1])
            index += 2
            continue
        if char == "`":
            index = _md2_code(source, index, out)
            continue
        marker = source[index : index + 2] if source[index : index + 2] in ("__", "||") else char
        if marker in _MD2_MARKERS:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                out.close(_MD2_MARKERS[marker], start)
            else:
                stack.append((marker, out.length, offset))
            index += len(marker)
            continue
        if char == "[" or source.startswith("![", index):
            marker = "![" if char == "!" else "["
            stack.append((marker, out.length, offset))
            index += len(marker)
            continue
        if char == "]" and stack and stack[-1][0] in ("[", "![") and source.startswith("](", index):
            close = source.find(")", index + 2)
            if close == -1:
                raise EntityParseError(f"Can't find end of a URL at byte offset {offset}")
            url = source[index + 2 : close].replace("\\)", ")").replace("\\\\", "\\")
            marker, start, _ = stack.pop()
            if marker == "![":
                out.close("custom_emoji", start, custom_emoji_id=url.rpartition("id=")[2])
            else:
                out.close("text_link", start, url=url)
            index = close + 1
            continue
        if char == ">" and (index == 0 or source[index - 1] == "\n"):
            end = source.find("\n", index)
            end = len(source) if end == -1 else end
            start = out.length
            inner = parse_markdown_v2(source[index + 1 : end])
            for entity in inner.entities:
                out.entities.append({**entity, "offset": entity["offset"] + start})
            out.add(inner.text)
            out.close("blockquote", start)
            index = end
            continue
        if char in _MD2_RESERVED:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(char)
        index += 1
    if stack:
        marker, _, offset = stack[-1]
        kind = _MD2_MARKERS.get(marker) or ("custom_emoji" if marker == "![" else "text_link")
        raise EntityParseError(
            f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset {offset}"
        )
    return out.result()


def parse_formatted(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> ParsedText:
    """Visible text and entities of a message, as Telegram would store it.

    Legacy ``Markdown`` is accepted but not parsed (text is kept as sent).
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    return ParsedText(text, list(entities or []))
