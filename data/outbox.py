"""The outbox: every outgoing message (AI reply, operator reply, quick action, automation,
owner alert) is first a `queued` Message row written here; the pipeline delivers it.

The rules that must hold whoever sends live here once: nothing automated goes to an opted-out
contact, a manual SMS/WhatsApp to one needs an explicit override (recorded as an Event), a
person's reply takes the conversation over, and a first reply moves a New lead to Contacted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from data import contacts, conversations, events, sms, workspaces
from data.answers.formatting import email_subject
from data.clock import as_utc, utcnow
from data.db import insert_returning
from data.events import Actor
from data.models import Contact, Conversation, Message
from data.vocab import (
    PHONE_CHANNELS,
    ActorKind,
    ChannelKind,
    DeliveryStatus,
    Direction,
    EventKind,
    LeadStatus,
    SenderKind,
)

#: Outbound purposes that may reach an opted-out contact: the one confirmation carriers
#: require after STOP.
OPT_OUT_EXEMPT_PURPOSES = frozenset({"opt_out_confirmation"})

#: Purposes of messages to the business's own people (escalation alerts), not the customer:
#: the customer's opt-out does not apply to them, and they stay out of the inbox preview.
STAFF_PURPOSES = frozenset({"alert"})

#: Channels where an opt-out blocks even a person's message unless they override it.
OVERRIDABLE_CHANNELS = (ChannelKind.SMS, ChannelKind.WHATSAPP)

MAX_BODY_LENGTH = 10_000


class OutboxError(ValueError):
    """A message that cannot be queued; the message says why, in words for the operator."""


class EmptyMessage(OutboxError):
    pass


class NoAddress(OutboxError):
    pass


class OptedOut(OutboxError):
    pass


class OutsideWindow(OutboxError):
    pass


#: WhatsApp allows free-form messages for 24 hours after the customer's last message.
WHATSAPP_WINDOW = timedelta(hours=24)


def whatsapp_window_open(conversation: Conversation, now: datetime | None = None) -> bool:
    """Whether WhatsApp still allows free-form messages: 24 hours from the customer's last."""
    last = conversation.last_inbound_at
    return last is not None and as_utc(now or utcnow()) - as_utc(last) <= WHATSAPP_WINDOW


def contact_address(contact: Contact, channel: str) -> str | None:
    """Where a message to `contact` on `channel` goes, if they have such an address."""
    if channel in PHONE_CHANNELS:
        return contact.phone
    if channel == ChannelKind.EMAIL:
        return contact.email
    if channel == ChannelKind.WEBCHAT:
        return contact.visitor_id
    return None


_NO_ADDRESS = {
    ChannelKind.SMS: "This customer has no phone number for SMS.",
    ChannelKind.WHATSAPP: "This customer has no phone number for WhatsApp.",
    ChannelKind.EMAIL: "This customer has no email address.",
    ChannelKind.WEBCHAT: "This customer has no web-chat session to reply to.",
}


