"""The token is scrubbed from everything the process writes, not only from log lines."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator

import pytest

from bot.logging_setup import Scrubber, ScrubbingStream, guard_output, setup_logging

TOKEN = "123456:AAE-secret_token-PART"


@pytest.fixture
def restore_streams() -> Iterator[None]:
    out, err = sys.stdout, sys.stderr
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    sys.stdout, sys.stderr = out, err
    root.handlers[:] = handlers
    root.setLevel(level)


def test_scrubber_covers_the_token_its_quoted_form_and_its_private_part() -> None:
    scrub = Scrubber([TOKEN, "", "  "])
    assert scrub(f"http://x/bot{TOKEN}/getMe") == "http://x/bot***/getMe"
    assert scrub("bot123456%3AAAE-secret_token-PART") == "bot***"
    assert scrub("…AAE-secret_token-PART…") == "…***…"
    assert scrub("123456 is only the bot id") == "123456 is only the bot id"


def test_print_tracebacks_and_logs_go_through_the_scrubber(
    restore_streams: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging("INFO", [TOKEN])
    assert isinstance(sys.stderr, ScrubbingStream) and isinstance(sys.stdout, ScrubbingStream)
    print(f"Cannot reach http://127.0.0.1:99999/bot{TOKEN}/getMe", file=sys.stderr)
    print(f"stdout {TOKEN}")
    try:
        raise RuntimeError(f"failed: {TOKEN}")
    except RuntimeError:
        traceback.print_exc()
        logging.getLogger("x").exception("with %s", TOKEN)
    captured = capsys.readouterr()
    assert "AAE-secret" not in captured.out + captured.err
    assert captured.err.count("***") >= 4


def test_a_second_guard_replaces_the_first(
    restore_streams: None, capsys: pytest.CaptureFixture[str]
) -> None:
    guard_output(["first-secret-value"])
    guard_output(["second-secret-value"])
    assert not isinstance(sys.stderr.wrapped, ScrubbingStream)  # type: ignore[attr-defined]
    print("second-secret-value first-secret-value", file=sys.stderr)
    assert capsys.readouterr().err == "*** first-secret-value\n"
