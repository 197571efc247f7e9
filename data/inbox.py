"""The inbox list: one indexed query over conversations and their contacts, newest activity
first, filtered by channel, status, takeover and search, keyset-paged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, and_, col, exists, or_, select

from data.models import Contact, Conversation, Message
from data.search import ESCAPE, contains_pattern


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox list: the conversation and who it is with."""

    conversation_id: int
    contact_id: int
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    opted_out: bool
    channel: str
    status: str
    managed_by: str
    escalation_reason: str | None
    subject: str | None
    last_message_at: datetime
    last_message_preview: str
    last_message_sender: str | None
    unread_count: int


def list_inbox(
    session: Session,
    workspace_id: int,
    *,
    channel: str | None = None,
    status: str | None = None,
    managed_by: str | None = None,
    search: str | None = None,
    before: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> list[InboxRow]:
    """A page of the inbox, newest activity first. Page on with `before` = the last row's
    (last_message_at, conversation_id): keyset paging stays fast however deep it goes."""
    query = (
        select(Conversation, Contact)
        .join(Contact, col(Contact.id) == col(Conversation.contact_id))
        .where(Conversation.workspace_id == workspace_id)
    )
    if channel:
        query = query.where(Conversation.channel == channel)
    if status:
        query = query.where(Conversation.status == status)
    if managed_by:
        query = query.where(Conversation.managed_by == managed_by)
    if search and search.strip():
        pattern = contains_pattern(search)
        in_messages = exists().where(
            col(Message.conversation_id) == col(Conversation.id),
            col(Message.body).ilike(pattern, escape=ESCAPE),
        )
        query = query.where(
            or_(
                col(Contact.name).ilike(pattern, escape=ESCAPE),
                col(Contact.phone).ilike(pattern, escape=ESCAPE),
                col(Contact.email).ilike(pattern, escape=ESCAPE),
                col(Conversation.subject).ilike(pattern, escape=ESCAPE),
                in_messages,
            )
        )
    if before is not None:
        at, conversation_id = before
        query = query.where(
            # Redundant with the OR below, but it is what lets the index seek to the cursor
            # instead of reading and discarding every newer row (measured: deep pages went
            # from 10-22 ms to the first page's 1.5-2 ms at 100k conversations).
            col(Conversation.last_message_at) <= at,
            or_(
                col(Conversation.last_message_at) < at,
                and_(
                    col(Conversation.last_message_at) == at,
                    col(Conversation.id) < conversation_id,
                ),
            ),
        )
    query = query.order_by(
        col(Conversation.last_message_at).desc(), col(Conversation.id).desc()
    ).limit(max(1, min(limit, 500)))
    return [
        InboxRow(
            conversation_id=conv.id,
            contact_id=contact.id,
            contact_name=contact.name,
            contact_phone=contact.phone,
            contact_email=contact.email,
            opted_out=contact.opted_out,
            channel=conv.channel,
            status=conv.status,
            managed_by=conv.managed_by,
            escalation_reason=conv.escalation_reason,
            subject=conv.subject,
            last_message_at=conv.last_message_at,
            last_message_preview=conv.last_message_preview,
            last_message_sender=conv.last_message_sender,
            unread_count=conv.unread_count,
        )
        for conv, contact in session.exec(query)
    ]
