"""The engine and sessions: one engine per database URL per process.

SQLite is opened in WAL mode with foreign keys on and a busy timeout, so ingest, the
pipeline and the console can share one file; PostgreSQL gets a small pool with pre-ping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from data.settings import get_settings

_engines: dict[str, Engine] = {}
_writers: dict[Engine, Engine] = {}
_lock = Lock()

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the
    # last commits), which is the guarantee ingest's "2xx means stored" needs.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # Writers (ingest, the pipeline) take the write lock at BEGIN IMMEDIATE and wait for it
    # under the busy timeout; a deferred transaction that read first could instead fail at
    # its first write if another process committed in between (a stale WAL snapshot).
    mode = connection.get_execution_options().get("sqlite_begin", "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, echo: bool = False) -> Engine:
    """A new engine for `url`, configured for this product (prefer `get_engine`)."""
    if url.startswith("sqlite:"):
        _ensure_sqlite_dir(url)
        # A pool as large as ingest's concurrency: reconnecting costs the PRAGMAs each time.
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 15},
            pool_size=20,
            max_overflow=20,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: `INBOX_DATABASE_URL`)."""
    settings = get_settings()
    url = url or settings.database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url, echo=settings.database_echo)
            _engines[url] = engine
        return engine


def get_write_engine(url: str | None = None) -> Engine:
    """The engine for transactions that will write: on SQLite they begin IMMEDIATE (taking
    the write lock up front); elsewhere it is the same engine."""
    return _writer(get_engine(url))


def _writer(engine: Engine) -> Engine:
    if engine.dialect.name != "sqlite":
        return engine
    with _lock:
        writer = _writers.get(engine)
        if writer is None:
            writer = _writers[engine] = engine.execution_options(sqlite_begin="IMMEDIATE")
        return writer


def dispose_engines() -> None:
    """Close every pooled connection (tests, and forked worker processes)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _writers.clear()


@contextmanager
def session_scope(engine: Engine | None = None, *, write: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises. `write=True`
    marks a transaction that will write (see `get_write_engine`)."""
    engine = engine or get_engine()
    if write:
        engine = _writer(engine)
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
