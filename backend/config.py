"""Settings, read from FRONTDESK_* environment variables (see README's configuration table)."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


# Formats people attach to support requests. Never HTML or SVG: a browser would run them.
DEFAULT_ATTACHMENT_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/json",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRONTDESK_", extra="ignore")

    env: Environment = Field(
        Environment.DEVELOPMENT,
        description="development (GraphiQL, unmasked errors, reset links logged) or production",
    )
    data_dir: Path = Field(Path("var"), description="Where the SQLite file and attachments live")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy async URL; default: SQLite file frontdesk.sqlite3 in the data dir",
    )
    redis_url: str | None = Field(
        None,
        description="Redis URL for live updates across processes and hosts; default: in process",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Base URL users reach the portal at (links in mail)"
    )
    ws_max_subscriptions: int = Field(
        20, ge=1, description="Most subscriptions (operations) open at once on one WebSocket"
    )
    ws_connection_init_timeout_seconds: int = Field(
        10, ge=1, description="Seconds a WebSocket may take to send connection_init"
    )
    ws_ping_interval_seconds: float = Field(
        20, gt=0, description="WebSocket ping interval; a peer silent past the timeout is dropped"
    )
    ws_ping_timeout_seconds: float = Field(20, gt=0, description="WebSocket pong timeout")
    ws_idle_timeout_seconds: float = Field(
        300, gt=0, description="A WebSocket with no subscription and no message is closed after"
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed for WebSocket connections besides public_url (JSON list)",
    )
    session_ttl_hours: int = Field(24 * 14, description="Lifetime of a sign-in session")
    password_reset_ttl_minutes: int = Field(60, description="Lifetime of a password reset token")
    invitation_ttl_hours: int = Field(72, description="Lifetime of an invitation link")
    password_min_length: int = Field(
        10, ge=1, le=256, description="Minimum password length (the maximum is 256)"
    )
    login_max_failures_per_account: int = Field(
        5, ge=1, description="Failed sign-ins per account within the window before backoff"
    )
    login_max_failures_per_address: int = Field(
        20, ge=1, description="Failed sign-ins per client address within the window before backoff"
    )
    login_window_seconds: int = Field(
        3600, ge=1, description="Failed sign-ins older than this are forgotten"
    )
    login_backoff_base_seconds: int = Field(
        30, ge=1, description="First lock-out once the free failures are used; doubles per failure"
    )
    login_backoff_max_seconds: int = Field(
        900, ge=1, description="Longest lock-out after repeated failed sign-ins"
    )
    password_reset_max_per_email: int = Field(
        3, ge=1, description="Password reset requests per e-mail address within the window"
    )
    password_reset_max_per_address: int = Field(
        10, ge=1, description="Password reset requests per client address within the window"
    )
    password_reset_window_seconds: int = Field(
        3600, ge=1, description="Window for counting password reset requests"
    )
    super_user_cap: int = Field(4, description="Default maximum super users per organisation")
    max_query_depth: int = Field(12, description="Maximum GraphQL query depth")
    max_aliases: int = Field(30, description="Maximum aliases per GraphQL document")
    max_tokens: int = Field(3000, description="Maximum tokens per GraphQL document")
    max_input_list_items: int = Field(
        1000, ge=1, description="Most items in any list of a GraphQL input (arguments, variables)"
    )
    max_body_bytes: int = Field(
        1024 * 1024,
        ge=1024,
        description="Largest accepted request body in bytes; uploads have attachment_max_bytes",
    )
    db_pool_size: int = Field(10, description="Connection pool size (PostgreSQL)")
    # Each SQLite connection runs in a thread of its own. Fifteen (SQLAlchemy's default)
    # fought over the GIL at 32 concurrent requests while reads went through the threads;
    # with short reads inline (backend/db/sqlite_driver.py) fewer would do, but at 3 the
    # pool ran dry and tasks barging back in made a tail of a second at c=32 (bench/).
    sqlite_pool_size: int = Field(
        6, ge=1, le=32, description="SQLite connections per server process (no overflow)"
    )
    # At most 2 GiB - 1: attachments.size is a 32-bit integer column.
    attachment_max_bytes: int = Field(
        25 * 1024 * 1024, gt=0, le=2**31 - 1, description="Largest accepted attachment in bytes"
    )
    attachment_allowed_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES),
        description="Content types accepted for attachments (JSON list)",
    )
    attachment_unreferenced_ttl_hours: int = Field(
        24, ge=0, description="Uploads no request references are removed after this long"
    )
    attachment_sweep_interval_seconds: float = Field(
        3600, description="How often the server removes stale uploads; 0: never (use the CLI)"
    )
    comment_max_length: int = Field(
        32_768, gt=0, description="Longest accepted comment, in characters"
    )
    auto_close_working_days: int = Field(
        2, ge=0, description="Working days (Monday to Friday, UTC) a RESOLVED request stays open"
    )
    auto_close_interval_seconds: float = Field(
        300, ge=0, description="How often the server closes resolved requests; 0: never"
    )
    assign_within_team: bool = Field(
        False, description="Whether assignees must be members of the request's team"
    )
    spa_dir: Path = Field(
        Path(__file__).resolve().parents[1] / "frontend" / "dist",
        description="Directory of the built web app served at / (frontend/dist of the source)",
    )
    # Operations (README "Operations"): introspection, logs, metrics.
    introspection: bool | None = Field(
        None, description="Whether GraphQL introspection is allowed; default: off in production"
    )
    log_format: LogFormat | None = Field(
        None, description="json (one object per line) or text; default: json in production"
    )
    log_level: str = Field(
        "INFO",
        pattern=r"(?i)^(debug|info|warning|error|critical)$",
        description="Level of the server's logs: DEBUG, INFO, WARNING, ERROR or CRITICAL",
    )
    access_log: bool = Field(True, description="Whether the server logs one line per request")
    metrics_enabled: bool = Field(False, description="Whether /metrics serves Prometheus metrics")
    metrics_token: str | None = Field(
        None, description="When set, /metrics requires `Authorization: Bearer <token>`"
    )

    @property
    def is_development(self) -> bool:
        return self.env == Environment.DEVELOPMENT

    @property
    def is_production(self) -> bool:
        return self.env == Environment.PRODUCTION

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'frontdesk.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def secure_cookies(self) -> bool:
        # Secure cookies behind TLS, and always in production (TLS may end at a proxy); a
        # plain-http development URL must still work in a browser.
        return self.is_production or self.public_url.startswith("https://")

    @property
    def introspection_enabled(self) -> bool:
        return not self.is_production if self.introspection is None else self.introspection

    @property
    def json_logs(self) -> bool:
        if self.log_format is None:
            return self.is_production
        return self.log_format == LogFormat.JSON


def get_settings() -> Settings:
    return Settings()
