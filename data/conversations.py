"""Conversations: finding or creating one for an inbound message, the status and takeover
transitions (each writes an Event), the last-message summary the inbox list reads
(`data.inbox` holds the list query itself), and a conversation's messages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from data import events
from data.clock import utcnow
from data.db import insert_returning
from data.events import Actor
from data.models import Contact, Conversation, Message, Workspace
from data.vocab import (
    ChannelKind,
    ConversationStatus,
    Direction,
    EscalationReason,
    EventKind,
    ManagedBy,
)
from data.workspaces import auto_reply_enabled

PREVIEW_LENGTH = 120


class InvalidTransition(ValueError):
    """A status or takeover change that is not allowed; the message says why."""


def get(session: Session, workspace_id: int, conversation_id: int) -> Conversation | None:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.workspace_id != workspace_id:
        return None
    return conversation


def for_contact(session: Session, workspace_id: int, contact_id: int) -> list[Conversation]:
    """A contact's conversations on every channel, most recent activity first."""
    return list(
        session.exec(
            select(Conversation)
            .where(Conversation.workspace_id == workspace_id, Conversation.contact_id == contact_id)
            .order_by(col(Conversation.last_message_at).desc())
        )
    )


# Built once: every inbound message looks its conversation up.
_LATEST_ON_CHANNEL = (
    select(Conversation)
    .where(
        Conversation.workspace_id == bindparam("workspace_id"),
        Conversation.contact_id == bindparam("contact_id"),
        Conversation.channel == bindparam("channel"),
    )
    .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
    .limit(1)
)


def latest_on_channel_id(contact: Any, channel: ColumnElement[str]) -> ColumnElement[int]:
    """The id of `contact`'s most recent conversation on `channel` (the one `find_or_create`
    picks) as a correlated subquery, so `data.inbound` can read sender and conversation in one
    statement. `contact` is the Contact entity (or an alias) of the enclosing query."""
    other = aliased(Conversation)
    return (
        select(other.id)
        .where(
            other.workspace_id == contact.workspace_id,
            other.contact_id == contact.id,
            other.channel == channel,
        )
        .order_by(col(other.last_message_at).desc(), col(other.id).desc())
        .limit(1)
        .correlate_except(other)
        .scalar_subquery()
    )


def resume(session: Session, conversation: Conversation) -> None:
    """The customer writes again in `conversation`: a closed one is reopened, with an Event."""
    if conversation.status == ConversationStatus.CLOSED:
        reopen(session, conversation, Actor.customer())


def find_or_create(
    session: Session,
    contact: Contact,
    channel: str,
    channel_id: int | None = None,
    subject: str | None = None,
) -> tuple[Conversation, bool]:
    """The contact's conversation on `channel` (the most recent one), created if there is
    none. A closed one is reopened by the customer writing again, with an Event."""
    conversation = session.exec(
        _LATEST_ON_CHANNEL,
        params={"workspace_id": contact.workspace_id, "contact_id": contact.id, "channel": channel},
    ).first()
    if conversation is None:
        new = Conversation(
            workspace_id=contact.workspace_id,
            contact_id=contact.id,
            channel=channel,
            channel_id=channel_id,
            subject=subject,
        )
        created = insert_returning(session, new)
        assert created is not None  # no conflict clause: it is inserted or raises
        return created, True
    resume(session, conversation)
    return conversation, False


def _preview(message: Message) -> str:
    text = re.sub(r"\s+", " ", message.body or "").strip()
    if not text and message.media:
        text = f"[{len(message.media)} attachment{'s' if len(message.media) > 1 else ''}]"
    if not text and message.subject:
        text = message.subject
    return text[:PREVIEW_LENGTH]


def note_message(conversation: Conversation, message: Message) -> None:
    """Fold a new message into the conversation's last-message summary and unread count."""
    for key, value in message_changes(conversation, message).items():
        setattr(conversation, key, value)


def message_changes(conversation: Conversation, message: Message) -> dict[str, Any]:
    """What `note_message` changes on the conversation, without changing it (for callers
    that write the row themselves, e.g. `data.db.write_through`)."""
    return activity_changes(
        conversation,
        at=message.created_at or utcnow(),
        preview=_preview(message),
        sender_kind=message.sender_kind,
        inbound=message.direction == Direction.INBOUND,
    )


def note_activity(
    conversation: Conversation, *, at: datetime, preview: str, sender_kind: str, inbound: bool
) -> None:
    """Fold any activity (a message, a call) into the inbox summary of the conversation."""
    changes = activity_changes(
        conversation, at=at, preview=preview, sender_kind=sender_kind, inbound=inbound
    )
    for key, value in changes.items():
        setattr(conversation, key, value)


def activity_changes(
    conversation: Conversation, *, at: datetime, preview: str, sender_kind: str, inbound: bool
) -> dict[str, Any]:
    """The conversation's new inbox summary after some activity: only the changed fields."""
    changes: dict[str, Any] = {}
    if at >= conversation.last_message_at or conversation.last_message_sender is None:
        changes["last_message_at"] = at
        changes["last_message_preview"] = re.sub(r"\s+", " ", preview).strip()[:PREVIEW_LENGTH]
        changes["last_message_sender"] = sender_kind
    if inbound:
        changes["unread_count"] = conversation.unread_count + 1
        changes["last_inbound_at"] = max(conversation.last_inbound_at or at, at)
    changes["updated_at"] = utcnow()
    return changes


