"""The engine and sessions: one engine per database URL per process.

SQLite is opened in WAL mode with foreign keys on and a busy timeout, so ingest, the
pipeline and the console can share one file; PostgreSQL gets a small pool with pre-ping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from threading import Lock, RLock
from typing import Any, TypeVar

from sqlalchemy import bindparam, event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel, create_engine

from data.settings import get_settings

_engines: dict[str, Engine] = {}
_writers: dict[Engine, Engine] = {}
_write_locks: dict[Engine, RLock] = {}
_lock = Lock()
_inserts: dict[tuple[Any, str, bool], Any] = {}
_updates: dict[tuple[Any, tuple[str, ...]], Any] = {}

M = TypeVar("M", bound=SQLModel)

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
    """A new engine for `url`, configured for this product (prefer `get_engine`).

    `hide_parameters`: a database error's text (logged by ingest's 503 handler and the
    pipeline's job runner) would otherwise carry the statement's parameters, i.e. customers'
    messages, phone numbers and email addresses, into the logs."""
    if url.startswith("sqlite:"):
        _ensure_sqlite_dir(url)
        # A pool as large as ingest's concurrency: reconnecting costs the PRAGMAs each time.
        engine = create_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 15},
            pool_size=20,
            max_overflow=20,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    # Every connection the pool may open is kept (no overflow): with 5 kept and 10 overflow,
    # ingest under load closed each overflow connection when it came back and opened a new
    # one for the next request (a backend fork and authentication each time, ~30 new
    # connections in 10 s at 100 webhooks/s). The ceiling is unchanged: 15 per process.
    # No pre-ping: it is a round trip on every checkout. After a server restart the first
    # statement on each stale connection fails instead, SQLAlchemy drops the pool, and ingest
    # answers that one request 503 (providers retry it); connections are also recycled
    # hourly so idle ones cut by a firewall do not linger.
    return create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_pre_ping=False,
        pool_recycle=3600,
        pool_size=15,
        max_overflow=0,
    )


def error_summary(error: BaseException) -> str:
    """A database error in one line for the logs: the driver's own first line (connection
    refused, server closed the connection, shutting down), without SQLAlchemy's statement and
    help link."""
    orig = getattr(error, "orig", None) or error
    lines = str(orig).splitlines()
    return lines[0] if lines else type(orig).__name__


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
            _write_locks[writer] = RLock()
        return writer


def dispose_engines() -> None:
    """Close every pooled connection (tests, and forked worker processes)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _writers.clear()
        _write_locks.clear()


@contextmanager
def _queued(lock: RLock | None) -> Iterator[None]:
    """Hold this process's SQLite write lock, if there is one, around a write transaction.

    SQLite takes one writer at a time anyway (BEGIN IMMEDIATE). Queueing this process's
    writers on a lock hands the database over the moment it is free, where SQLite's busy
    handler would have them poll with growing sleeps (p99 of seconds under load) and fight
    over the GIL meanwhile. Other processes still meet the busy timeout. The wait is bounded
    by the same timeout, after which the transaction goes ahead and SQLite decides, so a
    writer that waits on another of this process's writers cannot hang for ever."""
    acquired = lock is not None and lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        yield
    finally:
        if acquired:
            lock.release()  # type: ignore[union-attr]


@contextmanager
def session_scope(engine: Engine | None = None, *, write: bool = False) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises. `write=True`
    marks a transaction that will write (see `get_write_engine`)."""
    engine = engine or get_engine()
    lock = None
    if write:
        engine = _writer(engine)
        lock = _write_locks.get(engine)
    with _queued(lock):
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def insert_returning(session: Session, row: M, *, skip_conflicts: bool = False) -> M | None:
    """INSERT the new, unsaved model instance `row` in one statement (no unit-of-work flush,
    no savepoint) and return it as a persistent object of the session, with its id.

    With `skip_conflicts` the INSERT is `ON CONFLICT DO NOTHING`: when a unique index already
    holds such a row (a provider retry, or a concurrent request that got there first) nothing
    is written and None is returned. On PostgreSQL a conflicting row of a transaction still in
    progress makes this wait for that transaction, so the caller can then read the winner.
    """
    table = type(row).__table__  # type: ignore[attr-defined]
    keys = table.primary_key.columns
    values = {
        column.key: getattr(row, column.key)
        for column in table.columns
        if not (column.primary_key and getattr(row, column.key) is None)
    }
    dialect = session.get_bind().dialect.name
    cache_key = (table, dialect, skip_conflicts)
    statement = _inserts.get(cache_key)
    if statement is None:
        # Built once per table and dialect: constructing a statement costs more than running
        # a cached one. A Core INSERT, since the ORM's bulk INSERT ... RETURNING path costs
        # more than a flush.
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table)
        if skip_conflicts:
            statement = statement.on_conflict_do_nothing()
        statement = _inserts[cache_key] = statement.returning(*keys)
    stored = session.connection().execute(statement, values).first()
    if stored is None:
        return None
    for column, value in zip(keys, stored, strict=True):
        setattr(row, column.key, value)
    # The row holds exactly what was written (no server defaults in this schema besides the
    # id), so it joins the session as if loaded: later changes are UPDATEs at the next flush.
    make_transient_to_detached(row)
    session.add(row)
    return row


def write_through(session: Session, row: SQLModel, changes: dict[str, Any]) -> None:
    """UPDATE `changes` (attribute -> new value) on the loaded `row` now, one Core statement by
    primary key, and give `row` those values as its stored ones (no pending history, so the
    commit's flush has nothing left to do for them). For the ingest hot path, where the unit
    of work's flush costs several times the statement itself."""
    table = type(row).__table__  # type: ignore[attr-defined]
    keys = tuple(sorted(changes))
    statement = _updates.get((table, keys))
    if statement is None:
        # Built once per table and set of columns; parameters are prefixed because a SET
        # clause reserves the columns' own names.
        where = [column == bindparam(f"k_{column.key}") for column in table.primary_key]
        values = {key: bindparam(f"v_{key}") for key in keys}
        statement = _updates[(table, keys)] = update(table).where(*where).values(values)
    params = {f"v_{key}": value for key, value in changes.items()}
    params.update({f"k_{c.key}": getattr(row, c.key) for c in table.primary_key})
    session.connection().execute(statement, params)
    for key, value in changes.items():
        set_committed_value(row, key, value)
