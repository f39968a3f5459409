"""Answering a button press with a pop-up or a toast, through aiogram's CallbackAnswer."""

from __future__ import annotations

from aiogram.utils.callback_answer import CallbackAnswer


def alert(callback_answer: CallbackAnswer, text: str) -> None:
    """The press is answered once (by the middleware) with `text` as a pop-up."""
    callback_answer.text = text
    callback_answer.show_alert = True


def toast(callback_answer: CallbackAnswer, text: str) -> None:
    """The press is answered once (by the middleware) with `text` as a brief notice."""
    callback_answer.text = text
    callback_answer.show_alert = False
