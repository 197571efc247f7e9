"""Delivery status of outbound messages as providers report it (Twilio status callbacks).

Callbacks can arrive out of order; a status only ever moves forward (queued → sent →
delivered → read; failed and undelivered are final unless the carrier later says delivered).
Twilio error 21610 means the recipient has unsubscribed: the contact is opted out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from data import contacts
from data.clock import utcnow
from data.events import Actor
from data.inbound import find_duplicate
from data.models import Contact, Message
from data.outbox import STAFF_PURPOSES
from data.vocab import DeliveryStatus, Direction

_RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SENDING: 1,
    DeliveryStatus.UNKNOWN: 1,
    "accepted": 1,
    "scheduled": 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.FAILED: 3,
    DeliveryStatus.UNDELIVERED: 3,
    DeliveryStatus.DELIVERED: 4,
    DeliveryStatus.READ: 5,
}
#: Provider statuses we store, mapped to ours (Twilio's "accepted"/"scheduled" are queued).
PROVIDER_STATUSES = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENDING,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}
UNSUBSCRIBED_ERROR = "21610"


class UnknownStatus(ValueError):
    pass


@dataclass(frozen=True)
class StatusUpdate:
    message: Message | None
    changed: bool


def find_outbound(
    session: Session, workspace_id: int, channel: str, provider_id: str
) -> Message | None:
    """The outbound message the provider knows as `provider_id`."""
    message = find_duplicate(session, workspace_id, channel, provider_id)
    return message if message is not None and message.direction == Direction.OUTBOUND else None


def record_status(
    session: Session,
    workspace_id: int,
    channel: str,
    provider_id: str,
    status: str,
    error_code: str | None = None,
    error_message: str | None = None,
) -> StatusUpdate:
    """Apply a provider's status report to the outbound message it names."""
    ours = PROVIDER_STATUSES.get((status or "").strip().lower())
    if ours is None:
        raise UnknownStatus(f"Unknown message status {status!r}.")
    message = find_outbound(session, workspace_id, channel, provider_id)
    if message is None:
        return StatusUpdate(None, False)
    changed = False
    if _RANK[ours] > _RANK.get(message.status, 0):
        message.status = ours
        changed = True
        if ours == DeliveryStatus.DELIVERED:
            message.delivered_at = utcnow()
    if error_code and error_code != "0" and message.error_code != error_code:
        message.error_code = error_code[:32]
        message.error_message = (error_message or message.error_message or "")[:1000] or None
        changed = True
    if changed:
        session.add(message)
    if error_code == UNSUBSCRIBED_ERROR:
        _carrier_opt_out(session, message)
    return StatusUpdate(message, changed)


def _carrier_opt_out(session: Session, message: Message) -> None:
    contact = session.get(Contact, message.contact_id)
    if contact is not None and message.meta.get("purpose") not in STAFF_PURPOSES:
        contacts.opt_out(
            session,
            contact,
            keyword="carrier error 21610 (recipient unsubscribed)",
            channel=message.channel,
            actor=Actor.system("Carrier"),
            conversation_id=message.conversation_id,
        )


# What dispatch records after handing a message to a provider (or failing to).


def _settle(message: Message, status: str) -> None:
    message.status = status
    message.lease_owner = None
    message.lease_expires_at = None


def mark_sent(session: Session, message: Message, provider_id: str, status: str) -> None:
    _settle(message, status)
    message.provider_id = provider_id
    message.sent_at = utcnow()
    message.error_code = message.error_message = None
    session.add(message)


def mark_failed(
    session: Session, message: Message, code: str | None, reason: str, opt_out: bool = False
) -> None:
    """A permanent failure, with the reason the console shows. `opt_out`: the provider says
    the recipient unsubscribed, so the contact is opted out too."""
    _settle(message, DeliveryStatus.FAILED)
    message.error_code = (code or "failed")[:32]
    message.error_message = reason[:1000]
    session.add(message)
    if opt_out:
        _carrier_opt_out(session, message)


def retry_later(
    session: Session, message: Message, code: str | None, reason: str, at: datetime
) -> None:
    """A transient failure: back to the queue, due again at `at`."""
    _settle(message, DeliveryStatus.QUEUED)
    message.next_attempt_at = at
    message.error_code = (code or "retrying")[:32]
    message.error_message = reason[:1000]
    session.add(message)


def reschedule(session: Session, message: Message, at: datetime) -> None:
    """Not an attempt: the message waits for its turn (the sending pace, quiet hours)."""
    _settle(message, DeliveryStatus.QUEUED)
    message.attempts = max(message.attempts - 1, 0)
    message.next_attempt_at = at
    session.add(message)


def mark_unknown(session: Session, message: Message, reason: str) -> None:
    """The provider may have taken the message: shown to a person, never resent by itself."""
    _settle(message, DeliveryStatus.UNKNOWN)
    message.error_code = "unknown"
    message.error_message = reason[:1000]
    session.add(message)


STUCK_REASON = (
    "The pipeline stopped while sending this message, so it may or may not have gone out. "
    "Check with the customer before sending it again."
)


def surface_stuck_sends(session: Session, now: datetime) -> int:
    """Messages left `sending` by a process that died mid-send (its lease expired) become
    `unknown`: at most once for customers, and visible instead of silently lost."""
    stuck = session.exec(
        select(Message).where(
            Message.status == DeliveryStatus.SENDING,
            col(Message.lease_expires_at) < now,
        )
    ).all()
    for message in stuck:
        mark_unknown(session, message, STUCK_REASON)
    return len(stuck)
