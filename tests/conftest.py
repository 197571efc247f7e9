"""Shared fixtures: a real, migrated database per test, on SQLite and (when
INBOX_TEST_POSTGRES_URL is set) on PostgreSQL.

SQLite: the schema is migrated once per session into a template file that each test copies.
PostgreSQL: a fresh database is created per session, migrated once, and emptied per test.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from data.analytics.snapshot import forget_all
from data.db import dispose_engines, get_engine
from data.migrate import upgrade
from data.settings import get_settings

POSTGRES_ENV = "INBOX_TEST_POSTGRES_URL"
NO_POSTGRES = f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1/test)"


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's .env or INBOX_* variables, or writes under ./var."""
    for key in list(os.environ):
        if key.startswith("INBOX_") and key != POSTGRES_ENV:
            monkeypatch.delenv(key)
    monkeypatch.setenv("INBOX_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.db'}")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    dispose_engines()
    return path


def create_postgres_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session."""
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(NO_POSTGRES)
    admin_url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"inbox_test_{uuid.uuid4().hex[:10]}"
    try:
        url = create_postgres_database(admin_url, name)
    except Exception as exc:
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is not reachable: {exc}")
    upgrade(url)
    yield url
    dispose_engines()
    drop_postgres_database(admin_url, name)


def truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: SQLite and PostgreSQL in turn."""
    if request.param == "sqlite":
        path = tmp_path / "inbox.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    truncate_all(get_engine(url))
    return url


@pytest.fixture
def engine(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test database's engine; it is also the process default (INBOX_DATABASE_URL)."""
    monkeypatch.setenv("INBOX_DATABASE_URL", db_url)
    get_settings.cache_clear()
    forget_all()  # analytics snapshots of an earlier test's data under the same URL
    return get_engine(db_url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
