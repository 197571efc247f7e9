"""Settings come from INBOX_* variables and .env, with defaults that run offline."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from data.settings import Settings


def test_defaults_are_the_embedded_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INBOX_DATABASE_URL")
    settings = Settings()
    assert settings.database_url == "sqlite:///var/inbox.db"
    assert (settings.ingest_host, settings.ingest_port) == ("127.0.0.1", 8000)
    assert settings.ai_backend == "offline" and settings.sender == "log"
    assert settings.twilio_auth_token is None and not settings.insecure_webhooks


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("INBOX_INGEST_PORT=9100\nINBOX_TWILIO_AUTH_TOKEN=sekrit\n")
    monkeypatch.setenv("INBOX_AI_MODEL", "llama3")
    settings = Settings()
    assert settings.ingest_port == 9100
    assert settings.ai_model == "llama3"
    assert settings.twilio_auth_token.get_secret_value() == "sekrit"
    assert "sekrit" not in repr(settings)


def test_the_smtp_password_never_shows_in_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INBOX_SMTP_URL", "smtp://mailer:hunter2@mail.example:587")
    settings = Settings()

    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    assert settings.smtp_url.get_secret_value().endswith("@mail.example:587")


def test_postgres_urls_use_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INBOX_DATABASE_URL", "postgres://u@db.internal/inbox")
    assert Settings().database_url == "postgresql+psycopg://u@db.internal/inbox"


def test_an_unknown_database_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INBOX_DATABASE_URL", "mysql://root@localhost/inbox")
    with pytest.raises(ValidationError, match="INBOX_DATABASE_URL must be"):
        Settings()
