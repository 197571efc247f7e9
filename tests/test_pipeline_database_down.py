"""The pipeline while its database is down: a job that cannot reach the database logs one line
saying so and runs again on its next tick (no traceback per tick: a one-minute PostgreSQL
restart would otherwise write tens of thousands of lines); any other failure keeps its
traceback. Once the database is back, what the failed run had claimed is worked at once
rather than after its lease (two minutes). `bench/fault_scenarios.py` restarts a real
PostgreSQL under running pipelines."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from data import outbox
from data.db import session_scope
from data.events import Actor
from data.models import Message
from pipeline import dispatch
from pipeline.claims import claim_inbound
from pipeline.runner import Job, _logged, jobs
from tests.factories import make_business, text_in


def unreachable(engine: object) -> int:
    # A real connection failure: nothing listens on port 1.
    create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none").connect()
    return 0


def broken(engine: object) -> int:
    raise ValueError("a bug")


def test_a_job_that_cannot_reach_the_database_logs_one_line_and_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = _logged(Job("dispatch", unreachable, 0.5), engine=None)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="inbox.pipeline"):
        run()
        run()
    assert len(caplog.records) == 2
    for record in caplog.records:
        assert record.exc_info is None
        assert record.getMessage().startswith("job dispatch: database unavailable (")
        assert "127.0.0.1" in record.getMessage()
        assert "\n" not in record.getMessage()


def test_any_other_failure_is_logged_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    run = _logged(Job("answer", broken, 0.25), engine=None)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="inbox.pipeline"):
        run()
    assert [r.exc_info is not None for r in caplog.records] == [True]


def failing_once(run: Callable[[Engine], int]) -> Callable[[Engine], int]:
    """The job's real run, except that its first run dies on the database midway, after its
    claim was committed (as when PostgreSQL restarts under it)."""
    calls = {"n": 0}

    def flaky(engine: Engine) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("UPDATE", {}, Exception("server closed the connection"))
        return run(engine)

    return flaky


def job(name: str) -> Job:
    return next(j for j in jobs() if j.name == name)


def test_after_the_database_comes_back_the_answer_job_works_what_its_failed_run_claimed(
    engine: Engine, session: Session
) -> None:
    make_business(session)
    message_id = text_in(session, "do you do free estimates?").message.id
    session.commit()
    with session_scope(engine, write=True) as claiming:
        assert [
            m.id
            for m in claim_inbound(claiming, col(Message.triaged_at).is_(None), col(Message.id), 50)
        ] == [message_id]
    answer = job("answer")
    run = _logged(replace(answer, run=failing_once(answer.run)), engine)

    run()  # dies on the database: the claim stays, leased to this process for two minutes
    run()  # the database is back

    with Session(engine) as check:
        message = check.get(Message, message_id)
        assert message is not None and message.triaged_at is not None


def test_after_the_database_comes_back_the_dispatch_job_sends_what_its_failed_run_claimed(
    engine: Engine, session: Session
) -> None:
    make_business(session)
    result = text_in(session, "Are you open Saturday?")
    result.conversation.managed_by = "human"
    reply = outbox.enqueue(session, result.conversation, "Yes, 9 to 1.", Actor.ai())
    session.commit()
    with session_scope(engine, write=True) as claiming:
        assert [m.id for m in dispatch.claim_due(claiming, 50)] == [reply.id]
    sending = job("dispatch")
    run = _logged(replace(sending, run=failing_once(sending.run)), engine)

    run()
    run()

    with Session(engine) as check:
        sent = check.get(Message, reply.id)
        assert sent is not None and (sent.status, sent.attempts) == ("sent", 1)
