"""Every setting the system reads, in one place.

Settings are read once, explicitly, by the app factory, the worker start-up or
a CLI command: never at import time. The README's settings table mirrors
`SETTINGS_HELP` below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from alerts.core.db.timeouts import DatabaseTimeouts
from alerts.core.domain.health import HealthBounds
from alerts.core.domain.rates import Rate, parse_rate


class SettingsError(ValueError):
    """A setting is missing or malformed. The message says which and how to fix it."""


# Twilio's test-credential shape: "AC" plus 32 hex digits. Used only with the sandbox.
SANDBOX_ACCOUNT_SID = "AC" + "0" * 32
SANDBOX_AUTH_TOKEN = "sandbox-auth-token"

# Enough for a shift's call-backs; a trawl through the informants stops at the eleventh.
DEFAULT_REVEAL_LIMIT = Rate(10, timedelta(hours=1))

SETTINGS_HELP: dict[str, str] = {
    "ALERTS_DATABASE_URL": "SQLAlchemy URL of the database (SQLite file or PostgreSQL).",
    "ALERTS_REDIS_URL": "Redis URL for the RQ queues.",
    "ALERTS_PUBLIC_URL": "External base URL Twilio calls and signs, e.g. https://alerts.example.org.",
    "TWILIO_ACCOUNT_SID": "Twilio account SID.",
    "TWILIO_AUTH_TOKEN": "Twilio auth token: signs webhooks and authenticates API calls.",
    "TWILIO_API_BASE": "Unset: real Twilio. A URL: the local Twilio sandbox at that address.",
    "ALERTS_SMS_FROM": "The alert number (E.164) outgoing SMS are sent from.",
    "ALERTS_SECRET_KEY": "Flask session signing key. Required by the web app.",
    "ALERTS_DATA_KEY": "Secret that encrypts informant numbers and keys their lookup hash. "
    "Losing it makes stored numbers unreadable.",
    "ALERTS_DATA_KEY_PREVIOUS": "During a key rotation only: the data key(s) being replaced, "
    "comma-separated. They still decrypt and find numbers until `alerts keys rotate` is done.",
    "ALERTS_NUMBER_RETENTION_DAYS": "An unregistered sender silent this many days has their "
    "number erased (not while in an open incident); the pseudonym stays.",
    "ALERTS_LOG_KEY": "Ed25519 key (base64 of its 32-byte seed) that signs the log's tree heads; "
    "`alerts keys generate --log` makes one. Needed by the scheduler.",
    "ALERTS_SMS_AUTO_REPLY": "Reply to informants with a reference (1) or stay silent (0).",
    "ALERTS_DEFAULT_LANGUAGE": "Language for unregistered senders (fr, en, sw, ln).",
    "ALERTS_SAME_SENDER_WINDOW_S": "A sender's repeat within this many seconds joins their "
    "open incident.",
    "ALERTS_MAX_REQUEST_BYTES": "Larger webhook posts are refused with 413.",
    "ALERTS_LOG_LEVEL": "Python log level name.",
    "ALERTS_CORRELATION_FILE": "YAML of correlation rules (windows per threat type, ...); "
    "built-in defaults if the file is absent.",
    "ALERTS_DUPLICATE_WINDOW_S": "The same sender's same text within this many seconds is a "
    "duplicate: kept and linked, no second report.",
    "ALERTS_KEYWORDS_DIR": "Folder of the threat keyword lists (one YAML per language).",
    "ALERTS_GEOCODER_URL": "Unset: no online geocoder. A URL: a self-hosted Nominatim or Photon, "
    "tried last for alerts nothing else could locate.",
    "ALERTS_GEOCODER_KIND": "nominatim or photon.",
    "ALERTS_GEOCODER_TIMEOUT_S": "Seconds before a geocoder lookup is abandoned.",
    "ALERTS_GEOCODER_MIN_INTERVAL_S": "Seconds between geocoder lookups (rate limit).",
    "ALERTS_COOKIE_SECURE": "Console cookies only over HTTPS (1), or also over plain HTTP (0, "
    "local use only).",
    "ALERTS_SESSION_IDLE_MIN": "A console session with no request for this many minutes ends.",
    "ALERTS_LOGIN_LIMIT": "Failed console logins allowed per account and address, e.g. "
    "'5 per 15 minutes' (per address over all accounts: ten times that).",
    "ALERTS_REVEAL_LIMIT": "Informant numbers one console user may reveal in a sliding window, "
    "e.g. '10 per hour'; one more is refused, and the refusal is an event.",
    "ALERTS_PROXY_HOPS": "How many reverse proxies in front of the app to trust for the client's "
    "address and scheme (X-Forwarded-For, X-Forwarded-Proto); 0: none, the app faces clients.",
    "ALERTS_TILE_URL": "Unset: a plain map with the mission's places. A URL template such as "
    "https://tiles.example.org/{z}/{x}/{y}.png: a (self-hosted) tile server.",
    "ALERTS_TILE_ATTRIBUTION": "Attribution text shown on the map for ALERTS_TILE_URL's tiles.",
    "ALERTS_DB_STATEMENT_TIMEOUT_MS": "PostgreSQL: a statement is cancelled after this many ms "
    "(0: never).",
    "ALERTS_DB_LOCK_TIMEOUT_MS": "PostgreSQL: waiting for a lock fails after this many ms, so a "
    "stalled transaction elsewhere costs a retry, not a hang.",
    "ALERTS_DB_IDLE_TX_TIMEOUT_MS": "PostgreSQL: a session idle inside a transaction this many ms "
    "is ended, releasing its locks.",
    "ALERTS_DB_CONNECT_TIMEOUT_S": "PostgreSQL: opening a connection gives up after this.",
    "ALERTS_DB_KEEPALIVE_IDLE_S": "PostgreSQL: TCP keepalives probe a silent connection after "
    "this many seconds (then 3 probes 10 s apart), so a vanished host is noticed.",
    "ALERTS_REPROCESS_AFTER_S": "A message still unprocessed this many seconds after it was "
    "handed to the queue is queued again (the queue lost it, or its job failed for good).",
    "ALERTS_PROCESS_MAX_ATTEMPTS": "Re-queues after which a message still unprocessed is stuck: "
    "listed in the console with its error, and no longer retried by itself.",
    "ALERTS_SCHEDULER_STALE_S": "A scheduler heartbeat older than this many seconds: /readyz "
    "answers 503 and the console raises its alarm.",
    "ALERTS_WORKER_STALE_S": "An RQ worker silent this many seconds (or no worker at all) raises "
    "the console's alarm.",
    "ALERTS_READY_MAX_UNPROCESSED": "More unprocessed messages than this: /readyz answers 503.",
    "ALERTS_READY_MAX_UNRELAYED": "More outbox rows due and not handed to the queue than this: "
    "/readyz answers 503.",
    "ALERTS_REDIS_MEMORY_ALARM_PCT": "Redis above this share of its maxmemory (percent): /readyz "
    "answers 503 and the console raises its alarm.",
}


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (got {value!r})")


def _float(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds (got {value!r})") from None


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number (got {value!r})") from None


def _plain_numbers(env: Mapping[str, str]) -> dict[str, object]:
    """The settings that are a number of seconds, or of segments, kept as a float."""
    return {
        field: _float(env[name], name)
        for name, field in (
            ("ALERTS_GEOCODER_TIMEOUT_S", "geocoder_timeout_s"),
            ("ALERTS_GEOCODER_MIN_INTERVAL_S", "geocoder_min_interval_s"),
            ("ALERTS_SMS_SEGMENTS_PER_S", "sms_segments_per_s"),
            ("ALERTS_TWILIO_TIMEOUT_S", "twilio_timeout_s"),
            ("ALERTS_RECOVER_EVERY_S", "recover_every_s"),
            ("ALERTS_RECOVER_LOOKBACK_S", "recover_lookback_s"),
        )
        if env.get(name)
    }


def _db_timeouts(env: Mapping[str, str]) -> DatabaseTimeouts:
    limits: dict[str, int] = {}
    for name, field in (
        ("ALERTS_DB_STATEMENT_TIMEOUT_MS", "statement_ms"),
        ("ALERTS_DB_LOCK_TIMEOUT_MS", "lock_ms"),
        ("ALERTS_DB_IDLE_TX_TIMEOUT_MS", "idle_in_transaction_ms"),
        ("ALERTS_DB_CONNECT_TIMEOUT_S", "connect_s"),
        ("ALERTS_DB_KEEPALIVE_IDLE_S", "keepalive_idle_s"),
    ):
        if env.get(name):
            limits[field] = _int(env[name], name)
            if limits[field] < 0:
                raise SettingsError(f"{name} must be 0 or more (got {limits[field]})")
    return DatabaseTimeouts(**limits)


def _health(env: Mapping[str, str]) -> HealthBounds:
    values: dict[str, object] = {}
    for name, field in (
        ("ALERTS_REPROCESS_AFTER_S", "reprocess_after"),
        ("ALERTS_SCHEDULER_STALE_S", "scheduler_stale"),
        ("ALERTS_WORKER_STALE_S", "worker_stale"),
    ):
        if env.get(name):
            seconds = _float(env[name], name)
            if seconds <= 0:
                raise SettingsError(f"{name} must be a positive number of seconds")
            values[field] = timedelta(seconds=seconds)
    for name, field in (
        ("ALERTS_PROCESS_MAX_ATTEMPTS", "max_process_attempts"),
        ("ALERTS_READY_MAX_UNPROCESSED", "max_unprocessed"),
        ("ALERTS_READY_MAX_UNRELAYED", "max_unrelayed"),
    ):
        if env.get(name):
            count = _int(env[name], name)
            if count < 0:
                raise SettingsError(f"{name} must be 0 or more")
            values[field] = count
    if env.get("ALERTS_REDIS_MEMORY_ALARM_PCT"):
        pct = _float(env["ALERTS_REDIS_MEMORY_ALARM_PCT"], "ALERTS_REDIS_MEMORY_ALARM_PCT")
        if not 0 < pct <= 100:
            raise SettingsError("ALERTS_REDIS_MEMORY_ALARM_PCT must be a percentage, 1 to 100")
        values["redis_memory_pct"] = pct
    return HealthBounds(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/alerts.db"
    redis_url: str = "redis://127.0.0.1:6379/0"
    public_url: str = "http://127.0.0.1:5000"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_api_base: str | None = None
    sms_from: str = "+15005550006"
    secret_key: str | None = None
    data_key: str | None = None
    data_key_previous: tuple[str, ...] = ()
    number_retention: timedelta = timedelta(days=90)
    log_key: str | None = None
    sms_auto_reply: bool = True
    default_language: str = "fr"
    same_sender_window: timedelta = timedelta(minutes=30)
    max_request_bytes: int = 64 * 1024
    log_level: str = "INFO"
    keywords_dir: Path = Path("config/keywords")
    correlation_file: Path = Path("config/correlation.yaml")
    duplicate_window: timedelta = timedelta(minutes=10)
    geocoder_url: str | None = None
    geocoder_kind: str = "nominatim"
    geocoder_timeout_s: float = 3.0
    geocoder_min_interval_s: float = 1.0
    ack_timeout: timedelta = timedelta(minutes=5)
    depart_timeout: timedelta = timedelta(minutes=30)
    arrive_timeout: timedelta = timedelta(hours=1)
    dispatch_file: Path = Path("config/dispatch.yaml")
    sms_segments_per_s: float = 1.0
    twilio_timeout_s: float = 10.0
    # How often the scheduler fetches back SMS the webhook never received (0: never), and
    # how far back its first pass looks.
    recover_every_s: float = 60.0
    # Where the webhook keeps SMS the database cannot take; local to each web host.
    spool_dir: Path = Path("instance/spool")
    recover_lookback_s: float = 86_400.0
    cookie_secure: bool = True
    session_idle: timedelta = timedelta(minutes=30)
    login_limit: str = "5 per 15 minutes"
    reveal_limit: Rate = DEFAULT_REVEAL_LIMIT
    proxy_hops: int = 0
    tile_url: str | None = None
    tile_attribution: str = ""
    db_timeouts: DatabaseTimeouts = dataclasses.field(default_factory=DatabaseTimeouts)
    health: HealthBounds = dataclasses.field(default_factory=HealthBounds)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from environment variables; absent ones keep their defaults."""
        values: dict[str, object] = {}

        def text(name: str, field: str) -> None:
            if env.get(name):
                values[field] = env[name].strip()

        text("ALERTS_DATABASE_URL", "database_url")
        text("ALERTS_REDIS_URL", "redis_url")
        text("ALERTS_PUBLIC_URL", "public_url")
        text("TWILIO_ACCOUNT_SID", "twilio_account_sid")
        text("TWILIO_AUTH_TOKEN", "twilio_auth_token")
        text("TWILIO_API_BASE", "twilio_api_base")
        text("ALERTS_SMS_FROM", "sms_from")
        text("ALERTS_SECRET_KEY", "secret_key")
        text("ALERTS_DATA_KEY", "data_key")
        text("ALERTS_LOG_KEY", "log_key")
        if env.get("ALERTS_DATA_KEY_PREVIOUS"):
            previous = (key.strip() for key in env["ALERTS_DATA_KEY_PREVIOUS"].split(","))
            values["data_key_previous"] = tuple(key for key in previous if key)
        if env.get("ALERTS_NUMBER_RETENTION_DAYS"):
            days = _int(env["ALERTS_NUMBER_RETENTION_DAYS"], "ALERTS_NUMBER_RETENTION_DAYS")
            values["number_retention"] = timedelta(days=days)
        text("ALERTS_DEFAULT_LANGUAGE", "default_language")
        text("ALERTS_LOG_LEVEL", "log_level")
        text("ALERTS_GEOCODER_URL", "geocoder_url")
        text("ALERTS_LOGIN_LIMIT", "login_limit")
        text("ALERTS_TILE_URL", "tile_url")
        text("ALERTS_TILE_ATTRIBUTION", "tile_attribution")
        if env.get("ALERTS_COOKIE_SECURE"):
            values["cookie_secure"] = _bool(env["ALERTS_COOKIE_SECURE"], "ALERTS_COOKIE_SECURE")
        if env.get("ALERTS_REVEAL_LIMIT"):
            try:
                values["reveal_limit"] = parse_rate(env["ALERTS_REVEAL_LIMIT"])
            except ValueError as error:
                raise SettingsError(f"ALERTS_REVEAL_LIMIT: {error}") from None
        if env.get("ALERTS_PROXY_HOPS"):
            values["proxy_hops"] = _int(env["ALERTS_PROXY_HOPS"], "ALERTS_PROXY_HOPS")
        if env.get("ALERTS_SESSION_IDLE_MIN"):
            minutes = _int(env["ALERTS_SESSION_IDLE_MIN"], "ALERTS_SESSION_IDLE_MIN")
            values["session_idle"] = timedelta(minutes=minutes)
        if env.get("ALERTS_KEYWORDS_DIR"):
            values["keywords_dir"] = Path(env["ALERTS_KEYWORDS_DIR"])
        if env.get("ALERTS_CORRELATION_FILE"):
            values["correlation_file"] = Path(env["ALERTS_CORRELATION_FILE"])
        if env.get("ALERTS_DISPATCH_FILE"):
            values["dispatch_file"] = Path(env["ALERTS_DISPATCH_FILE"])
        if env.get("ALERTS_SPOOL_DIR"):
            values["spool_dir"] = Path(env["ALERTS_SPOOL_DIR"].strip())
        for name, field in (
            ("ALERTS_ACK_TIMEOUT_S", "ack_timeout"),
            ("ALERTS_DEPART_TIMEOUT_S", "depart_timeout"),
            ("ALERTS_ARRIVE_TIMEOUT_S", "arrive_timeout"),
        ):
            if env.get(name):
                values[field] = timedelta(seconds=_float(env[name], name))
        if env.get("ALERTS_DUPLICATE_WINDOW_S"):
            seconds = _int(env["ALERTS_DUPLICATE_WINDOW_S"], "ALERTS_DUPLICATE_WINDOW_S")
            values["duplicate_window"] = timedelta(seconds=seconds)
        text("ALERTS_GEOCODER_KIND", "geocoder_kind")
        values |= _plain_numbers(env)
        if env.get("ALERTS_SMS_AUTO_REPLY"):
            values["sms_auto_reply"] = _bool(env["ALERTS_SMS_AUTO_REPLY"], "ALERTS_SMS_AUTO_REPLY")
        if env.get("ALERTS_SAME_SENDER_WINDOW_S"):
            seconds = _int(env["ALERTS_SAME_SENDER_WINDOW_S"], "ALERTS_SAME_SENDER_WINDOW_S")
            values["same_sender_window"] = timedelta(seconds=seconds)
        if env.get("ALERTS_MAX_REQUEST_BYTES"):
            values["max_request_bytes"] = _int(
                env["ALERTS_MAX_REQUEST_BYTES"], "ALERTS_MAX_REQUEST_BYTES"
            )
        values["db_timeouts"] = _db_timeouts(env)
        values["health"] = _health(env)
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.public_url.startswith(("http://", "https://")):
            raise SettingsError(
                f"ALERTS_PUBLIC_URL must start with http:// or https:// (got {self.public_url!r})"
            )
        if self.geocoder_kind not in {"nominatim", "photon"}:
            raise SettingsError(
                f"ALERTS_GEOCODER_KIND must be nominatim or photon (got {self.geocoder_kind!r})"
            )
        if self.proxy_hops < 0:
            raise SettingsError(f"ALERTS_PROXY_HOPS must be 0 or more (got {self.proxy_hops})")
        if self.number_retention <= timedelta(0):
            raise SettingsError("ALERTS_NUMBER_RETENTION_DAYS must be a positive number of days")
        if self.data_key and self.data_key in self.data_key_previous:
            raise SettingsError("ALERTS_DATA_KEY_PREVIOUS must not hold ALERTS_DATA_KEY itself")
        if self.session_idle <= timedelta(0):
            raise SettingsError("ALERTS_SESSION_IDLE_MIN must be a positive number of minutes")
        if self.tile_url is not None and not self.tile_url.startswith(("http://", "https://")):
            raise SettingsError(
                "ALERTS_TILE_URL must be a URL template such as "
                "https://tiles.example.org/{z}/{x}/{y}.png"
            )
        for name, value in (
            ("ALERTS_ACK_TIMEOUT_S", self.ack_timeout.total_seconds()),
            ("ALERTS_DEPART_TIMEOUT_S", self.depart_timeout.total_seconds()),
            ("ALERTS_ARRIVE_TIMEOUT_S", self.arrive_timeout.total_seconds()),
            ("ALERTS_TWILIO_TIMEOUT_S", self.twilio_timeout_s),
        ):
            if value <= 0:
                raise SettingsError(f"{name} must be a positive number (got {value:g})")
        if self.sms_segments_per_s < 0:
            raise SettingsError("ALERTS_SMS_SEGMENTS_PER_S must be 0 (not paced) or more")
        if self.recover_every_s < 0 or self.recover_lookback_s <= 0:
            raise SettingsError(
                "ALERTS_RECOVER_EVERY_S must be 0 (never) or more, and "
                "ALERTS_RECOVER_LOOKBACK_S a positive number of seconds"
            )
        if self.twilio_api_base is not None and not self.twilio_api_base.startswith(
            ("http://", "https://")
        ):
            raise SettingsError("TWILIO_API_BASE must be a URL such as http://127.0.0.1:5025")

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def uses_sandbox(self) -> bool:
        return self.twilio_api_base is not None

    def require_data_key(self) -> str:
        if not self.data_key:
            raise SettingsError(
                "ALERTS_DATA_KEY is not set. Generate one with `alerts keys generate` and keep "
                "it safe: informant numbers stored under it cannot be read without it."
            )
        return self.data_key

    def require_secret_key(self) -> str:
        if not self.secret_key:
            raise SettingsError(
                "ALERTS_SECRET_KEY is not set. Generate one with `alerts keys generate`."
            )
        return self.secret_key

    def require_twilio(self) -> tuple[str, str]:
        if not self.twilio_account_sid or not self.twilio_auth_token:
            raise SettingsError(
                "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set. For the local sandbox, "
                "also set TWILIO_API_BASE=http://127.0.0.1:5025."
            )
        return self.twilio_account_sid, self.twilio_auth_token

    def url_for(self, path: str) -> str:
        """The external URL of `path`, as Twilio sees and signs it."""
        return self.public_url.rstrip("/") + path
