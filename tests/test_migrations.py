"""Migrations build the schema from empty on SQLite and PostgreSQL, match the models, and
running them again changes nothing."""

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from data.db import dispose_engines, get_engine
from data.migrate import current_revision, head_revision, upgrade
from data.search import include_in_schema_comparison
from tests.conftest import (
    NO_POSTGRES,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
)

EXPECTED_TABLES = {
    "workspace",
    "channel",
    "app_user",
    "contact",
    "conversation",
    "message",
    "note",
    "appointment",
    "call",
    "knowledge_entry",
    "event",
}


def _check_schema(url: str) -> None:
    engine = get_engine(url)
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) >= EXPECTED_TABLES
    message_indexes = {ix["name"] for ix in inspector.get_indexes("message")}
    assert {"uq_message_provider", "uq_message_ai_reply", "ix_message_conversation"} <= (
        message_indexes
    )
    inbox_indexes = {ix["name"] for ix in inspector.get_indexes("conversation")}
    assert "ix_conversation_inbox_status_channel" in inbox_indexes
    with engine.connect() as conn:
        # The search indexes (GIN operator classes, FTS5 tables) have no model equivalent.
        context = MigrationContext.configure(
            conn, opts={"include_name": include_in_schema_comparison}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_sqlite_schema_is_built_from_empty_and_matches_the_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert current_revision(url) is None
    assert upgrade(url) == head_revision()
    _check_schema(url)


def test_upgrading_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    assert upgrade(url) == head_revision()


def test_sqlite_is_opened_with_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.postgres
def test_postgres_schema_is_built_from_empty_and_matches_the_models() -> None:
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(NO_POSTGRES)
    admin_url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"inbox_migrate_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(admin_url, name)
    try:
        assert current_revision(url) is None
        assert upgrade(url) == head_revision()
        assert upgrade(url) == head_revision()
        _check_schema(url)
    finally:
        dispose_engines()
        drop_postgres_database(admin_url, name)


def test_a_rolled_back_transaction_keeps_nothing_written_in_its_savepoints(engine) -> None:
    # pysqlite alone would commit a savepoint that is the transaction's first write.
    from sqlalchemy import func, select
    from sqlmodel import Session

    from data import webhooks
    from data.db import session_scope
    from data.models import WebhookNonce

    with pytest.raises(RuntimeError), session_scope(engine, write=True) as session:
        assert webhooks.claim_nonce(session, "mailgun", "token-1")
        raise RuntimeError("the webhook failed after claiming its token")
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(WebhookNonce)).scalar() == 0
