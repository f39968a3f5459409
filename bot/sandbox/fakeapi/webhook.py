"""Webhook mode: POST queued updates to the URL registered with setWebhook, like Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Any

import aiohttp

from bot.sandbox.fakeapi.objects import now
from bot.sandbox.fakeapi.state import World

RETRY_DELAY = 0.5  # Telegram retries failed deliveries; this is the fake's back-off


class WebhookDelivery:
    """Background task delivering updates one by one while a webhook is set."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="fakeapi-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _has_work(self) -> bool:
        return self.world.closing or bool(self.world.webhook["url"] and self.world.updates)

    def _hook_changed(self, hook: dict[str, Any]) -> bool:
        return self.world.closing or self.world.webhook is not hook

    async def _run(self) -> None:
        world = self.world
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while not world.closing:
                if not await world.wait_for(self._has_work, 3600) or world.closing:
                    continue
                hook, update = world.webhook, world.updates[0]
                error = await self._deliver(session, hook, update)
                if error is None:
                    if world.updates and world.updates[0] is update:
                        world.updates.pop(0)
                    await world.notify()
                    continue
                hook["last_error_date"], hook["last_error_message"] = now(), error
                await world.wait_for(functools.partial(self._hook_changed, hook), RETRY_DELAY)

    @staticmethod
    async def _deliver(
        session: aiohttp.ClientSession, hook: dict[str, Any], update: dict[str, Any]
    ) -> str | None:
        """POST one update; return an error message, or None when accepted."""
        headers = {}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        try:
            async with session.post(hook["url"], json=update, headers=headers) as response:
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"Connection failed: {type(exc).__name__}: {exc}"
