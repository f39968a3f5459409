"""The sandbox's web page: static files, file downloads and one WebSocket per open tab.

The WebSocket pushes the chats whenever the fake Bot API changes and takes the
visitor's actions (write, press a button, share the contact, fast-forward the clock).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import WSMsgType, web

from bot.formatting import zone_phrase
from bot.i18n import Translator
from bot.sandbox.clock import SandboxClock
from bot.sandbox.fakeapi import FakeBotAPI, FakeUser
from bot.sandbox.people import ORGANISER, PEOPLE, STAFF_CHAT_ID, STAFF_CHAT_TITLE
from bot.sandbox.view import JsonDict, chat_view

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
STATIC_FILES = {
    "app.js": "text/javascript",
    "style.css": "text/css",
    "render.js": "text/javascript",
}
STAFF_KEY = "staff"
ANSWER_TIMEOUT = 15.0
MAX_TEXT = 4096  # what Telegram lets a user send in one message
# The fast-forward steps the page offers, in hours; anything else is refused.
FORWARD_STEPS_HOURS = frozenset({1, 6, 24, 24 * 7})
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

FastForward = Callable[[timedelta], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Seat:
    """One chat the visitor can look at, and who writes in it."""

    key: str
    title: str
    chat_id: int
    writer: FakeUser
    is_group: bool


class SandboxWeb:
    def __init__(
        self,
        api: FakeBotAPI,
        clock: SandboxClock,
        translator: Translator,
        timezone: tzinfo,
        fast_forward: FastForward,
    ) -> None:
        self._api = api
        self._clock = clock
        self._timezone = timezone
        self._translator = translator
        self._fast_forward = fast_forward
        users = {
            person.key: api.user(
                person.user_id,
                person.first_name,
                person.last_name,
                person.username,
                person.language_code,
            )
            for person in PEOPLE
        }
        api.group(STAFF_CHAT_ID, STAFF_CHAT_TITLE)
        self.seats = {
            person.key: Seat(
                person.key,
                f"{person.first_name} {person.last_name}",
                person.user_id,
                users[person.key],
                False,
            )
            for person in PEOPLE
        }
        self.seats[STAFF_KEY] = Seat(
            STAFF_KEY, STAFF_CHAT_TITLE, STAFF_CHAT_ID, users[ORGANISER.key], True
        )
        self._runner: web.AppRunner | None = None
        self._hosts: frozenset[str] = frozenset()
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ serving

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/", self._index)
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/ui/{lang}.json", self._ui_texts)
        app.router.add_get("/files/{file_id}", self._file)
        app.router.add_get("/ws", self._socket)
        return app

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port; OSError if the port is taken."""
        self._hosts = frozenset({f"{host}:{port}", f"localhost:{port}"})
        self._runner = web.AppRunner(self.application(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=False)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _guard(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        # Only this machine's names: a page elsewhere cannot reach the sandbox through a
        # DNS name that points at 127.0.0.1.
        if request.host not in self._hosts:
            raise web.HTTPMisdirectedRequest(text="the sandbox answers only on 127.0.0.1")
        response = await handler(request)
        response.headers.update(_SECURITY_HEADERS)
        return response

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    async def _static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC_FILES:
            raise web.HTTPNotFound()
        return web.FileResponse(
            STATIC_DIR / name,
            headers={"Content-Type": STATIC_FILES[name], "Cache-Control": "no-store"},
        )

    async def _ui_texts(self, request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        catalogue = self._translator.catalogues.get(lang)
        if catalogue is None:
            raise web.HTTPNotFound()
        texts = {
            key.removeprefix("sandbox."): value
            for key, value in catalogue.items()
            if key.startswith("sandbox.")
        }
        # Beside the clock, the zone as the bot names it: «по тюменскому времени (МСК+2)».
        tr = self._translator.for_language(lang)
        texts["clock_zone"] = str(zone_phrase(self._timezone, tr, self._clock()))
        return web.json_response(texts)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        stored = self._api.world.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        disposition = "inline" if stored.mime_type.startswith("image/") else "attachment"
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type,
            headers={
                "Content-Disposition": (
                    f"{disposition}; filename*=UTF-8''{quote(stored.filename, safe='')}"
                )
            },
        )

    # ------------------------------------------------------------------ the live page

    def state(self) -> JsonDict:
        chats = {}
        for seat in self.seats.values():
            view = chat_view(self._api.chat_state(seat.chat_id))
            view.update(title=seat.title, group=seat.is_group)
            for message in view["messages"]:
                message["time"] = self._shown_time(message)
            chats[seat.key] = view
        return {
            "type": "state",
            "bot_username": self._api.bot_username,
            "clock": self._clock().astimezone(self._timezone).strftime("%d.%m.%Y %H:%M"),
            "offset_minutes": int(self._clock.offset.total_seconds() // 60),
            "chats": chats,
        }

    def _shown_time(self, message: JsonDict) -> str:
        """The message's date as the server stamped it: the sandbox clock, in TIMEZONE."""
        moment = datetime.fromtimestamp(int(message["date"]), UTC)
        return moment.astimezone(self._timezone).strftime("%H:%M")

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{request.host}":
            raise web.HTTPForbidden(text="cross-origin WebSocket refused")
        ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=64 * 1024)
        await ws.prepare(request)
        pusher = asyncio.create_task(self._push(ws))
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    action = json.loads(message.data)
                except ValueError:
                    continue
                if not isinstance(action, dict):
                    continue
                try:
                    await self._act(ws, action)
                except Exception:
                    # One failed action must not close the page's connection.
                    log.exception("sandbox page action %r failed", action.get("op"))
        finally:
            pusher.cancel()
        return ws

    async def _push(self, ws: web.WebSocketResponse) -> None:
        sent = ""
        while not ws.closed:
            current = self._snapshot()
            if current != sent:
                await ws.send_str(current)
                sent = current
            await self._api.world.wait_for(self._changed_since(sent), 30.0)

    def _snapshot(self) -> str:
        return json.dumps(self.state(), ensure_ascii=False)

    def _changed_since(self, sent: str) -> Callable[[], bool]:
        return lambda: self._snapshot() != sent

    async def _act(self, ws: web.WebSocketResponse, action: dict[str, Any]) -> None:
        op = action.get("op")
        if op == "forward":
            hours = action.get("hours")
            if isinstance(hours, int) and hours in FORWARD_STEPS_HOURS:
                await self._fast_forward(timedelta(hours=hours))
            return
        seat = self.seats.get(str(action.get("chat")))
        if seat is None:
            return
        if op == "send":
            await self._send(seat, action)
        elif op == "contact" and not seat.is_group:
            person = next(p for p in PEOPLE if p.key == seat.key)
            await seat.writer.send_contact(person.phone)
        elif op == "press":
            await self._press(ws, seat, action)

    async def _send(self, seat: Seat, action: dict[str, Any]) -> None:
        text = action.get("text")
        if not isinstance(text, str) or not text.strip():
            return
        text = text[:MAX_TEXT]
        reply_to = action.get("reply_to")
        state = self._api.chat_state(seat.chat_id)
        if not isinstance(reply_to, int) or (
            reply_to not in state.user_messages and state.bot_message(reply_to) is None
        ):
            reply_to = None
        if seat.is_group:
            await seat.writer.send_in(seat.chat_id, text, reply_to_message_id=reply_to)
        elif reply_to is not None:
            await seat.writer.reply(reply_to, text)
        else:
            await seat.writer.send(text)

    async def _press(self, ws: web.WebSocketResponse, seat: Seat, action: dict[str, Any]) -> None:
        message_id, data = action.get("message_id"), action.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            return
        message = self._api.chat_state(seat.chat_id).bot_message(message_id)
        if message is None or message.deleted:
            return
        query_id = await seat.writer.press_data(data, message_id, chat_id=seat.chat_id)
        task = asyncio.create_task(self._relay_answer(ws, query_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _relay_answer(self, ws: web.WebSocketResponse, query_id: str) -> None:
        try:
            answer = await self._api.wait_callback_answer(query_id, ANSWER_TIMEOUT)
        except AssertionError:
            log.warning("callback query %s was not answered in time", query_id)
            return
        text = answer.get("text")
        if text and not ws.closed:
            popup = {"type": "answer", "text": text, "alert": bool(answer.get("show_alert"))}
            await ws.send_str(json.dumps(popup, ensure_ascii=False))
