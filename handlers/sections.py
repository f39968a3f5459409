"""Which section of the bot each button belongs to, by its callback data prefix.

An out-of-date or forged button is answered with its section's name and a way back
into that section: a main-menu button for a participant's section, the command's
screen for an organiser's. Every prefix a router defines has an entry here (a test
walks them), so a new kind of button cannot go stale without a way back.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import ADMIN_ONLY_COMMANDS, CHECKIN_COMMANDS


@dataclass(frozen=True)
class Section:
    """A participant's main-menu action, or (for organisers) the command that opens it."""

    name: str
    for_organisers: bool = False


def _menu(action: str) -> Section:
    return Section(action)


def _command(command: str) -> Section:
    return Section(command, for_organisers=True)


# The longest matching key wins: `prof:agree` (registering) before `prof` (the profile).
_SECTIONS: dict[str, Section] = {
    "sem": _menu("seminars"),
    "sems": _menu("seminars"),
    "prof:agree": _menu("seminars"),
    "prof:decline": _menu("seminars"),
    "prof": _menu("my"),
    "rem": _menu("my"),
    "tkt": _menu("my"),
    "join": _menu("my"),
    "fb": _menu("my"),
    "fbskip": _menu("my"),
    "mat_my": _menu("my"),
    "crt_my": _menu("my"),
    "forget": _menu("my"),
    "faq": _menu("faq"),
    "ask": _menu("ask"),
    "lang": _menu("language"),
    "adm_new": _command("new_seminar"),
    "adm_fmt": _command("new_seminar"),
    "adm_edit": _command("edit_seminar"),
    "adm_cancel": _command("cancel_seminar"),
    "adm_bca": _command("broadcast"),
    "adm_bcc": _command("broadcast"),
    "adm_bcs": _command("broadcast"),
    "adm_bcr": _command("broadcast"),
    "adm_exp": _command("export"),
    "adm_expall": _command("export"),
    "adm_rep": _command("report"),
    "adm_prg": _command("programmes"),
    "adm_semprg": _command("programmes"),
    "adm_fbs": _command("feedback"),
    "adm_fbp": _command("feedback"),
    "adm_fbl": _command("feedback"),
    "adm_mat": _command("materials"),
    "adm_bres:materials": _command("materials"),
    "adm_bres:certificates": _command("certificates"),
    "adm_crs": _command("certificates"),
    "adm_cri": _command("certificates"),
    "adm_crp": _command("certificates"),
    "admfm": _command("faq_misses"),
    "admqa": _command("questions"),
    "qans": _command("questions"),
    "qfaq": _command("questions"),
    "qwho": _command("questions"),
    "qdraft": _command("questions"),
    "chk": _command("checkin"),
}
MENU_ACTIONS = ("seminars", "my", "faq", "ask", "language")
# Commands an organiser's "open again" button (`open:<command>`) may run.
REOPENABLE = ADMIN_ONLY_COMMANDS + CHECKIN_COMMANDS


def section_of(data: str | None) -> Section | None:
    """The section a button's callback data belongs to; None for unknown (forged) data."""
    data = data or ""
    prefix, _, rest = data.partition(":")
    if prefix == "menu":
        return _menu(rest) if rest in MENU_ACTIONS else None
    if prefix == "open":
        return _command(rest) if rest in REOPENABLE else None
    matches = [key for key in _SECTIONS if data == key or data.startswith(key + ":")]
    return _SECTIONS[max(matches, key=len)] if matches else None
