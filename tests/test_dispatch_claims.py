"""Dispatch claims a batch of outbox rows, then sends them one by one; only the row being sent
is `sending`. Rows claimed and not reached yet stay `queued` under this process's lease, so
housekeeping (which turns `sending` rows with an expired lease into `unknown`, never resent)
cannot take a message that was never handed to a provider for one whose fate is unknown: not
while an earlier send in the batch is slow, and not when the dispatcher dies mid-batch. And a
send's outcome waits out a database restart rather than being lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from data import outbox, workspaces
from data.clock import utcnow
from data.db import session_scope
from data.events import Actor
from data.models import Message, SenderPace
from pipeline import claims, dispatch
from pipeline.senders import Outgoing, SendResult
from pipeline.senders.log import LogSender
from pipeline.senders.router import Senders
from tests.factories import make_workspace, text_in


def reply_queued(session: Session, i: int) -> Message:
    """The AI's reply to customer `i`'s question, queued (flushed, not committed)."""
    result = text_in(session, f"question {i}", sender=f"+1512555{i:04d}")
    result.conversation.managed_by = "human"  # only the queued reply goes out
    message = outbox.enqueue(session, result.conversation, f"answer {i}", Actor.ai())
    session.flush()
    return message


def queue_replies(session: Session, n: int) -> list[int]:
    """`n` replies queued from one number, unpaced (the pace is not what is tested here)."""
    workspace = make_workspace(session)
    for channel in workspaces.channels(session, workspace.id):
        channel.config = {**(channel.config or {}), "max_per_second": 1_000_000}
        session.add(channel)
    ids = [reply_queued(session, i).id for i in range(n)]
    session.commit()
    return ids


def expire_leases(engine: Engine, ids: list[int]) -> None:
    with session_scope(engine, write=True) as session:
        session.exec(
            update(Message)
            .where(col(Message.id).in_(ids))
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )


def statuses(engine: Engine, ids: list[int]) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(select(Message).where(col(Message.id).in_(ids))).all()
        return [m.status for m in sorted(rows, key=lambda m: m.id)]


class SlowFirstSend(LogSender):
    """The first send outlasts the batch's lease: while it is in flight, housekeeping runs
    (as the `stuck_sends` job would on its minute) after the other rows' leases ran out."""

    def __init__(self, engine: Engine, others: list[int]) -> None:
        super().__init__()
        self.engine, self.others, self.surfaced = engine, others, -1

    def send(self, outgoing: Outgoing) -> SendResult:
        if self.surfaced < 0:
            expire_leases(self.engine, self.others)
            self.surfaced = dispatch.recover_stuck_sends(self.engine)
        return super().send(outgoing)


def test_a_slow_send_does_not_turn_the_rest_of_its_batch_into_unknown(
    engine: Engine, session: Session
) -> None:
    ids = queue_replies(session, 3)
    sender = SlowFirstSend(engine, ids[1:])

    assert dispatch.dispatch_due(engine, Senders(sms=sender)) == 3

    assert sender.surfaced == 0, "housekeeping took rows this process had not sent yet"
    assert statuses(engine, ids) == ["sent", "sent", "sent"]


def test_rows_a_dead_dispatcher_claimed_but_never_sent_are_sent_by_another(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = queue_replies(session, 2)
    with monkeypatch.context() as dead:
        dead.setattr(claims, "worker_id", lambda: "elsewhere:4242")
        with session_scope(engine, write=True) as claiming:
            assert len(dispatch.claim_due(claiming, 50)) == 2
    # ...and that process is killed before sending either. Its leases run out.
    expire_leases(engine, ids)

    assert dispatch.recover_stuck_sends(engine) == 0  # nothing was handed to a provider
    assert dispatch.dispatch_due(engine, Senders()) == 2
    assert statuses(engine, ids) == ["sent", "sent"]
    with Session(engine) as check:
        assert [
            m.attempts for m in check.exec(select(Message).where(col(Message.id).in_(ids)))
        ] == [1, 1]


def test_a_send_whose_outcome_meets_a_database_restart_is_recorded_once_it_is_back(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The provider took the message, then the database dropped the connection as the outcome
    was being written: the outcome is written when the database answers again (sent, with the
    provider's id), not left `sending` for housekeeping to call `unknown`."""
    [reply] = queue_replies(session, 1)
    real_scope = dispatch.session_scope
    calls = {"n": 0}

    @contextmanager
    def flaky_scope(*args: object, **kwargs: object) -> Iterator[Session]:
        calls["n"] += 1
        if calls["n"] == 3:  # claim, prepare, then the outcome
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        with real_scope(*args, **kwargs) as scoped:
            yield scoped

    monkeypatch.setattr(dispatch, "session_scope", flaky_scope)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)

    assert dispatch.dispatch_due(engine, Senders()) == 1

    with Session(engine) as check:
        message = check.get(Message, reply)
        assert message is not None
        assert (message.status, message.attempts) == ("sent", 1)
        assert message.provider_id and message.provider_id.startswith("log-")


def test_a_claimed_burst_of_paced_replies_writes_each_row_once(
    engine: Engine, session: Session
) -> None:
    """Claiming a batch takes each row's lease, and reserving its sender's turns gives most of
    them back, due later: one UPDATE a row at commit, not a flush of the leases (set off by
    reading the workspace or the pace) and then the reservation on top."""
    make_workspace(session)  # SMS at its default pace, one a second
    replies = [reply_queued(session, i) for i in range(6)]
    # The number has sent before (its pace row exists: creating one is a savepoint, a flush).
    session.add(SenderPace(sender=f"sms:{replies[0].from_address}", next_free_at=utcnow()))
    session.commit()
    ids = [m.id for m in replies]
    writes: list[int] = []

    def count(_mapper: object, _connection: object, row: Message) -> None:
        writes.append(row.id)

    event.listen(Message, "before_update", count)
    try:
        assert dispatch.dispatch_due(engine, Senders()) == 6
    finally:
        event.remove(Message, "before_update", count)

    later = [i for i, status in zip(ids, statuses(engine, ids), strict=True) if status == "queued"]
    assert len(later) == 5, "the first reply goes now, the others at one a second"
    assert {i: writes.count(i) for i in later} == dict.fromkeys(later, 1)


class StatusAtSend:
    """A web-chat sender that notes, from another connection, the row's state as it sends."""

    name = "webchat"

    def __init__(self, engine: Engine) -> None:
        self.engine, self.seen = engine, []

    def send(self, outgoing: Outgoing) -> SendResult:
        with Session(self.engine) as look:
            row = look.get(Message, outgoing.message.id)
            assert row is not None
            self.seen.append((row.status, row.attempts))
        return SendResult(provider_id=f"chat-{outgoing.message.id}", status="delivered")


def test_an_unpaced_reply_is_sending_in_the_database_while_its_sender_runs(
    engine: Engine, session: Session
) -> None:
    """Web chat has no pace to look up, so nothing read between marking the row `sending`
    and the send flushed it: the mark has to reach the commit on its own."""
    make_workspace(session)
    reply = reply_queued(session, 1)
    reply.channel = "webchat"
    session.commit()
    sender = StatusAtSend(engine)

    assert dispatch.dispatch_due(engine, Senders(webchat=sender)) == 1

    assert sender.seen == [("sending", 1)]
    assert statuses(engine, [reply.id]) == ["delivered"]
