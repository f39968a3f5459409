"""Every handler of every router: at most six injected parameters, each one something the app
provides. A handler asking for a name nobody provides would fail only when its update comes."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from aiogram import Router
from aiogram.dispatcher.event.handler import HandlerObject

from bot.app import App
from handlers import get_routers

MAX_INJECTED = 6
# What aiogram and the middlewares add per update, besides the app's handler data.
PER_UPDATE = {
    "bot",
    "state",
    "user",
    "repos",
    "tr",
    "ctx",
    "is_admin",
    "trace",  # the UpdateTrace of bot.middlewares.UpdateLogMiddleware
    "callback_answer",
    "callback_data",  # filled in by a CallbackData filter
    "command",  # filled in by a Command filter
    "question_id",  # filled in by the RepliesToQuestion filter
    "dispatcher",  # aiogram's own, for a handler that passes an event on (handlers.stale)
}


def _handlers(router: Router) -> Iterator[HandlerObject]:
    for observer in router.observers.values():
        yield from observer.handlers
    for sub_router in router.sub_routers:
        yield from _handlers(sub_router)


def _injected(handler: HandlerObject) -> list[str]:
    """Named parameters after the event; `**data` (everything, passed on) is not one."""
    parameters = list(inspect.signature(handler.callback).parameters.values())[1:]
    return [p.name for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD]


def _name(handler: HandlerObject) -> str:
    return f"{handler.callback.__module__}.{handler.callback.__qualname__}"


def test_no_handler_takes_more_than_six_injected_parameters() -> None:
    crowded = {
        _name(handler): len(_injected(handler))
        for router in get_routers()
        for handler in _handlers(router)
        if len(_injected(handler)) > MAX_INJECTED
    }
    assert crowded == {}


def test_every_injected_parameter_is_provided(app: App) -> None:
    provided = PER_UPDATE | set(app.dispatcher.workflow_data)
    missing = {
        _name(handler): sorted(set(_injected(handler)) - provided)
        for router in get_routers()
        for handler in _handlers(router)
        if set(_injected(handler)) - provided
    }
    assert missing == {}
