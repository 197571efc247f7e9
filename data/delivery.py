"""Delivery status of outbound messages as providers report it (Twilio status callbacks).

Callbacks can arrive out of order; a status only ever moves forward (queued → sent →
delivered → read; failed and undelivered are final unless the carrier later says delivered).
Twilio error 21610 means the recipient has unsubscribed: the contact is opted out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from data import contacts
from data.clock import utcnow
from data.events import Actor
from data.inbound import find_duplicate
from data.models import Contact, Message
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
        contact = session.get(Contact, message.contact_id)
        if contact is not None:
            contacts.opt_out(
                session,
                contact,
                keyword="carrier error 21610 (recipient unsubscribed)",
                channel=message.channel,
                actor=Actor.system("Carrier"),
                conversation_id=message.conversation_id,
            )
    return StatusUpdate(message, changed)
