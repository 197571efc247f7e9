"""The columnar copy of the operational data that DuckDB queries.

An in-memory DuckDB database per console process holds the columns analytics needs of
`message`, `event`, `conversation` and `contact` (every workspace; each query filters on
its own). It is filled once, then brought up to date at most once a minute when a page
asks (so figures are never more than a minute behind): messages and events are read past the
highest id already held, and the recent ones again, replaced by id (a message changes after it
is stored: triage scores its sentiment, an outbound one goes from queued to sent, delivered or
failed; and ids can commit out of order); conversations and contacts change, and are re-read
from a little before the last refresh by `updated_at` and replaced by id.

Why a copy and not DuckDB reading SQLite or PostgreSQL directly: each dashboard query scans
the message table, and scanning a row store through a connector on every query is what
the copy avoids (bench/analytics.py measures both).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select

from data.clock import utcnow
from data.models import Contact, Conversation, Event, Message

MAX_AGE_SECONDS = 60.0
_DATABASE = "snapshot"
#: Rows changed this long before the last refresh are read again: a transaction that
#: committed late may carry an older `updated_at`.
CHANGE_MARGIN = timedelta(minutes=5)
#: Messages this recent at the last refresh are read again: their sentiment and delivery
#: status settle within hours (a reply held for quiet hours is queued overnight).
MESSAGE_RECHECK = timedelta(days=1)
CHUNK_ROWS = 200_000

#: Times are naive UTC; `period.local()` gives local wall-clock time. The `first_*` and
#: `channel` columns of conversation and contact are not copied but kept up to date from the
#: rows that arrive, so that no dashboard query has to group the message table or join
#: another: each conversation's first message and first customer message, each contact's
#: first message and first conversation (whose channel is the contact's). Likewise for the
#: lead-temperature replay: each temperature change's place in its contact's changes
#: (`first_change`, and `prev_to`, the change before it's `to`) and whether a contact has
#: any (`temperature_changed`), which the replay would otherwise work out with a window over
#: every change of every contact on each call (half of its time).
_SCHEMA = """
CREATE TABLE message (
    id BIGINT PRIMARY KEY, workspace_id BIGINT, conversation_id BIGINT, contact_id BIGINT,
    channel VARCHAR, direction VARCHAR, sender_kind VARCHAR, status VARCHAR,
    purpose VARCHAR, segments INTEGER, sentiment DOUBLE, created_at TIMESTAMP);
CREATE TABLE event (
    id BIGINT PRIMARY KEY, workspace_id BIGINT, conversation_id BIGINT, contact_id BIGINT,
    kind VARCHAR, actor_kind VARCHAR, reason VARCHAR, to_value VARCHAR, from_value VARCHAR,
    created_at TIMESTAMP, prev_to VARCHAR, first_change BOOLEAN);
CREATE TABLE conversation (
    id BIGINT PRIMARY KEY, workspace_id BIGINT, contact_id BIGINT, channel VARCHAR,
    status VARCHAR, managed_by VARCHAR, escalation_reason VARCHAR, created_at TIMESTAMP,
    escalated_at TIMESTAMP, closed_at TIMESTAMP, updated_at TIMESTAMP,
    first_message_at TIMESTAMP, first_inbound_at TIMESTAMP);
CREATE TABLE contact (
    id BIGINT PRIMARY KEY, workspace_id BIGINT, lead_status VARCHAR, lead_temperature VARCHAR,
    opted_out_at TIMESTAMP, created_at TIMESTAMP, updated_at TIMESTAMP,
    first_message_at TIMESTAMP, first_conversation_at TIMESTAMP,
    first_conversation_id BIGINT, channel VARCHAR, temperature_changed BOOLEAN DEFAULT false);
