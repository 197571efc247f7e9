"""What a database error leaves in the logs: one line saying what happened, and never the
statement's parameters (customers' messages, phone numbers, email addresses). Ingest answers
503 with Retry-After while the database is unreachable (providers retry); the fault runs
(`tests/test_faults.py`) restart a real PostgreSQL under it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from data.db import make_engine
from data.settings import get_settings
from ingest.app import create_app

CUSTOMER_TEXT = "my gate code is 4411, call me on +15125550123"


def test_a_failed_statement_does_not_carry_its_parameters_into_the_error_text(
    engine: Engine,
) -> None:
    own = make_engine(engine.url.render_as_string(hide_password=False))
    with pytest.raises(DBAPIError) as failed, own.connect() as conn:
        conn.execute(
            text("INSERT INTO no_such_table (body) VALUES (:body)"), {"body": CUSTOMER_TEXT}
        )
    own.dispose()
    assert "no_such_table" in str(failed.value)
    assert "4411" not in str(failed.value) and "+1512" not in str(failed.value)


@pytest.fixture
def ingest_without_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """Ingest whose PostgreSQL is not there (nothing listens on port 1)."""
    monkeypatch.setenv("INBOX_DATABASE_URL", "postgresql://inbox@127.0.0.1:1/inbox")
    monkeypatch.setenv("INBOX_INSECURE_WEBHOOKS", "1")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client


def test_ingest_answers_503_and_logs_one_line_while_the_database_is_unreachable(
    ingest_without_database: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    form = {
        "MessageSid": "SM" + "0" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": "+15125550123",
        "To": "+15125550100",
        "Body": CUSTOMER_TEXT,
    }
    with caplog.at_level(logging.ERROR, logger="inbox.ingest"):
        response = ingest_without_database.post("/webhooks/twilio/messaging", data=form)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    [record] = [r for r in caplog.records if r.name == "inbox.ingest"]
    assert record.getMessage().startswith("database error on /webhooks/twilio/messaging: ")
    assert "\n" not in record.getMessage()
    assert "4411" not in record.getMessage()
