"""Configuration: a TOML file, every key overridable by `HEMEI_SECTION__KEY` variables.

`load_config(path, environ)` takes the environment as an argument so tests pass a
dict; nothing is read at import time. A bad value raises `ConfigError` naming
the key; the CLI prints it and exits with status 2. Secrets never appear in it.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError
from pydantic_settings.sources.utils import parse_env_vars

from bot.environment import json_problems
from bot.holidays import official_calendar
from bot.wechat.settings import WechatSettings
from storage.database import MAX_OVERFLOW, POOL_SIZE, POOL_TIMEOUT
from village.routing import Prefer
from village.settings import VillageSettings
from village.workdays import WorkCalendar

ENV_PREFIX = "HEMEI_"
DEFAULT_DB_FILE = "hemei.db"
DEFAULT_MEDIA_DIR = "media"


class ConfigError(Exception):
    """The configuration is invalid; the message names each bad key."""


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WebhookSettings(_Section):
    """Where Telegram posts updates in webhook mode."""

    listen: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    url: str = ""
    path: str = "telegram"
    secret: SecretStr = SecretStr("")
    # Telegram's post waits for the update's work to be committed up to this long, then gets 503 and comes
    # again (stay well below Telegram's own timeout for an answer).
    answer_seconds: float = Field(default=25, gt=0, le=50)


# Telegram allows 1-256 of these characters; we want enough of them that guessing is hopeless.
WEBHOOK_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]+")
WEBHOOK_SECRET_MIN = 32
WEBHOOK_SECRET_MAX = 256
MAKE_SECRET = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


class TelegramSettings(_Section):
    """The bot's account and the Bot API server it talks to."""

    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    bot_username: str = ""
    max_per_second: float = Field(default=30, gt=0, le=1000)
    # Telegram's limit in one chat: about one message a second, with short bursts.
    chat_per_second: float = Field(default=1, gt=0, le=1000)
    chat_burst: int = Field(default=3, ge=1, le=100)
    # Updates handled at once (of different people; one person's always in order). 1: one at a time.
    concurrent_updates: int = Field(default=1, ge=1, le=256)
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookSettings = WebhookSettings()

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> TelegramSettings:
        """Without a secret anyone could post updates as any user, e.g. a cadre approving a stranger."""
        secret = self.webhook.secret.get_secret_value()
        if self.mode != "webhook" or (WEBHOOK_SECRET_MIN <= len(secret) <= WEBHOOK_SECRET_MAX
                                      and WEBHOOK_SECRET_CHARS.fullmatch(secret)):
            return self
        raise ValueError(f"webhook.secret must be {WEBHOOK_SECRET_MIN} to {WEBHOOK_SECRET_MAX} letters, digits, "
                         f"_ or - in webhook mode (make one with {MAKE_SECRET})")


class DatabaseSettings(_Section):
    """Where the data lives; empty means a SQLite file beside the config file."""

    url: str = ""
    pool_size: int = Field(default=POOL_SIZE, ge=1)  # connections kept open
    max_overflow: int = Field(default=MAX_OVERFLOW, ge=0)  # more opened under load; steps at once follow the sum
    pool_timeout: float = Field(default=POOL_TIMEOUT, gt=0)  # seconds to wait for a free connection


class OutboxSettings(_Section):
    """Pacing of queued messages.

    `budget` (the default): one budget of `telegram.max_per_second` shared by priority, replies
    first, broadcasts taking what is left. `fixed`: the outbox keeps to `rate_per_second`, below
    Telegram's rate, and replies have the rest (the pacing before the budget).
    """

    pacing: Literal["budget", "fixed"] = "budget"
    rate_per_second: float = Field(default=20, gt=0, le=1000)
    max_in_flight: int = Field(default=8, ge=1, le=100)
    max_attempts: int = Field(default=6, ge=1, le=50)
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # An important message kept for the person's return goes on the cadres' follow-up list after this long.
    follow_up_after_hours: float = Field(default=24, gt=0, le=24 * 30)


class RoutingSettings(_Section):
    """Which account a person's messages go to when they joined on Telegram and on WeChat.

    `last_used` (the default): the channel they last wrote from; `telegram` or `wechat`: that one
    while it can reach them. Either way the other takes over when one cannot (blocked, unfollowed).
    """

    prefer: Prefer = Prefer.LAST_USED


class ReplySettings(_Section):
    """Direct replies: retries on a transient failure, before the outbox takes them over."""

    attempts: int = Field(default=4, ge=1, le=10)
    backoff_seconds: float = Field(default=0.5, gt=0, le=30)
    max_wait_seconds: float = Field(default=10, ge=0, le=300)


class SchedulerSettings(_Section):
    """How late a missed run may still be caught up (after downtime), in hours."""

    misfire_grace_hours: float = Field(default=12, gt=0, le=24 * 7)


class FontSettings(_Section):
    """A font file able to draw Chinese, for images; empty means search the system."""

    cjk_path: str = ""


class LoggingSettings(_Section):
    """Log verbosity and line format."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"


class MetricsSettings(_Section):
    """Where /healthz and /metrics are served besides the webhook's port (polling mode, the leader)."""

    listen: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)  # 0: only on the webhook server, if any


