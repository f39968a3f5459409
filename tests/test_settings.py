"""Settings: defaults, parsing of lists and lead times, one-line errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.settings import (
    BUNDLED_FAQ_PATH,
    SettingsError,
    load_report_settings,
    load_settings,
    parse_offset,
)

TOKEN = "123456:TEST-token"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No .env from the developer's checkout may leak into these tests.
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "ADMIN_IDS", "TIMEZONE", "REMINDER_OFFSETS", "FAQ_PATH"):
        monkeypatch.delenv(name, raising=False)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.bot_token.get_secret_value() == TOKEN
    assert settings.database_path == Path("data/bot.sqlite3")
    assert settings.admin_ids == frozenset()
    assert settings.staff_chat_id is None
    assert str(settings.timezone) == "Asia/Yekaterinburg"
    assert settings.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert settings.faq_path == BUNDLED_FAQ_PATH
    assert settings.broadcast_rate == 25
    assert settings.webhook_url is None
    assert settings.webhook_host == "127.0.0.1"  # behind a reverse proxy, never open to all
    assert settings.log_level == "INFO"
    assert settings.staff_language == "ru"


def test_staff_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("STAFF_LANGUAGE", " EN ")
    assert load_settings().staff_language == "en"
    monkeypatch.setenv("STAFF_LANGUAGE", "de")
    with pytest.raises(SettingsError, match="STAFF_LANGUAGE"):
        load_settings()


def test_lists_and_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ADMIN_IDS", " 10, 20 ,")
    monkeypatch.setenv("REMINDER_OFFSETS", "90s,2d,1m")
    monkeypatch.setenv("FAQ_PATH", "")
    settings = load_settings()
    assert settings.admin_ids == frozenset({10, 20})
    assert settings.reminder_offsets == (
        timedelta(days=2),
        timedelta(seconds=90),
        timedelta(minutes=1),
    )
    assert settings.faq_path == BUNDLED_FAQ_PATH


def test_token_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    assert TOKEN not in repr(load_settings())


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": ""}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "not a token"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "1,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "REMINDER_OFFSETS": "24x"}, "REMINDER_OFFSETS"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "0"}, "BROADCAST_RATE"),
        ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://example.org/hook"}, "WEBHOOK_SECRET"),
        ({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_invalid_settings_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert named in message
    assert "\n" not in message


def test_the_report_needs_no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`python -m bot report` never talks to Telegram: no BOT_TOKEN, bot-only settings unread."""
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    monkeypatch.setenv("TIMEZONE", "Europe/Moscow")
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/hook")  # no secret: the bot refuses
    settings = load_report_settings()
    assert settings.database_path == tmp_path / "bot.sqlite3"
    assert str(settings.timezone) == "Europe/Moscow"
    monkeypatch.setenv("TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError) as error:
        load_report_settings()
    assert str(error.value) == (
        "Invalid setting: TIMEZONE 'Mars/Olympus' is not an IANA time zone like Asia/Yekaterinburg"
    )


@pytest.mark.parametrize(
    ("raw", "seconds"), [("24h", 86400), ("90s", 90), ("2d", 172800), ("15m", 900)]
)
def test_parse_offset(raw: str, seconds: int) -> None:
    assert parse_offset(raw).total_seconds() == seconds


@pytest.mark.parametrize("raw", ["", "0h", "h", "1.5h", "-1h", "1w"])
def test_parse_offset_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_offset(raw)
