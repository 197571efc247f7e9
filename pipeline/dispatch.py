"""Dispatch: deliver the outbox. Rows are claimed (`queued` -> `sending`, with a lease) and
committed before the provider is called, so a crash mid-send leaves a `sending` row to be
surfaced, never a second send."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, or_, select

from data import outbox
from data.clock import utcnow
from data.db import session_scope
from data.models import Contact, Message
from data.vocab import DeliveryStatus, Direction
from pipeline.senders import Sender

LEASE = timedelta(minutes=2)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def claim(session: Session, limit: int) -> list[Message]:
    """Take up to `limit` due outbox rows for this process (SKIP LOCKED on PostgreSQL)."""
    now = utcnow()
    rows = list(
        session.exec(
            select(Message)
            .where(
                Message.status == DeliveryStatus.QUEUED,
                Message.direction == Direction.OUTBOUND,
                or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now),
            )
            .order_by(col(Message.created_at), col(Message.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    for message in rows:
        message.status = DeliveryStatus.SENDING
        message.attempts += 1
        message.lease_owner = WORKER_ID
        message.lease_expires_at = now + LEASE
        session.add(message)
    return rows


def dispatch_due(engine: Engine, sender: Sender, limit: int = 50) -> int:
    """Send what is due; returns how many messages were handled."""
    with session_scope(engine, write=True) as session:
        claimed = [m.id for m in claim(session, limit)]
    for message_id in claimed:
        with session_scope(engine, write=True) as session:
            message = session.get(Message, message_id)
            refusal = outbox.send_refusal(message, session.get(Contact, message.contact_id))
            if refusal:
                message.status = DeliveryStatus.FAILED
                message.error_code = "opted_out"
                message.error_message = refusal
                message.lease_owner = message.lease_expires_at = None
                session.add(message)
                continue
            result = sender.send(message)
            message.provider_id = result.provider_id
            message.status = result.status
            message.sent_at = utcnow()
            message.lease_owner = message.lease_expires_at = None
            session.add(message)
    return len(claimed)