class Config(BaseSettings, VillageSettings):
    """The whole configuration."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", frozen=True, extra="forbid", case_sensitive=False,
    )

    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    outbox: OutboxSettings = OutboxSettings()
    routing: RoutingSettings = RoutingSettings()
    replies: ReplySettings = ReplySettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    logging: LoggingSettings = LoggingSettings()
    metrics: MetricsSettings = MetricsSettings()
    fonts: FontSettings = FontSettings()
    wechat: WechatSettings = WechatSettings()
    schedules: dict[str, str] = Field(default_factory=dict)

    @property
    def follow_up_after(self) -> timedelta:
        """Return `outbox.follow_up_after_hours` as a duration, for the cadres' follow-up list."""
        return timedelta(hours=self.outbox.follow_up_after_hours)

    @property
    def bot_username(self) -> str:
        """Return `telegram.bot_username` without a leading @, for the family invite's deep link."""
        return self.telegram.bot_username.lstrip("@")

    @property
    def wechat_enabled(self) -> bool:
        """Tell whether the WeChat channel is configured, so invites also say how to use them there."""
        return self.wechat.enabled

    def work_calendar(self) -> WorkCalendar:
        """Return the working days deadlines count: the official calendar (调休 included) and local holidays."""
        return official_calendar().with_holidays(self.reports.local_holidays)

    @model_validator(mode="after")
    def _leave_room_for_replies(self) -> Config:
        if self.outbox.pacing == "fixed" and self.outbox.rate_per_second >= self.telegram.max_per_second:
            raise ValueError("outbox.rate_per_second must stay below telegram.max_per_second with "
                             'outbox.pacing = "fixed", or replies to residents would queue behind broadcasts')
        return self

    def ignored_keys(self) -> list[str]:
        """Name the keys set but without effect: a fixed outbox rate from a config older than the budget."""
        written = self.outbox.model_fields_set
        if "rate_per_second" in written and "pacing" not in written:
            return ['outbox.rate_per_second is ignored: outbox.pacing = "budget" gives the outbox whatever '
                    'replies leave of telegram.max_per_second; remove the key, or set outbox.pacing = "fixed" '
                    "to keep a fixed rate"]
        return []

    @field_validator("schedules")
    @classmethod
    def _check_schedules(cls, value: dict[str, str]) -> dict[str, str]:
        from handlers.registry import job_names  # the registry imports every feature; load it late

        for name, cron in value.items():
            if name not in job_names():
                raise ValueError(f"unknown job {name!r}; known jobs: {', '.join(sorted(job_names()))}")
            try:
                CronTrigger.from_crontab(cron)
            except ValueError as error:
                raise ValueError(f"{name}: bad cron string {cron!r} ({error})") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read the given environment (not os.environ) over the file's values."""
        return (_GivenEnvironment(settings_cls), init_settings)


_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("hemei_environ", default=None)


class _GivenEnvironment(EnvSettingsSource):
    """pydantic-settings' environment source, reading the mapping passed to `load_config`."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(_ENVIRON.get() or {}, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)


def load_config(path: str | Path | None, environ: Mapping[str, str]) -> Config:
    """Load the configuration from `path` (or `$HEMEI_CONFIG`), overridden by `environ`.

    Raises:
        ConfigError: the file cannot be read, or a key is invalid.
    """
    path = path or environ.get("HEMEI_CONFIG") or None
    data = _read_toml(Path(path)) if path else {}
    overrides = {k: v for k, v in environ.items() if k.upper() != "HEMEI_CONFIG"}
    problems = json_problems(overrides, Config)
    if problems:
        raise ConfigError("\n".join(["invalid configuration in the environment:", *problems]))
    token = _ENVIRON.set(overrides)
    try:
        config = Config(**data)
    except ValidationError as error:
        raise ConfigError(_describe(error, path)) from None
    except SettingsError as error:  # a variable pydantic-settings could not parse; it names the key
        raise ConfigError(f"invalid configuration in the environment: {error}") from None
    finally:
        _ENVIRON.reset(token)
    return _with_default_paths(config, Path(path).resolve().parent if path else Path.cwd())


def _with_default_paths(config: Config, folder: Path) -> Config:
    """Put the database file and the media folder beside the config file unless configured."""
    updates: dict[str, Any] = {}
    if not config.database.url:
        updates["database"] = DatabaseSettings(url=sqlite_url(folder / DEFAULT_DB_FILE))
    if not config.media.dir:
        updates["media"] = config.media.model_copy(update={"dir": str(folder / DEFAULT_MEDIA_DIR)})
    return config.model_copy(update=updates) if updates else config


def sqlite_url(path: Path) -> str:
    """Return the async SQLAlchemy URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_decode(path.read_bytes(), path))
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _decode(raw: bytes, path: Path) -> str:
    """Return the file's text: UTF-8, with or without a BOM, or UTF-16 with one (Notepad's "Unicode")."""
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start} cannot be read); "
                          "save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)") from None


def _describe(error: ValidationError, path: str | Path | None) -> str:
    """List each bad key and why, never the value (it may be a secret)."""
    where = f" in {path}" if path else ""
    lines = [f"invalid configuration{where}:"]
    for problem in error.errors(include_input=False, include_url=False):
        key = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        lines.append(f"  {key}: {problem['msg']}")
    return "\n".join(lines)
