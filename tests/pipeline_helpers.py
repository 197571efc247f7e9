"""Helpers for pipeline tests: run the answering job and read what it wrote."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from data.models import Contact, Conversation, Event, Message
from pipeline.runner import answer_inbound


def answer(engine: Engine, session: Session) -> int:
    """Commit the test's writes, run triage and replies until idle, and see the results."""
    session.commit()
    done = answer_inbound(engine)
    session.expire_all()
    return done


def outbound(session: Session, conversation_id: int, purpose: str | None = None) -> list[Message]:
    rows = session.exec(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.direction == "outbound")
        .order_by(col(Message.id))
    ).all()
    return [m for m in rows if purpose is None or m.meta.get("purpose") == purpose]


def ai_replies(session: Session, conversation_id: int) -> list[Message]:
    return [m for m in outbound(session, conversation_id) if m.sender_kind == "ai"]


def alerts(session: Session, conversation_id: int) -> list[Message]:
    return outbound(session, conversation_id, "alert")


def events_of(session: Session, kind: str, conversation_id: int | None = None) -> list[Event]:
    query = select(Event).where(Event.kind == kind)
    if conversation_id is not None:
        query = query.where(Event.conversation_id == conversation_id)
    return list(session.exec(query.order_by(col(Event.id))).all())


Row = TypeVar("Row", Conversation, Contact, Message)


def fresh(session: Session, row: Row) -> Row:
    """`row` as stored once the session's writes so far are (as its commit would store them):
    a refresh alone would drop changes still waiting for the next flush."""
    session.flush()
    session.refresh(row)
    return row
