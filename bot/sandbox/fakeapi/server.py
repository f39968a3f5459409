"""FakeBotAPI: a Telegram Bot API server on 127.0.0.1 for black-box tests of the bot.

It serves ``/bot<token>/<method>`` (query, urlencoded, multipart and JSON bodies),
validates every request against the Bot API schema, keeps a transcript of what the
bot sent per chat, simulates users (:mod:`bot.sandbox.fakeapi.users`) and can inject
failures (blocked users, vanished chats, rate limits, one-off errors).
"""

# The waits take a timeout on purpose: on expiry they fail with the chat transcript,
# which says far more than a bare TimeoutError from asyncio.timeout() around the call.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from aiohttp import BodyPartReader, web

from bot.sandbox.fakeapi.errors import ApiError, bad_request, unauthorized
from bot.sandbox.fakeapi.faults import SENDING_METHODS, FailureQueue, Outage, RateLimiter
from bot.sandbox.fakeapi.methods import Methods
from bot.sandbox.fakeapi.objects import bot_user_dict, group_chat_dict
from bot.sandbox.fakeapi.objects import now as real_now
from bot.sandbox.fakeapi.schema import Schema, load_schema
from bot.sandbox.fakeapi.state import BotMessage, ChatState, World
from bot.sandbox.fakeapi.users import FakeGroup, FakeUser
from bot.sandbox.fakeapi.validation import UploadedFile, validate_request
from bot.sandbox.fakeapi.webhook import WebhookDelivery

logger = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456:TEST-token_ABCdef"
DEFAULT_TIMEOUT = 10.0
_TRANSCRIPT_TAIL = 15


class RecordedRequest(NamedTuple):
    """An accepted request: ``for method, params in api.requests``."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    """A request answered with an error."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
    injected: bool  # caused on purpose by the test (block, rate limit, fail_next)

    def __str__(self) -> str:
        shown = {k: v for k, v in self.params.items() if not isinstance(v, UploadedFile)}
        return f"{self.method} -> {self.status} {self.description!r} params={shown}"


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if not request.can_read_body:
        return raw, files
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON request body must be an object")
        raw.update(body)
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                files[part.name] = UploadedFile(
                    part.filename, bytes(await part.read()), content_type
                )
            else:
                raw[part.name] = await part.text()
    else:
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    return raw, files


