"""Reads remembered for the rest of one transaction: rows that many messages of a batch need
(a workspace's sending address, say) are read once per transaction instead of once per
message. A transaction's end forgets everything; writing a row of a remembered model in the
same session (adding one, or flushing a change) forgets what was remembered for that model.

Such reads look at one model's table only, so they skip the session's autoflush unless a
row of that model has unflushed changes (`flushing_only_for`): in a chunk of the pipeline's
work, a query for the calendar or the team used to flush everything written so far on its
own, and a row changed before and after it cost two UPDATEs instead of one."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

T = TypeVar("T")
_KEY = "transaction_cache"


def remembered(session: OrmSession, model: type, key: Hashable, load: Callable[[], T]) -> T:
    """`load()`'s result for `key`, read at most once in this session's transaction. `load`
    must read `model`'s table only (see `flushing_only_for`)."""
    cache: dict[type, dict[Hashable, Any]] = session.info.setdefault(_KEY, {})
    per_model = cache.setdefault(model, {})
    if key not in per_model:
        with flushing_only_for(session, model):
            per_model[key] = load()
    return per_model[key]


@contextmanager
def flushing_only_for(session: OrmSession, model: type) -> Iterator[None]:
    """Queries inside read only `model`'s table: the session's autoflush runs only if a row of
    `model` has unflushed changes, since nothing else pending can change what they find."""
    pending = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, model) for row in pending):
        yield
        return
    with session.no_autoflush:
        yield


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
