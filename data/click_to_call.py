"""Click-to-call: the console's Call action. It writes an intent (a Call row `requested`, with
an Event); the pipeline places it through the AI number, ringing the operator first and
connecting the customer when they answer, so the customer sees the business's number."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from data import contacts, events, workspaces
from data.addresses import InvalidAddress, normalize_phone
from data.events import Actor
from data.models import Call, Conversation
from data.vocab import ChannelKind, EventKind

REQUESTED = "requested"
DIALING = "dialing"


class CannotCall(ValueError):
    """The call cannot be placed; the message says why, for the operator."""


def request_call(
    session: Session, conversation: Conversation, operator_phone: str, actor: Actor
) -> Call:
    """Ask the pipeline to ring `operator_phone` and connect the conversation's customer."""
    if not actor.is_person:
        raise CannotCall("Only a person can start a call.")
    contact = contacts.get(session, conversation.workspace_id, conversation.contact_id)
    if contact is None or not contact.phone:
        raise CannotCall("This customer has no phone number to call.")
    if contact.opted_out:
        # A call is not a text, but a customer who said STOP should not be rung unasked.
        raise CannotCall("The customer opted out: call them from your own phone if they asked.")
    try:
        bridge = normalize_phone(operator_phone)
    except InvalidAddress as error:
        raise CannotCall(f"Your phone number is not valid: {error}") from error
    own = workspaces.channel_for(session, conversation.workspace_id, ChannelKind.VOICE)
    own = own or workspaces.channel_for(session, conversation.workspace_id, ChannelKind.SMS)
    if own is None:
        raise CannotCall("The business has no AI number to call from (Settings).")
    call = Call(
        workspace_id=conversation.workspace_id,
        contact_id=contact.id,
        conversation_id=conversation.id,
        provider_id=f"pending-{uuid.uuid4().hex}",
        direction="outbound",
        from_address=own.address,
        to_address=contact.phone,
        bridge_address=bridge,
        status=REQUESTED,
    )
    session.add(call)
    session.flush()
    events.record(
        session,
        conversation.workspace_id,
        EventKind.CALL_REQUESTED,
        actor,
        conversation_id=conversation.id,
        contact_id=contact.id,
        data={"call_id": call.id, "operator_phone": bridge},
    )
    return call


def requested(session: Session, limit: int) -> list[Call]:
    """Calls waiting to be placed, locked for this transaction (SKIP LOCKED on PostgreSQL)."""
    return list(
        session.exec(
            select(Call)
            .where(Call.status == REQUESTED)
            .order_by(col(Call.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
