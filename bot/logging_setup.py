"""Logging set-up, and the secrets scrubbed from everything the process prints.

`guard_output` wraps stdout and stderr, so a log line, a traceback, a `print` or a
library's warning all pass through the same scrubber; `main` calls it before the
settings are even read.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote


class Scrubber:
    """Replaces each secret, also URL-quoted and the token's part after the colon, with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            secret = secret.strip()
            if not secret:
                continue
            forms.update({secret, quote(secret, safe="")})
            _, colon, private = secret.partition(":")
            if colon and len(private) >= 8:
                forms.add(private)
        # Longest first, so the whole token goes before its private part.
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, "***")
        return text


class ScrubbingStream:
    """A text stream that scrubs what is written before passing it on."""

    def __init__(self, stream: TextIO, scrub: Scrubber) -> None:
        self.wrapped = stream
        self.scrub = scrub

    def write(self, text: str) -> int:
        self.wrapped.write(self.scrub(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def _unwrapped(stream: TextIO) -> TextIO:
    return stream.wrapped if isinstance(stream, ScrubbingStream) else stream


def guard_output(secrets: Iterable[str]) -> Scrubber:
    """From now on stdout and stderr scrub `secrets` (replacing an earlier guard)."""
    scrub = Scrubber(secrets)
    sys.stdout = ScrubbingStream(_unwrapped(sys.stdout), scrub)
    sys.stderr = ScrubbingStream(_unwrapped(sys.stderr), scrub)
    return scrub


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, scrub: Scrubber) -> None:
        super().__init__(fmt)
        self._scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        return self._scrub(super().format(record))


def setup_logging(level: str, secrets: list[str]) -> None:
    scrub = guard_output(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", scrub)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram logs its own line per update; ours carries the user id and handler instead.
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    logging.getLogger("aiogram.middlewares").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite's DEBUG lines carry every SQL parameter: names and phones must not reach logs.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    # One line per webhook request would let anyone who can reach the port fill the log.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
