"""Process-wide settings, read from `INBOX_*` environment variables and a `.env` file.

Per-workspace settings (hours, auto-reply switches, alert addresses) live in the database,
on the Workspace row; this module holds only what a process needs before it can reach it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/inbox.db"


class Settings(BaseSettings):
    """Every `INBOX_` setting. Field names map to `INBOX_<NAME>` in upper case."""

    model_config = SettingsConfigDict(
        env_prefix="INBOX_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = DEFAULT_DATABASE_URL
    database_echo: bool = False

    ingest_host: str = "127.0.0.1"
    ingest_port: int = Field(default=8000, ge=1, le=65535)
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=8501, ge=1, le=65535)
    public_url: str | None = Field(
        default=None,
        description="The URL providers use to reach ingest (behind a proxy); signatures are "
        "checked against it.",
    )
    console_url: str = "http://127.0.0.1:8501"

    ai_backend: Literal["offline", "openai"] = "offline"
    ai_base_url: str | None = None
    ai_api_key: SecretStr | None = None
    ai_model: str = "gpt-4o-mini"
    ai_timeout_seconds: float = Field(default=20.0, gt=0)
    ai_max_retries: int = Field(default=2, ge=0, le=10)
    ai_sentiment: bool = Field(
        default=False,
        description="Score sentiment with the AI backend instead of VADER (openai backend only).",
    )

    sender: Literal["log", "live"] = Field(
        default="log",
        description="log: outbound messages are recorded and marked sent without leaving the "
        "machine; live: Twilio and SMTP are called.",
    )
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_webhook_shared_key: SecretStr | None = Field(
        default=None,
        description="Twilio Webhook Settings SharedKey secret, for webhooks signed with "
        "HMAC-SHA256 (they carry X-Twilio-Webhooks-Signature-Settings).",
    )
    twilio_api_base_url: str | None = None
    insecure_webhooks: bool = False

    smtp_url: SecretStr | None = Field(
        default=None, description="smtp://user:pass@host:port or smtps://… for outbound email."
    )
    mailgun_signing_key: SecretStr | None = None
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Shared secret (HTTP Basic password) for SendGrid Inbound Parse, raw MIME and "
        "voice-transcript webhooks.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs web-chat visitor tokens; when unset, a secret generated once and "
        "kept in the database is used, shared by every worker.",
    )

    webchat_rate_limits: bool = Field(
        default=True,
        description="Per-IP and per-visitor limits on the public web-chat endpoints; turn off "
        "only for load tests from one address (inbox simulate).",
    )
    default_region: str = Field(
        default="US", description="Region for phone numbers written without a country code."
    )
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
            raise ValueError(
                "INBOX_DATABASE_URL must be sqlite:///path or postgresql://user@host/db"
            )
        if value.startswith("postgres://"):
            value = "postgresql://" + value.removeprefix("postgres://")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (cached; tests call `get_settings.cache_clear()`)."""
    return Settings()