def mark_read(session: Session, conversation: Conversation) -> None:
    if conversation.unread_count:
        conversation.unread_count = 0
        session.add(conversation)


def _set_status(
    session: Session,
    conversation: Conversation,
    status: ConversationStatus,
    kind: EventKind,
    actor: Actor,
    data: dict | None = None,
) -> None:
    previous = conversation.status
    conversation.status = status
    conversation.updated_at = utcnow()
    session.add(conversation)
    events.record(
        session,
        conversation.workspace_id,
        kind,
        actor,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
        data={"from": previous, "to": str(status), **(data or {})},
    )


def escalate(
    session: Session,
    conversation: Conversation,
    reason: str,
    actor: Actor,
    note: str | None = None,
) -> bool:
    """Hand the conversation to people: status Escalated, the reason kept, the AI silent.
    Returns False (and records nothing) if it is already escalated, so callers send one
    holding reply and one alert per escalation."""
    if reason not in set(EscalationReason):
        raise InvalidTransition(f"Unknown escalation reason {reason!r}.")
    if conversation.status == ConversationStatus.ESCALATED:
        return False
    conversation.escalation_reason = reason
    conversation.escalation_note = (note or "").strip()[:1000] or None
    conversation.escalated_at = utcnow()
    conversation.closed_at = None
    _set_status(
        session,
        conversation,
        ConversationStatus.ESCALATED,
        EventKind.ESCALATED,
        actor,
        {"reason": reason, "note": conversation.escalation_note},
    )
    return True


def take_over(session: Session, conversation: Conversation, actor: Actor) -> bool:
    """A person handles the conversation from now on; the AI stays silent until Resume AI."""
    if not actor.is_person:
        raise InvalidTransition("Only a person can take a conversation over.")
    if conversation.managed_by == ManagedBy.HUMAN:
        return False
    conversation.managed_by = ManagedBy.HUMAN
    conversation.updated_at = utcnow()
    session.add(conversation)
    events.record(
        session,
        conversation.workspace_id,
        EventKind.TAKEN_OVER,
        actor,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
    )
    return True


def resume_ai(session: Session, conversation: Conversation, actor: Actor) -> bool:
    """Hand the conversation back to the AI. An escalation is settled by it: the status
    returns to Active (a closed conversation stays closed)."""
    if not actor.is_person:
        raise InvalidTransition("Only a person can hand a conversation back to the AI.")
    if (
        conversation.managed_by == ManagedBy.AI
        and conversation.status != ConversationStatus.ESCALATED
    ):
        return False
    previous_status = conversation.status
    conversation.managed_by = ManagedBy.AI
    if conversation.status == ConversationStatus.ESCALATED:
        conversation.status = ConversationStatus.ACTIVE
    conversation.updated_at = utcnow()
    session.add(conversation)
    events.record(
        session,
        conversation.workspace_id,
        EventKind.AI_RESUMED,
        actor,
        conversation_id=conversation.id,
        contact_id=conversation.contact_id,
        data={"from": previous_status, "to": conversation.status},
    )
    return True


def close(session: Session, conversation: Conversation, actor: Actor) -> bool:
    if conversation.status == ConversationStatus.CLOSED:
        return False
    conversation.closed_at = utcnow()
    _set_status(session, conversation, ConversationStatus.CLOSED, EventKind.CLOSED, actor)
    return True


def reopen(session: Session, conversation: Conversation, actor: Actor) -> bool:
    if conversation.status != ConversationStatus.CLOSED:
        return False
    conversation.closed_at = None
    _set_status(session, conversation, ConversationStatus.ACTIVE, EventKind.REOPENED, actor)
    return True


def ai_silence_reason(
    workspace: Workspace, conversation: Conversation, contact: Contact
) -> str | None:
    """Why the AI may not answer in this conversation right now, or None if it may."""
    if conversation.channel == ChannelKind.VOICE:
        return "Call transcripts are read-only."
    if not auto_reply_enabled(workspace, conversation.channel):
        return f"AI replies are switched off for {conversation.channel}."
    if contact.opted_out:
        return "The customer has opted out."
    if conversation.managed_by == ManagedBy.HUMAN:
        return "A person has taken this conversation over."
    if conversation.status == ConversationStatus.ESCALATED:
        return "The conversation is escalated to a person."
    if conversation.status == ConversationStatus.CLOSED:
        return "The conversation is closed."
    return None


def messages(session: Session, workspace_id: int, conversation_id: int) -> list[Message]:
    """A conversation's messages, oldest first."""
    return list(
        session.exec(
            select(Message)
            .where(Message.workspace_id == workspace_id, Message.conversation_id == conversation_id)
            .order_by(col(Message.created_at), col(Message.id))
        )
    )


def contact_thread(session: Session, workspace_id: int, contact_id: int) -> list[Message]:
    """Every message with a contact across all their channels, oldest first."""
    return list(
        session.exec(
            select(Message)
            .where(Message.workspace_id == workspace_id, Message.contact_id == contact_id)
            .order_by(col(Message.created_at), col(Message.id))
        )
    )