def enqueue(
    session: Session,
    conversation: Conversation,
    body: str,
    sender: Actor,
    *,
    channel: str | None = None,
    to_address: str | None = None,
    subject: str | None = None,
    answers_message_id: int | None = None,
    override_opt_out: bool = False,
    purpose: str | None = None,
    meta: dict[str, Any] | None = None,
) -> Message:
    """Queue `body` for the conversation's customer (on `channel`, default the conversation's
    own) and return the outbox row. Raises an OutboxError subclass with a readable reason."""
    if sender.kind == ActorKind.CUSTOMER:
        raise OutboxError("Customers do not send through the outbox.")
    text = (body or "").strip()
    if not text:
        raise EmptyMessage("The message is empty.")
    if len(text) > MAX_BODY_LENGTH:
        raise OutboxError(f"The message is longer than {MAX_BODY_LENGTH} characters.")
    channel = channel or conversation.channel
    if channel == ChannelKind.VOICE:
        raise OutboxError("Calls cannot be answered with text: use Call, Text or Email.")
    contact = contacts.get(session, conversation.workspace_id, conversation.contact_id)
    if contact is None:
        raise OutboxError("The conversation's contact no longer exists.")
    to_address = to_address or contact_address(contact, channel)
    if not to_address:
        raise NoAddress(_NO_ADDRESS.get(channel, f"No address for {channel}."))
    own = workspaces.channel_for(session, conversation.workspace_id, channel)
    if own is None:
        raise NoAddress(f"The business has no {channel} address set up yet (Settings).")

    if contact.opted_out and purpose not in OPT_OUT_EXEMPT_PURPOSES:
        if not sender.is_person:
            raise OptedOut("The customer has opted out: nothing automated may be sent.")
        if channel in OVERRIDABLE_CHANNELS and not override_opt_out:
            raise OptedOut(
                "The customer opted out of messages. Sending needs an explicit override."
            )

    if channel == ChannelKind.EMAIL and not subject:
        # Replies keep the thread's subject: mail clients split threads whose subject changes.
        subject = email_subject(conversation.subject) if channel == conversation.channel else None
    if channel != conversation.channel:
        # A quick action on another channel (Text from an email thread) lands in the
        # customer's conversation on that channel, so their answer threads with it.
        conversation, _ = conversations.find_or_create(session, contact, channel, own.id)

    if channel == ChannelKind.WHATSAPP and not whatsapp_window_open(conversation):
        template = (own.config or {}).get("whatsapp_template") or {}
        if sender.is_person or not template.get("content_sid"):
            raise OutsideWindow(
                "WhatsApp's 24-hour window is closed: the customer has to write first"
                + (
                    "."
                    if template.get("content_sid")
                    else ", or set up an approved template for automated messages (Settings)."
                )
            )

    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        contact_id=contact.id,
        channel=channel,
        direction=Direction.OUTBOUND,
        sender_kind=str(sender.kind),
        sender_user_id=sender.user_id,
        body=text,
        subject=subject,
        meta={
            **(meta or {}),
            **({"purpose": purpose} if purpose else {}),
            **({"opt_out_override": True} if contact.opted_out and override_opt_out else {}),
        },
        from_address=own.address,
        to_address=to_address,
        status=DeliveryStatus.QUEUED,
        answers_message_id=answers_message_id,
        segments=sms.segments(text) if channel == ChannelKind.SMS else None,
    )
    if conversation.id is None or contact.id is None:
        session.flush()  # rows created in this transaction: they must exist for the INSERT
    # One INSERT, not a flush of everything else the transaction has changed so far (a
    # chunk of triage and replies): the flush cost several times the statement.
    message = insert_returning(session, message)  # type: ignore[assignment]

    if contact.opted_out and sender.is_person and purpose not in OPT_OUT_EXEMPT_PURPOSES:
        events.record(
            session,
            conversation.workspace_id,
            EventKind.OPT_OUT_OVERRIDDEN,
            sender,
            conversation_id=conversation.id,
            contact_id=contact.id,
            data={"message_id": message.id, "channel": channel},
        )
    if sender.is_person:
        conversations.take_over(session, conversation, sender)
        conversations.mark_read(session, conversation)
    if sender.kind in (ActorKind.AI, ActorKind.OPERATOR) and contact.lead_status == LeadStatus.NEW:
        contacts.set_lead_status(
            session, contact, LeadStatus.CONTACTED, sender, conversation_id=conversation.id
        )
    conversations.note_message(conversation, message)
    session.add(conversation)
    return message


AUTOMATED_SENDERS = (SenderKind.AI, SenderKind.AUTOMATION, SenderKind.SYSTEM)


def send_refusal(message: Message, contact: Contact) -> str | None:
    """Why a queued message must not be sent now, or None. Checked by the dispatcher at send
    time, because a contact can opt out between enqueueing and sending."""
    purpose = message.meta.get("purpose")
    if not contact.opted_out or purpose in OPT_OUT_EXEMPT_PURPOSES or purpose in STAFF_PURPOSES:
        return None
    if message.sender_kind in AUTOMATED_SENDERS:
        return "Not sent: the customer opted out before it went out."
    if message.channel in OVERRIDABLE_CHANNELS and not message.meta.get("opt_out_override"):
        return "Not sent: the customer opted out after it was written. Send it again to override."
    return None
