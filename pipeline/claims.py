"""Claiming work from the database so that any number of pipeline processes share it: rows are
taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite runs one pipeline process and
serialises writers anyway) and leased to this process; a process that dies leaves a lease
that expires, and the next claim takes the row over."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, or_, select

from data.clock import utcnow
from data.db import session_scope
from data.models import Conversation, Message
from data.vocab import DeliveryStatus, Direction

#: How long a claim holds a message; INBOX_PIPELINE_LEASE_SECONDS shortens it (crash tests).
LEASE = timedelta(seconds=float(os.environ.get("INBOX_PIPELINE_LEASE_SECONDS", "120")))


def worker_id() -> str:
    # Computed per call: a forked worker has a new pid.
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_inbound(session: Session, due: Any, order: Any, limit: int) -> list[Message]:
    """Lease up to `limit` inbound messages matching `due` (a SQL condition)."""
    return claim(session, (Message.direction == Direction.INBOUND) & due, order, limit)


def claim(session: Session, due: Any, order: Any, limit: int) -> list[Message]:
    """Lease up to `limit` messages matching `due` to this process, skipping rows another
    process holds a live lease or a lock on."""
    now = utcnow()
    rows = list(
        session.exec(
            select(Message)
            .where(
                due,
                or_(col(Message.lease_expires_at).is_(None), col(Message.lease_expires_at) < now),
            )
            .order_by(order, col(Message.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    owner = worker_id()
    for message in rows:
        message.lease_owner = owner
        message.lease_expires_at = now + LEASE
        session.add(message)
    return rows


def locked_if_still_ours(
    session: Session, message_id: int, conversation_id: int, due: Any
) -> Message | None:
    """The message, locked for this transaction, if it is still due and this process still
    holds its lease (an expired lease may have passed to another process).

    Its conversation is locked first: every job that changes a conversation's messages takes
    the conversation, then the message, so two processes never wait on each other in a cycle
    (triage of one message and the reply to an earlier one in the same conversation did)."""
    session.exec(select(Conversation).where(Conversation.id == conversation_id).with_for_update())
    message = session.exec(
        select(Message).where(Message.id == message_id, due).with_for_update()
    ).first()
    if message is not None and message.lease_owner == worker_id():
        return message
    if message is None:
        # Finished meanwhile (a newer message of its burst took the reply over): if it is
        # still leased to us, let it go.
        leased = session.exec(
            select(Message)
            .where(Message.id == message_id, Message.lease_owner == worker_id())
            .with_for_update()
        ).first()
        if leased is not None:
            release(leased)
            session.add(leased)
    return None


def release(message: Message) -> None:
    message.lease_owner = None
    message.lease_expires_at = None


def _release_own(engine: Engine, which: Any) -> int:
    with session_scope(engine, write=True) as session:
        result = session.execute(
            update(Message)
            .where(col(Message.lease_owner) == worker_id(), which)
            .values(lease_owner=None, lease_expires_at=None)
        )
        return result.rowcount or 0


def release_answering(engine: Engine) -> int:
    """Give back this process's leases on inbound messages still to triage or answer: after the
    answer job's run failed on the database (a restart), what it had claimed would otherwise
    wait out the lease (two minutes) before anyone worked it. Only the answer job claims
    inbound messages, one run at a time, so none of these is in use when its next run starts."""
    return _release_own(
        engine,
        (Message.direction == Direction.INBOUND)
        & (col(Message.triaged_at).is_(None) | col(Message.reply_due_at).is_not(None)),
    )


def release_queued(engine: Engine) -> int:
    """Give back this process's leases on outbox rows still `queued` (claimed, not yet sent),
    after the dispatch job's run failed on the database. A `sending` row keeps its lease: its
    fate is for the outcome or housekeeping to settle, never a second send."""
    return _release_own(
        engine,
        (Message.direction == Direction.OUTBOUND) & (Message.status == DeliveryStatus.QUEUED),
    )
