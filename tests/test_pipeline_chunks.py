"""Working a claim a chunk per transaction: a message whose conversation another process holds
is skipped without waiting, and tried again with the claim's next chunk, ahead of it (on
PostgreSQL; SQLite runs one pipeline process and serialises writers, so nothing is ever held)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from data.clock import utcnow
from data.db import session_scope
from data.models import Conversation, Message
from pipeline import chunks
from pipeline.chunks import CHUNK, Claimed
from pipeline.claims import claim_inbound, release
from pipeline.runner import answer_inbound
from tests.factories import make_business, text_in
from tests.pipeline_helpers import alerts, answer


def claim_all(engine: Engine) -> list[Claimed]:
    with session_scope(engine, write=True) as session:
        claimed = claim_inbound(session, col(Message.triaged_at).is_(None), col(Message.id), 100)
        return [Claimed(m.id, m.conversation_id) for m in claimed]


class Worker:
    """A handler that triages what it is given and records each transaction's messages."""

    def __init__(self) -> None:
        self.transactions: list[list[int]] = []

    def __call__(self, session: Session, messages: list[Message]) -> None:
        self.transactions.append([m.id for m in messages])
        for message in messages:
            message.triaged_at = utcnow()
            release(message)
            session.add(message)


@contextmanager
def another_process_holding(engine: Engine, conversation_id: int) -> Iterator[Connection]:
    """A connection holding the conversation's row lock, as another pipeline process's chunk
    does, until it rolls back."""
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL skips a conversation another process holds")
    with engine.connect() as other:
        other.execute(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        )
        yield other


def untriaged(message: Message) -> bool:
    return message.triaged_at is None


def test_a_message_whose_conversation_is_held_is_worked_with_the_next_chunk(
    engine: Engine, session: Session
) -> None:
    make_business(session)
    held = text_in(session, "Do you fix boilers?", sender="+15125550001").message
    for i in range(CHUNK + 5):
        text_in(session, "What are your hours?", sender=f"+1512555{1000 + i}")
    session.commit()
    claimed = claim_all(engine)
    worker = Worker()

    with another_process_holding(engine, held.conversation_id) as other:

        def before(chunk: list[Claimed]) -> None:
            if worker.transactions:  # the first chunk is done: the other process commits
                other.rollback()

        chunks.run(engine, claimed, untriaged, worker, before=before)

    first, *rest = worker.transactions
    assert len(rest) == 1  # no third transaction for the skipped message alone
    assert held.id not in first
    assert rest[0][0] == held.id  # ahead of the next chunk, in claim order
    assert sorted(first + rest[0]) == sorted(c.id for c in claimed)


def test_a_message_the_last_chunk_skips_is_worked_in_a_transaction_after_it(
    engine: Engine, session: Session
) -> None:
    make_business(session)
    for i in range(3):
        text_in(session, "What are your hours?", sender=f"+1512555{1000 + i}")
    held = text_in(session, "Do you fix boilers?", sender="+15125550001").message
    session.commit()
    claimed = claim_all(engine)
    worker = Worker()

    with another_process_holding(engine, held.conversation_id) as other:

        def then_let_go(session: Session, messages: list[Message]) -> None:
            worker(session, messages)
            other.rollback()

        chunks.run(engine, claimed, untriaged, then_let_go)

    assert worker.transactions == [[c.id for c in claimed if c.id != held.id], [held.id]]


def test_a_chunk_of_questions_bookings_and_escalations_reaches_the_database_in_one_flush(
    engine: Engine, session: Session
) -> None:
    # Reading the calendar for a booking and the team for an alert in the middle of a chunk
    # used to flush the chunk's writes so far on their own: a row changed before and after
    # such a read cost two UPDATEs.
    make_business(session)
    text_in(session, "do you fix water heaters?", sender="+15125550110")
    answer(engine, session)  # a running pipeline: the month's SMS use is counted
    text_in(session, "what are your opening hours?", sender="+15125550111")
    text_in(session, "can I book an appointment for a repair?", sender="+15125550112")
    person = text_in(session, "can I talk to a real person please", sender="+15125550113")
    session.commit()
    flushes: list[OrmSession] = []

    def flushed(flushing: OrmSession, _context: object) -> None:
        flushes.append(flushing)

    event.listen(OrmSession, "after_flush", flushed)
    try:
        answer_inbound(engine)
    finally:
        event.remove(OrmSession, "after_flush", flushed)
    session.expire_all()
    assert session.get(Conversation, person.conversation.id).status == "escalated"
    assert len(alerts(session, person.conversation.id)) == 2
    assert len(session.exec(select(Message).where(Message.sender_kind == "ai")).all()) == 4
    # The claim's transaction and the chunk's (each its own session): one flush each.
    assert len(flushes) == 2 and flushes[0] is not flushes[1]
