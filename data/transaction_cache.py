"""Reads remembered for the rest of one transaction: rows that many messages of a batch need
(a workspace's sending address, say) are read once per transaction instead of once per
message. A transaction's end forgets everything; writing a row of a remembered model in the
same session (adding one, or flushing a change) forgets what was remembered for that model."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

T = TypeVar("T")
_KEY = "transaction_cache"


def remembered(session: OrmSession, model: type, key: Hashable, load: Callable[[], T]) -> T:
    """`load()`'s result for `key`, read at most once in this session's transaction."""
    cache: dict[type, dict[Hashable, Any]] = session.info.setdefault(_KEY, {})
    per_model = cache.setdefault(model, {})
    if key not in per_model:
        per_model[key] = load()
    return per_model[key]


def remembered_rows(
    session: OrmSession, model: type, key: Hashable, load: Callable[[], Sequence[T]]
) -> list[T]:
    """`remembered` for rows of `model`, less those deleted in this session since (a deletion
    only makes the cache forget at the next flush)."""
    rows = remembered(session, model, key, load)
    deleted = session.deleted
    return [row for row in rows if row not in deleted]


@event.listens_for(OrmSession, "after_flush")
def _forget_written(session: OrmSession, _context: object) -> None:
    cache = session.info.get(_KEY)
    if not cache:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        cache.pop(type(obj), None)


@event.listens_for(OrmSession, "transient_to_pending")
def _forget_added(session: OrmSession, instance: object) -> None:
    # A row added but not yet flushed would be found by a query (autoflush) but not by the
    # cache: forget its model at once.
    cache = session.info.get(_KEY)
    if cache:
        cache.pop(type(instance), None)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_all(session: OrmSession, transaction: object) -> None:
    # Nested transactions (savepoints) end inside the outer one; only the outer one's end
    # makes what was read stale.
    if getattr(transaction, "parent", None) is None:
        session.info.pop(_KEY, None)
