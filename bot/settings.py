"""Bot settings read from the environment or a `.env` file (see `.env.example`)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n import LANGUAGES

DEFAULT_ISSUER = (
    "Альянс социально ориентированных НКО Тюменской области и Фонд региональных "
    "социальных программ «Наше будущее»"
)
DEFAULT_ISSUER_EN = (
    "The Alliance of Socially Oriented NGOs of the Tyumen Region and the “Our Future” "
    "Foundation for Regional Social Programmes"
)
BUNDLED_FAQ_PATH = Path(__file__).parent / "data" / "faq.yml"

_S = TypeVar("_S", bound=BaseSettings)
_OFFSET_RE = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_offset(raw: str) -> timedelta:
    """Parse one lead time such as `24h`, `90s`, `2d` or `15m`."""
    match = _OFFSET_RE.match(raw)
    if not match:
        raise ValueError(f"'{raw.strip()}' is not a lead time like 24h, 90m, 30s or 2d")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"'{raw.strip()}' must be longer than zero")
    return timedelta(seconds=seconds)


def format_offset(offset: timedelta) -> str:
    """The inverse of `parse_offset`, in the largest exact unit (used in job ids)."""
    seconds = int(offset.total_seconds())
    for unit, size in _UNIT_SECONDS.items():
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"  # pragma: no cover - the seconds unit always divides


class ReportSettings(BaseSettings):
    """What `python -m bot report` needs: the database, the time zone, the report's heading.

    The report never talks to Telegram, so it needs no BOT_TOKEN; `Settings` adds the rest.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Path("data/bot.sqlite3")
    timezone: Annotated[ZoneInfo, NoDecode] = ZoneInfo("Asia/Yekaterinburg")
    # Who issues certificates, as printed on them.
    certificate_issuer: str = Field(default=DEFAULT_ISSUER, min_length=1, max_length=300)
    # The funders' report heading: who reports, on which project, under which grant agreement.
    report_organisation: str = Field(default="", max_length=300)
    report_project: str = Field(default="", max_length=300)
    report_grant_agreement: str = Field(default="", max_length=100)
    log_level: str = "INFO"

    @field_validator("report_organisation", "report_project", "report_grant_agreement")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    # A blank value means the default; FAQ_PATH, a field of `Settings`, follows the same rule.
    @field_validator(
        "database_path", "certificate_issuer", "faq_path", mode="before", check_fields=False
    )
    @classmethod
    def _empty_is_default(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[info.field_name or ""].default
        return value

    @field_validator("timezone", mode="before")
    @classmethod
    def _parse_timezone(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return ZoneInfo(value.strip())
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"'{value}' is not an IANA time zone like Asia/Yekaterinburg"
                ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level


class Settings(ReportSettings):
    """Every setting of the bot with its default (the table in README.md)."""

    bot_token: SecretStr
    telegram_api_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    staff_chat_id: int | None = None
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = (
        timedelta(hours=24),
        timedelta(hours=1),
    )
    # After a seminar's end, when its feedback survey goes out (units as REMINDER_OFFSETS).
    feedback_delay: Annotated[timedelta, NoDecode] = timedelta(hours=2)
    # CERTIFICATE_ISSUER on certificates in English; empty: CERTIFICATE_ISSUER as written.
    certificate_issuer_en: str = Field(default="", max_length=300)
    faq_path: Path = BUNDLED_FAQ_PATH
    broadcast_rate: float = Field(default=25.0, gt=0, le=1000)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"  # behind a reverse proxy on the same machine
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    staff_language: Literal["ru", "en"] = "ru"
    checkin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    free_of_charge: bool = True

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if not token:
            raise ValueError("is required but empty: put the token from @BotFather in .env")
        if not re.fullmatch(r"\d+:[\w-]+", token):
            raise ValueError("must look like 123456789:AA... (the token from @BotFather)")
        return SecretStr(token)

    @field_validator("telegram_api_url", "webhook_url", "staff_chat_id", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _empty_secret_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("admin_ids", "checkin_ids", mode="before")
    @classmethod
    def _parse_user_ids(cls, value: object) -> object:
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            ids: set[int] = set()
            for part in value.replace(";", ",").split(","):
                part = part.strip()
                if not part:
                    continue
                if not re.fullmatch(r"-?\d+", part):
                    raise ValueError(f"'{part}' is not a Telegram user id")
                ids.add(int(part))
            return frozenset(ids)
        return value

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _parse_offsets(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.split(",") if p.strip()]
            if not parts:
                return ()
            offsets = {parse_offset(p) for p in parts}
            return tuple(sorted(offsets, reverse=True))
        return value

    @field_validator("staff_language", mode="before")
    @classmethod
    def _language_code(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or "ru"
        return value

    @field_validator("feedback_delay", mode="before")
    @classmethod
    def _parse_delay(cls, value: object) -> object:
        return parse_offset(value) if isinstance(value, str) else value

    @field_validator("staff_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        language = value.strip().lower()
        if language not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return language

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's own rule for secret_token; anything else fails setWebhook at start.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters: letters A-Z, a-z, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET must be set when WEBHOOK_URL is set")
        return self

    def issuer_in(self, lang: str) -> str:
        """Who issues certificates, as printed on one in `lang`: CERTIFICATE_ISSUER_EN in
        English if set, else the default issuer's English name if CERTIFICATE_ISSUER is the
        default, else CERTIFICATE_ISSUER as the organisers wrote it."""
        if lang != "en":
            return self.certificate_issuer
        if self.certificate_issuer_en.strip():
            return self.certificate_issuer_en.strip()
        if self.certificate_issuer == DEFAULT_ISSUER:
            return DEFAULT_ISSUER_EN
        return self.certificate_issuer

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    def can_check_in(self, user_id: int) -> bool:
        """Admins and door volunteers (CHECKIN_IDS) may mark participants as present."""
        return user_id in self.admin_ids or user_id in self.checkin_ids


class SettingsError(Exception):
    """A readable one-line description of what is wrong with the settings."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's report into one line that names the setting."""
    return _load(Settings, overrides)


def load_report_settings() -> ReportSettings:
    """The settings `python -m bot report` needs, reported like `load_settings`."""
    return _load(ReportSettings, {})


def _load(kind: type[_S], overrides: dict[str, object]) -> _S:
    try:
        return kind(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [str(part) for part in error.get("loc", ()) if part != "__root__"]
        name = location[0].upper() if location else ""
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        if error.get("type") == "missing":
            message = "is required but not set"
        text = f"{name} {message}" if name else message
        raise SettingsError(f"Invalid setting: {text}") from None
