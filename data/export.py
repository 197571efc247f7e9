"""`inbox export`: a workspace as JSON Lines, the backup and migration format.

Line types, in this order: one `workspace` (settings and channels), its `user`s (never password
hashes), its `knowledge_entry`s, then one `conversation` per line with its contact (lead state,
opt-out, notes, appointments), messages (sender kind, operator, delivery status and error),
calls and events. Times are ISO 8601 UTC with a trailing Z.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from data.clock import iso
from data.models import (
    Appointment,
    Call,
    Channel,
    Contact,
    Conversation,
    Event,
    KnowledgeEntry,
    Message,
    Note,
    User,
    Workspace,
)

BATCH = 500
_SECRET_FIELDS = {"password_hash"}
_INTERNAL_MESSAGE_FIELDS = {"lease_owner", "lease_expires_at"}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return value


def _row(obj: SQLModel, drop: Iterable[str] = ()) -> dict[str, Any]:
    skip = set(drop) | _SECRET_FIELDS
    return {k: _value(v) for k, v in obj.model_dump().items() if k not in skip}


def _grouped(session: Session, model: type[SQLModel], column: Any, ids: list[int]) -> dict:
    groups: dict[int, list] = defaultdict(list)
    if ids:
        for item in session.exec(select(model).where(column.in_(ids)).order_by(model.id)):
            groups[getattr(item, column.key)].append(item)
    return groups


def export_workspace(session: Session, workspace: Workspace) -> Iterator[dict[str, Any]]:
    """Every record of `workspace`, one dict per JSON line."""
    wid = workspace.id
    channels = session.exec(select(Channel).where(Channel.workspace_id == wid)).all()
    yield {"type": "workspace", **_row(workspace), "channels": [_row(c) for c in channels]}
    users = session.exec(select(User).where(User.workspace_id == wid).order_by(col(User.id)))
    emails: dict[int, str] = {}
    for user in users:
        emails[user.id] = user.email
        yield {"type": "user", **_row(user)}
    entries = session.exec(
        select(KnowledgeEntry)
        .where(KnowledgeEntry.workspace_id == wid)
        .order_by(col(KnowledgeEntry.id))
    )
    for entry in entries:
        yield {"type": "knowledge_entry", **_row(entry)}

    last_id = 0
    while True:
        batch = session.exec(
            select(Conversation)
            .where(Conversation.workspace_id == wid, col(Conversation.id) > last_id)
            .order_by(col(Conversation.id))
            .limit(BATCH)
        ).all()
        if not batch:
            return
        last_id = batch[-1].id
        yield from _conversations(session, wid, batch, emails)


def _conversations(
    session: Session, wid: int, batch: list[Conversation], emails: dict[int, str]
) -> Iterator[dict[str, Any]]:
    conv_ids = [c.id for c in batch]
    contact_ids = sorted({c.contact_id for c in batch})
    contacts_by_id = {
        c.id: c
        for c in session.exec(
            select(Contact).where(Contact.workspace_id == wid, col(Contact.id).in_(contact_ids))
        )
    }
    messages = _grouped(session, Message, col(Message.conversation_id), conv_ids)
    events = _grouped(session, Event, col(Event.conversation_id), conv_ids)
    calls = _grouped(session, Call, col(Call.conversation_id), conv_ids)
    notes = _grouped(session, Note, col(Note.contact_id), contact_ids)
    appointments = _grouped(session, Appointment, col(Appointment.contact_id), contact_ids)
    for conversation in batch:
        contact = contacts_by_id[conversation.contact_id]
        yield {
            "type": "conversation",
            **_row(conversation),
            "contact": {
                **_row(contact),
                "notes": [
                    {**_row(n), "author": emails.get(n.author_user_id)} for n in notes[contact.id]
                ],
                "appointments": [_row(a) for a in appointments[contact.id]],
            },
            "messages": [
                {**_row(m, _INTERNAL_MESSAGE_FIELDS), "sender": emails.get(m.sender_user_id)}
                for m in messages[conversation.id]
            ],
            "calls": [_row(c) for c in calls[conversation.id]],
            "events": [
                {**_row(e), "actor": emails.get(e.actor_user_id)} for e in events[conversation.id]
            ],
        }