class FakeBotAPI:
    """The fake server. ``async with FakeBotAPI() as api: ...`` or start()/stop()."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "seminar_test_bot",
        bot_first_name: str = "Seminar Test Bot",
        host: str = "127.0.0.1",
        schema: Schema | None = None,
        clock: Callable[[], int] = real_now,
    ) -> None:
        self.token = token
        self.host = host
        self.port = 0
        self.schema = schema or load_schema()
        self.bot_user = bot_user_dict(int(token.split(":")[0]), bot_first_name, bot_username)
        self.world = World(clock)
        self.methods = Methods(self.world, self.bot_user)
        self.requests: list[RecordedRequest] = []
        self.rejected: list[Rejection] = []
        self.count_429 = 0
        self._limiter = RateLimiter()
        self._failures = FailureQueue()
        self._outage = Outage()
        self.latency = 0.0
        # Called with (method, params) right after a request is recorded, before the answer;
        # e.g. to SIGKILL the bot while the request it just made is still unanswered.
        self.on_record: Callable[[str, dict[str, Any]], None] | None = None
        self._webhook = WebhookDelivery(self.world)
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """For ``TELEGRAM_API_URL`` / ``TelegramAPIServer.from_base``."""
        return f"http://{self.host}:{self.port}"

    @property
    def bot_username(self) -> str:
        return str(self.bot_user["username"])

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation: a long poll whose client went away (bot stopped or killed)
        # ends at once, as on Telegram, instead of lingering and answering 409 to nobody.
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=2.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._webhook.start()

    async def stop(self) -> None:
        self.world.closing = True
        await self.world.notify()  # ends pending long polls at once
        await self._webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw: dict[str, Any] = {}
        try:
            raw, files = await _read_params(request)
            if request.match_info["token"] != self.token:
                raise unauthorized()
            result = await self._call(method, raw, files)
        except ApiError as error:
            return await self._refuse(method, raw, error)
        except Exception as exc:  # a bug in the fake itself: make it loud, not a hang
            logger.exception("fake Bot API failed on %s", method)
            bug = ApiError(500, f"Internal Server Error: fake Bot API bug: {exc!r}")
            return await self._refuse(method, raw, bug)
        return web.json_response({"ok": True, "result": result})

    async def _refuse(self, method: str, raw: dict[str, Any], error: ApiError) -> web.Response:
        if error.status == 429:
            self.count_429 += 1
        self.rejected.append(
            Rejection(method, raw, error.status, error.description, error.injected)
        )
        await self.world.notify()
        return web.json_response(error.payload(), status=error.status)

    async def _call(self, method: str, raw: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        request = validate_request(method, raw, files, self.schema)
        name, params = request.method, request.params
        injected = self._failures.take(name)
        if injected is not None:
            raise injected
        if name in SENDING_METHODS:
            now = asyncio.get_running_loop().time()
            self._outage.check(now)
            self._limiter.acquire(now)
        if name == "getUpdates":  # recorded before it blocks, so tests see the poll start
            await self._record(name, params)
        handler = self.methods.handlers.get(name)
        spec = self.schema.methods[name]
        result = await (handler(params) if handler else self.methods.default_result(spec, params))
        if name != "getUpdates":
            await self._record(name, params)
        if name in SENDING_METHODS and self.latency:
            await asyncio.sleep(self.latency)  # delivered; the answer is on its way
        return result

    async def _record(self, method: str, params: dict[str, Any]) -> None:
        self.requests.append(RecordedRequest(method, params))
        if self.on_record is not None:
            self.on_record(method, params)
        await self.world.notify()

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(unauthorized().payload(), status=401)
        file_id = request.match_info["path"].split("/")[1:2]
        stored = self.world.files.get(file_id[0]) if file_id else None
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # ------------------------------------------------------------------ chats and users

    def user(
        self,
        user_id: int = 1001,
        first_name: str = "Anna",
        last_name: str | None = None,
        username: str | None = "anna",
        language_code: str | None = "ru",
    ) -> FakeUser:
        """A simulated user with a private chat with the bot."""
        user = FakeUser(self, user_id, first_name, last_name, username, language_code)
        existing = self.world.chats.get(user_id)
        if existing is None:
            self.world.chats[user_id] = ChatState(user.private_chat())
        else:
            existing.chat.update(user.private_chat())
        return user

    def group(self, chat_id: int = -1001234, title: str = "Staff") -> FakeGroup:
        """A group chat the bot is a member of (it sees every message in it)."""
        if chat_id not in self.world.chats:
            self.world.chats[chat_id] = ChatState(group_chat_dict(chat_id, title))
        return FakeGroup(self, chat_id)

    def chat_state(self, chat_id: int) -> ChatState:
        state = self.world.chats.get(chat_id)
        if state is None:
            raise AssertionError(f"chat {chat_id} is not known to the fake API")
        return state

    def messages(self, chat_id: int) -> list[BotMessage]:
        """Everything the bot sent to the chat, oldest first (deleted ones included)."""
        return list(self.chat_state(chat_id).transcript)

    def message(self, chat_id: int, message_id: int) -> BotMessage:
        found = self.chat_state(chat_id).bot_message(message_id)
        if found is None:
            raise AssertionError(f"the bot sent no message {message_id} to chat {chat_id}")
        return found

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The commands set with setMyCommands for that scope (default scope if None)."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return list(self.world.commands.get((key, language_code), []))

    # ------------------------------------------------------------------ updates

    def make_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Build an Update (next update_id) without queuing it, e.g. to POST to a webhook."""
        return self.world.make_update(kind, payload)

    async def deliver(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates or webhook delivery."""
        self.world.enqueue(update)
        await self.world.notify()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.world.updates)

    # ------------------------------------------------------------------ failure injection

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them get 403 until unblock() or they write."""
        self.chat_state(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self.chat_state(user_id).blocked = False

    def chat_gone(self, chat_id: int) -> None:
        """The chat disappears (deleted account): every call for it gets 400 chat not found."""
        self.chat_state(chat_id).gone = True

    def set_rate_limit(self, per_second: float | None) -> None:
        """Global limit on sending methods; None removes it. Over it: 429, not delivered."""
        self._limiter.configure(per_second)

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        times: int = 1,
        *,
        retry_after: int | None = None,
    ) -> None:
        """The next ``times`` valid calls of ``method`` fail with this error."""
        self._failures.add(method, status, description, times, retry_after)

    def fail_for(
        self, seconds: float, status: int = 500, description: str = "Internal Server Error"
    ) -> None:
        """An outage: every sending call fails with ``status`` for the next ``seconds``."""
        self._outage.start(asyncio.get_running_loop().time() + seconds, status, description)

    def assert_no_rejections(self, *, include_injected: bool = False) -> None:
        """Fail if the server refused a request it was not told to refuse."""
        bad = [r for r in self.rejected if include_injected or not r.injected]
        if bad:
            listing = "\n".join(f"  {r}" for r in bad)
            raise AssertionError(f"the fake Bot API refused {len(bad)} request(s):\n{listing}")

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every accepted call of ``method``."""
        return [params for name, params in self.requests if name == method]

    # ------------------------------------------------------------------ waiting

    def transcript_text(self, chat_id: int, tail: int = _TRANSCRIPT_TAIL) -> str:
        state = self.world.chats.get(chat_id)
        if state is None or not state.transcript:
            return "  (the bot sent nothing to this chat)"
        lines = []
        for message in state.transcript[-tail:]:
            mark = "read" if message.message_id in state.consumed else "new "
            lines.append(f"  [{mark}] {message.summary()}")
        return "\n".join(lines)

    async def wait_message(
        self,
        chat_id: int,
        contains: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> BotMessage:
        """The oldest bot message in the chat not returned before that matches; marks it read.

        Non-matching messages stay unread for later waits.
        """
        state = self.chat_state(chat_id)

        def find() -> BotMessage | None:
            for message in state.transcript:
                if message.message_id in state.consumed:
                    continue
                if contains is not None and not message.contains(contains):
                    continue
                if predicate is None or predicate(message):
                    return message
            return None

        found = await self.world.wait_for(find, timeout)
        if found is None:
            wanted = f"containing {contains!r}" if contains is not None else "(any)"
            raise AssertionError(
                f"no new bot message {wanted} in chat {chat_id} within {timeout}s; "
                f"recent transcript:\n{self.transcript_text(chat_id)}"
                f"{self._rejections_hint()}"
            )
        state.consumed.add(found.message_id)
        return found

    async def wait_edit(
        self, chat_id: int, message_id: int, contains: str, timeout: float = DEFAULT_TIMEOUT
    ) -> BotMessage:
        """Wait until that message's current text contains ``contains``."""
        message = self.message(chat_id, message_id)
        if await self.world.wait_for(lambda: message.contains(contains), timeout) is None:
            raise AssertionError(
                f"message {message_id} in chat {chat_id} never contained {contains!r} "
                f"within {timeout}s; versions: {message.history}{self._rejections_hint()}"
            )
        return message

    async def wait_callback_answer(
        self, callback_query_id: str, timeout: float = DEFAULT_TIMEOUT
    ) -> dict[str, Any]:
        """The answerCallbackQuery parameters (text, show_alert, ...) for that query."""
        query = self.world.callback_queries.get(callback_query_id)
        if query is None:
            raise AssertionError(f"unknown callback query {callback_query_id!r}")
        answer = await self.world.wait_for(lambda: query.answer, timeout)
        if answer is None:
            raise AssertionError(
                f"callback query {callback_query_id} (data {query.data!r}) was not answered "
                f"within {timeout}s{self._rejections_hint()}"
            )
        return answer

    async def wait_request(
        self,
        method: str,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """The first accepted ``method`` request at index >= ``since`` matching ``predicate``."""

        def find() -> RecordedRequest | None:
            for recorded in self.requests[since:]:
                if recorded.method == method and (predicate is None or predicate(recorded.params)):
                    return recorded
            return None

        found = await self.world.wait_for(find, timeout)
        if found is None:
            seen = sorted({name for name, _ in self.requests[since:]})
            raise AssertionError(
                f"no {method} request within {timeout}s; methods seen: {seen}"
                f"{self._rejections_hint()}"
            )
        return found

    def _rejections_hint(self) -> str:
        if not self.rejected:
            return ""
        listing = "\n".join(f"  {r}" for r in self.rejected[-5:])
        return f"\nrecent refused requests:\n{listing}"
