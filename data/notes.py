"""Notes on a contact: written by a person, shown with author and time in the customer panel."""

from __future__ import annotations

from sqlmodel import Session, col, select

from data import events
from data.events import Actor
from data.models import Contact, Note, User
from data.vocab import EventKind

MAX_NOTE_LENGTH = 5000


class InvalidNote(ValueError):
    pass


def add(
    session: Session,
    contact: Contact,
    body: str,
    actor: Actor,
    conversation_id: int | None = None,
) -> Note:
    text = (body or "").strip()
    if not text:
        raise InvalidNote("The note is empty.")
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidNote(f"A note is at most {MAX_NOTE_LENGTH} characters.")
    note = Note(
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        conversation_id=conversation_id,
        author_user_id=actor.user_id,
        body=text,
    )
    session.add(note)
    session.flush()
    events.record(
        session,
        contact.workspace_id,
        EventKind.NOTE_ADDED,
        actor,
        contact_id=contact.id,
        conversation_id=conversation_id,
        data={"note_id": note.id},
    )
    return note


def for_contact(session: Session, workspace_id: int, contact_id: int) -> list[Note]:
    """A contact's notes, newest first."""
    return list(
        session.exec(
            select(Note)
            .where(Note.workspace_id == workspace_id, Note.contact_id == contact_id)
            .order_by(col(Note.created_at).desc(), col(Note.id).desc())
        )
    )


def with_authors(
    session: Session, workspace_id: int, contact_id: int, limit: int = 50
) -> list[tuple[Note, str]]:
    """A contact's newest notes with their author's name ("System" for notes no person
    wrote)."""
    rows = session.exec(
        select(Note, User.display_name)
        .join(User, col(User.id) == col(Note.author_user_id), isouter=True)
        .where(Note.workspace_id == workspace_id, Note.contact_id == contact_id)
        .order_by(col(Note.created_at).desc(), col(Note.id).desc())
        .limit(limit)
    )
    return [(note, name or "System") for note, name in rows]
