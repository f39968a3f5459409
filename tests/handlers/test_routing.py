"""Every filter and handler runs on the event loop.

aiogram runs a plain (non-async) callable through `asyncio.to_thread`: a thread hop
for every handler tried. Bare `F` filters and bare `State` objects are such
callables; `handlers.filters.Magic` and `StateFilter` are not.
"""

from __future__ import annotations

from handlers import get_routers


def test_no_filter_or_handler_runs_in_a_thread() -> None:
    sync = [
        f"{router.name}.{event}: {handler.callback} / {item.callback}"
        for router in get_routers()
        for event, observer in router.observers.items()
        for handler in observer.handlers
        for item in [handler, *(handler.filters or [])]
        if not item.awaitable
    ]
    assert sync == []
