"""What the bot keeps of text people type: no invisible format characters.

Unicode format characters (category Cf) are invisible but change how text is shown:
a right-to-left override (U+202E) makes «Иван» display as «навИ» and can reverse the
end of a line in the staff chat or a spreadsheet; zero-width spaces make two equal
names differ. They are removed from every name, organisation, question and answer when
it arrives. Kept: the zero-width joiner between two emoji (👩‍💻, ❤️‍🔥 are one picture
each) and the tag characters of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿); ordinary punctuation,
letters, digits and emoji are not format characters and are never touched.
"""

from __future__ import annotations

import unicodedata

ZWJ = "\u200d"
VARIATION_SELECTOR_16 = "\ufe0f"
BLACK_FLAG = "\U0001f3f4"
_TAGS = range(0xE0020, 0xE0080)  # tag characters and CANCEL TAG
_SKIN_TONES = range(0x1F3FB, 0x1F400)


def _is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or ord(char) in _SKIN_TONES


def _ends_emoji(kept: list[str]) -> bool:
    """The text kept so far ends with an emoji (possibly with VS16 or a skin tone)."""
    last = kept[-1] if kept else ""
    if last == VARIATION_SELECTOR_16 and len(kept) > 1:
        last = kept[-2]
    return bool(last) and _is_emoji(last)


def _in_flag_tag_run(kept: list[str]) -> bool:
    index = len(kept) - 1
    while index >= 0 and ord(kept[index]) in _TAGS:
        index -= 1
    return index >= 0 and kept[index] == BLACK_FLAG


def _keeps(char: str, kept: list[str], following: str) -> bool:
    if unicodedata.category(char) != "Cf":
        return True
    if char == ZWJ:
        return _ends_emoji(kept) and bool(following) and _is_emoji(following)
    return ord(char) in _TAGS and _in_flag_tag_run(kept)


def strip_format_characters(text: str) -> str:
    kept: list[str] = []
    for index, char in enumerate(text):
        if _keeps(char, kept, text[index + 1 : index + 2]):
            kept.append(char)
    return "".join(kept)
