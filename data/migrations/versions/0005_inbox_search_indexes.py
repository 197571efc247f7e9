"""inbox search indexes: substring indexes on what the inbox search reads (message bodies,
contact names/phones/emails, conversation subjects)

PostgreSQL: pg_trgm GIN indexes, used by the same ILIKE '%term%' the search has always run.
SQLite: FTS5 external-content tables with the trigram tokenizer (SQLite >= 3.34), kept in step
by triggers; `data.inbox` narrows with them and re-checks with ILIKE. Where the runtime lacks
what they need (pg_trgm not installable, an SQLite without FTS5 trigram), nothing is created
and the search keeps scanning the inbox, as before this migration.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:40:00
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Spelled out here rather than imported, so this revision stays what it was if the search
# code changes later (data/search.py names the same objects for the queries).
TRGM_INDEXES = {
    "ix_message_body_trgm": ("message", ("body",)),
    "ix_contact_search_trgm": ("contact", ("name", "phone", "email")),
    "ix_conversation_subject_trgm": ("conversation", ("subject",)),
}
FTS_TABLES = {
    "message_fts": ("message", ("body",)),
    "contact_fts": ("contact", ("name", "phone", "email")),
    "conversation_fts": ("conversation", ("subject",)),
}


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _upgrade_postgresql(conn)
    elif conn.dialect.name == "sqlite":
        _upgrade_sqlite(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name in TRGM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        # pg_trgm stays: an extension is database-wide and may serve other objects; without
        # the indexes it costs nothing.
    elif conn.dialect.name == "sqlite":
        for fts, (table, _) in FTS_TABLES.items():
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")


def _upgrade_postgresql(conn: sa.Connection) -> None:
    available = conn.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
    ).first()
    if available is None:
        log.warning("pg_trgm is not installed on this server: inbox search will scan")
        return
    # A role that may not create extensions should not fail the whole upgrade: the search
    # still works (by scanning) without the indexes. The savepoint keeps the transaction
    # usable after such a failure.
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("could not create pg_trgm (%s): inbox search will scan", exc.orig)
        return
    savepoint.commit()
    # Plain CREATE INDEX (not CONCURRENTLY, which cannot run in the migration's transaction):
    # it blocks writes to the table while it builds, ~25 s for a million messages.
    for name, (table, columns) in TRGM_INDEXES.items():
        ops = ", ".join(f"{column} gin_trgm_ops" for column in columns)
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({ops})")


def _sqlite_has_trigram(conn: sa.Connection) -> bool:
    # A failing statement does not end an SQLite transaction, so probing is safe here.
    try:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.inbox_trigram_probe USING fts5(x, tokenize='trigram')"
        )
    except sa.exc.OperationalError:
        return False
    conn.exec_driver_sql("DROP TABLE temp.inbox_trigram_probe")
    return True


def _upgrade_sqlite(conn: sa.Connection) -> None:
    if not _sqlite_has_trigram(conn):
        log.warning("this SQLite has no FTS5 trigram tokenizer (3.34+): inbox search will scan")
        return
    for fts, (table, columns) in FTS_TABLES.items():
        names = ", ".join(columns)
        # detail=none keeps only which rows hold a trigram, not where: a third of the size of
        # detail=full (measured at 1M messages: +135 MB against +423 MB on a 631 MB database)
        # and built in less than half the time. Phrase queries need positions, so the search
        # asks for rows holding every trigram of the term and re-checks with ILIKE, which it
        # has to do anyway (FTS folds case beyond ASCII, SQLite's LIKE does not).
        # columnsize=0: no per-row token counts, which only ranking (bm25) would read.
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
            "content_rowid='id', tokenize='trigram', detail=none, columnsize=0)"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
        # An external-content index is told the old values to remove them: they must be the
        # ones it indexed, which these three triggers guarantee. The UPDATE trigger fires only
        # when a searched column changes (status and timestamps change far more often).
        op.execute(
            f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {names} ON {table} "
            f"WHEN {changed} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END"
        )
