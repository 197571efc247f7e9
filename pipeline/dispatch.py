"""Dispatch: deliver the outbox. Rows are claimed (`queued` -> `sending`, with a lease) and
committed before the provider is called, so a crash mid-send leaves a `sending` row to be
surfaced, never a second send."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, col, or_

from data import outbox
from data.clock import utcnow
from data.db import session_scope
from data.models import Contact, Message
from data.vocab import DeliveryStatus, Direction
from pipeline.claims import claim
from pipeline.senders import Sender


def claim_due(session: Session, limit: int) -> list[Message]:
    """Take up to `limit` due outbox rows for this process: `queued` -> `sending`."""
    now = utcnow()
    due = (
        (Message.status == DeliveryStatus.QUEUED)
        & (Message.direction == Direction.OUTBOUND)
        & or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now)
    )
    rows = claim(session, due, col(Message.created_at), limit)
    for message in rows:
        message.status = DeliveryStatus.SENDING
        message.attempts += 1
    return rows


def dispatch_due(engine: Engine, sender: Sender, limit: int = 50) -> int:
    """Send what is due; returns how many messages were handled."""
    with session_scope(engine, write=True) as session:
        claimed = [m.id for m in claim_due(session, limit)]
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
