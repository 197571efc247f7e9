"""Alembic environment: runs the migrations against the URL `data.migrate` passes in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import data.models  # noqa: F401  (registers every table on the metadata)
from data.db import get_engine
from data.search import include_in_schema_comparison

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = get_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # Autogenerate would otherwise offer to drop the search indexes of 0005 (GIN
        # operator classes and FTS5 tables are not expressed in the models).
        include_name=include_in_schema_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `inbox db upgrade`.")
run_migrations_online()
