"""The Event log: who did what to a conversation or contact, and when.

Every state change in the domain modules calls `record()`; nothing updates or deletes events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from data.models import Event, User
from data.vocab import ActorKind


@dataclass(frozen=True)
class Actor:
    """Who caused a change: a person (with their user id), the AI, an automation, the
    customer, or the system."""

    kind: ActorKind
    label: str
    user_id: int | None = None

    @classmethod
    def operator(cls, user: User) -> Actor:
        return cls(ActorKind.OPERATOR, user.display_name, user.id)

    @classmethod
    def ai(cls) -> Actor:
        return cls(ActorKind.AI, "AI")

    @classmethod
    def automation(cls, name: str = "Automation") -> Actor:
        return cls(ActorKind.AUTOMATION, name)

    @classmethod
    def customer(cls) -> Actor:
        return cls(ActorKind.CUSTOMER, "Customer")

    @classmethod
    def system(cls, name: str = "System") -> Actor:
        return cls(ActorKind.SYSTEM, name)

    @property
    def is_person(self) -> bool:
        return self.kind == ActorKind.OPERATOR


def record(
    session: Session,
    workspace_id: int,
    kind: str,
    actor: Actor,
    *,
    conversation_id: int | None = None,
    contact_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append an Event, committed with the caller's transaction. It is written at the
    session's next flush, with the other events in the order they were recorded: flushing
    here, for an id nobody reads, split a batch's writes into one round trip per event."""
    event = Event(
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        contact_id=contact_id,
        kind=str(kind),
        actor_kind=str(actor.kind),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        data=data or {},
    )
    session.add(event)
    return event


def for_conversation(session: Session, workspace_id: int, conversation_id: int) -> list[Event]:
    """A conversation's events, oldest first."""
    return list(
        session.exec(
            select(Event)
            .where(Event.workspace_id == workspace_id, Event.conversation_id == conversation_id)
            .order_by(col(Event.created_at), col(Event.id))
        )
    )


def for_contact(session: Session, workspace_id: int, contact_id: int) -> list[Event]:
    """Every event about a contact or any of their conversations, oldest first."""
    return list(
        session.exec(
            select(Event)
            .where(Event.workspace_id == workspace_id, Event.contact_id == contact_id)
            .order_by(col(Event.created_at), col(Event.id))
        )
    )


def recent(
    session: Session, workspace_id: int, kind: str | None = None, limit: int = 100
) -> list[Event]:
    """The workspace's newest events, optionally of one kind."""
    query = select(Event).where(Event.workspace_id == workspace_id)
    if kind:
        query = query.where(Event.kind == kind)
    return list(session.exec(query.order_by(col(Event.created_at).desc()).limit(limit)))
