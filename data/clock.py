"""Time as the database stores it: timezone-aware UTC datetimes (SQLModel's UTCDateTime:
timestamptz on PostgreSQL, UTC text on SQLite, read back aware on both)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (the only kind the tables accept)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """`value` as aware UTC; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime) -> str:
    """ISO 8601 in UTC with a trailing Z ("2026-11-25T06:57:26Z")."""
    return as_utc(value).isoformat(timespec="seconds").replace("+00:00", "Z")