"""

#: The Events the temperature replay reads (`leads.py` filters on this too, so the kept
#: order of changes is over exactly the rows it reads).
TEMPERATURE_CHANGE = "kind = 'lead_temperature_changed' AND to_value IS NOT NULL"

#: What rows arriving in `incoming` change in the kept columns (times never change, so rows
#: read again leave them as they were). A message may come before its conversation or
#: contact: the row is then started with the kept columns only, and completed when it comes.
_DERIVE = {
    "message": [
        """INSERT INTO conversation (id, first_message_at, first_inbound_at)
           SELECT conversation_id, min(created_at),
                  min(created_at) FILTER (WHERE direction = 'inbound')
           FROM incoming GROUP BY conversation_id
           ON CONFLICT (id) DO UPDATE SET
               first_message_at = least(first_message_at, excluded.first_message_at),
               first_inbound_at = least(first_inbound_at, excluded.first_inbound_at)""",
        """INSERT INTO contact (id, first_message_at)
           SELECT contact_id, min(created_at) FROM incoming GROUP BY contact_id
           ON CONFLICT (id) DO UPDATE SET
               first_message_at = least(first_message_at, excluded.first_message_at)""",
    ],
    "event": [
        # a late or re-read change can land between two others: its contact's changes are
        # placed again, all of them
        f"""UPDATE event SET prev_to = placed.prev_to, first_change = placed.first_change
           FROM (
               SELECT id, lag(to_value) OVER w AS prev_to, row_number() OVER w = 1 AS first_change
               FROM event
               WHERE {TEMPERATURE_CHANGE} AND contact_id IN (
                   SELECT contact_id FROM incoming WHERE {TEMPERATURE_CHANGE})
               WINDOW w AS (PARTITION BY contact_id ORDER BY created_at, id)
           ) placed
           WHERE event.id = placed.id""",
        f"""INSERT INTO contact (id, temperature_changed)
           SELECT DISTINCT contact_id, true FROM incoming
           WHERE {TEMPERATURE_CHANGE} AND contact_id IS NOT NULL
           ON CONFLICT (id) DO UPDATE SET temperature_changed = true""",
    ],
    "conversation": [
        """INSERT INTO contact (id, first_conversation_at, first_conversation_id, channel)
           SELECT contact_id, min(created_at), arg_min(id, (created_at, id)),
                  arg_min(channel, (created_at, id))
           FROM incoming GROUP BY contact_id
           ON CONFLICT (id) DO UPDATE SET
               first_conversation_at = excluded.first_conversation_at,
               first_conversation_id = excluded.first_conversation_id,
               channel = excluded.channel
           WHERE contact.first_conversation_id IS NULL
              OR excluded.first_conversation_at < contact.first_conversation_at
              OR (excluded.first_conversation_at = contact.first_conversation_at
                  AND excluded.first_conversation_id < contact.first_conversation_id)""",
    ],
}


def _message_query(after_id: int) -> Select:
    return (
        select(
            Message.id,
            Message.workspace_id,
            Message.conversation_id,
            Message.contact_id,
            Message.channel,
            Message.direction,
            Message.sender_kind,
            Message.status,
            Message.meta["purpose"].as_string().label("purpose"),
            Message.segments,
            Message.sentiment,
            Message.created_at,
        )
        .where(Message.id > after_id)
        .order_by(Message.id)
    )


def _event_query(after_id: int) -> Select:
    return (
        select(
            Event.id,
            Event.workspace_id,
            Event.conversation_id,
            Event.contact_id,
            Event.kind,
            Event.actor_kind,
            Event.data["reason"].as_string().label("reason"),
            Event.data["to"].as_string().label("to_value"),
            Event.data["from"].as_string().label("from_value"),
            Event.created_at,
        )
        .where(Event.id > after_id)
        .order_by(Event.id)
    )


def _conversation_query(since: datetime | None) -> Select:
    query = select(
        Conversation.id,
        Conversation.workspace_id,
        Conversation.contact_id,
        Conversation.channel,
        Conversation.status,
        Conversation.managed_by,
        Conversation.escalation_reason,
        Conversation.created_at,
        Conversation.escalated_at,
        Conversation.closed_at,
        Conversation.updated_at,
    )
    return query if since is None else query.where(Conversation.updated_at >= since)


def _contact_query(since: datetime | None) -> Select:
    query = select(
        Contact.id,
        Contact.workspace_id,
        Contact.lead_status,
        Contact.lead_temperature,
        Contact.opted_out_at,
        Contact.created_at,
        Contact.updated_at,
    )
    return query if since is None else query.where(Contact.updated_at >= since)


_TIME_COLUMNS = {
    "message": ("created_at",),
    "event": ("created_at",),
    "conversation": ("created_at", "escalated_at", "closed_at", "updated_at"),
    "contact": ("opted_out_at", "created_at", "updated_at"),
}


@dataclass
class Snapshot:
    """A DuckDB connection holding the analytics tables, and how fresh they are."""

    engine: Engine
    connection: duckdb.DuckDBPyConnection = field(init=False)
    refreshed_at: datetime | None = None
    last_refresh_seconds: float = 0.0
    _refreshed_clock: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.connection = duckdb.connect(":memory:")
        self.connection.execute("SET TimeZone = 'UTC'")
        # DuckDB keeps an in-memory database uncompressed unless asked: compressed, the
        # low-cardinality text columns every query filters on (direction, kind, channel)
        # are dictionary-encoded and scanned ~10-30% faster.
        self.connection.execute(f"ATTACH ':memory:' AS {_DATABASE} (COMPRESS)")
        self.connection.execute(f"USE {_DATABASE}")
        self.connection.execute(_SCHEMA)

    def fresh(self, max_age: float = MAX_AGE_SECONDS) -> duckdb.DuckDBPyConnection:
        """The connection, refreshed first if the copy is older than `max_age` seconds.
        Returns a cursor of its own for the caller's thread."""
        with self._lock:
            if self.refreshed_at is None or time.monotonic() - self._refreshed_clock > max_age:
                self.refresh()
        cursor = self.connection.cursor()
        cursor.execute(f"USE {_DATABASE}")  # a cursor starts in the default database
        return cursor

    def refresh(self) -> None:
        started = time.perf_counter()
        now = utcnow()
        since = self.refreshed_at - CHANGE_MARGIN if self.refreshed_at else None
        with self.engine.connect() as source:
            if self._went_back(source):
                # The database was restored or emptied under us: start again.
                since = None
                for table in _TIME_COLUMNS:
                    self.connection.execute(f"DELETE FROM {table}")
            recent = self.refreshed_at if since is not None else None
            for table, query, margin in (
                ("message", _message_query, MESSAGE_RECHECK),
                ("event", _event_query, CHANGE_MARGIN),
            ):
                self._copy(source, table, query, self._reread_after(table, recent, margin))
            self._replace(source, "conversation", _conversation_query(since))
            self._replace(source, "contact", _contact_query(since))
        # Rows added a few at a time are held uncompressed until a checkpoint (cheap: only
        # the changed row groups are rewritten); readers may keep reading meanwhile.
        self.connection.execute(f"CHECKPOINT {_DATABASE}")
        self.refreshed_at = now
        self._refreshed_clock = time.monotonic()
        self.last_refresh_seconds = time.perf_counter() - started

    def _went_back(self, source: Connection) -> bool:
        for table, model in (("message", Message), ("event", Event)):
            held = self._max_id(table)
            if held and (source.execute(select(func.max(model.id))).scalar() or 0) < held:
                return True
        return False

    def _max_id(self, table: str) -> int:
        return int(
            self.connection.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        )

    def _reread_after(self, table: str, refreshed_at: datetime | None, margin: timedelta) -> int:
        """The id to read `table` past: before the first row created within `margin` of the
        last refresh (ids follow time), else the highest held; 0 on the first load."""
        if refreshed_at is None:
            return 0
        since = (refreshed_at - margin).replace(tzinfo=None)
        after = self.connection.execute(
            f"SELECT coalesce(min(id) FILTER (WHERE created_at >= $since) - 1, max(id), 0) "
            f"FROM {table}",
            {"since": since},
        ).fetchone()[0]
        return int(after)

    def _copy(
        self, source: Connection, table: str, query: Callable[[int], Select], after: int
    ) -> None:
        """Read `table` past id `after` in chunks; rows already held are replaced."""
        replace = after < self._max_id(table)
        while True:
            frame = self._read(source, query(after).limit(CHUNK_ROWS), table)
            if frame.empty:
                return
            self._load(table, frame, replace=replace)
            if len(frame) < CHUNK_ROWS:
                return
            after = int(frame["id"].max())

    def _replace(self, source: Connection, table: str, query: Select) -> None:
        frame = self._read(source, query, table)
        if not frame.empty:
            self._load(table, frame, replace=True)

    @staticmethod
    def _read(source: Connection, query: Select, table: str) -> pd.DataFrame:
        frame = pd.read_sql_query(query, source)
        for column in _TIME_COLUMNS[table]:
            # SQLite hands back naive UTC strings, PostgreSQL aware datetimes: DuckDB holds
            # naive UTC (queries convert to the workspace's zone with `local()`).
            frame[column] = pd.to_datetime(
                frame[column], utc=True, format="ISO8601"
            ).dt.tz_localize(None)
        return frame

    def _load(self, table: str, frame: pd.DataFrame, replace: bool) -> None:
        """Rows into `table`, and what they change in the derived tables, at once."""
        self.connection.register("incoming", frame)
        try:
            columns = ", ".join(frame.columns)
            if table in ("conversation", "contact"):  # their kept columns stay
                update = ", ".join(f"{c} = excluded.{c}" for c in frame.columns if c != "id")
                verb, after = "INSERT", f"ON CONFLICT (id) DO UPDATE SET {update}"
            else:
                verb, after = "INSERT OR REPLACE" if replace else "INSERT", ""
            self.connection.begin()
            self.connection.execute(
                f"{verb} INTO {table} ({columns}) SELECT {columns} FROM incoming {after}"
            )
            for statement in _DERIVE.get(table, ()):
                self.connection.execute(statement)
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise
        finally:
            self.connection.unregister("incoming")


_snapshots: dict[str, Snapshot] = {}
_snapshots_lock = threading.Lock()


def forget_all() -> None:
    """Drop every snapshot (tests that reuse a database URL between data sets)."""
    with _snapshots_lock:
        _snapshots.clear()


def snapshot_for(engine: Engine) -> Snapshot:
    """The process's snapshot of the database behind `engine`."""
    key = engine.url.render_as_string(hide_password=False)
    with _snapshots_lock:
        if key not in _snapshots:
            _snapshots[key] = Snapshot(engine)
        return _snapshots[key]
