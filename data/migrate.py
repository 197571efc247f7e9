"""Database migrations: `inbox db upgrade` and the tests call `upgrade()`.

Alembic is configured in code (no alembic.ini to keep in sync); the scripts live in
`data/migrations/versions/`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from data.db import get_engine
from data.settings import get_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config pointing at this package's migrations and `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url or get_settings().database_url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> str:
    """Bring the database at `url` up to `revision`; returns the revision it is now at."""
    config = alembic_config(url)
    command.upgrade(config, revision)
    return current_revision(url) or ""


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with get_engine(url or get_settings().database_url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision in the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def is_up_to_date(url: str | None = None) -> bool:
    return current_revision(url) == head_revision()
