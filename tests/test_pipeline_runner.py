"""How the pipeline process runs its jobs: the answering job drains a backlog run after run
without waiting for its next tick, stops draining when the process is stopping (a real
`inbox pipeline` process on a backlog, SIGTERMed), and the scheduler's ticks skipped meanwhile
are not logged as warnings."""

from __future__ import annotations

import logging
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from data.db import get_engine, session_scope
from data.models import Message
from pipeline.runner import Job, _logged, jobs, quiet_skipped_ticks
from tests.factories import make_business, text_in
from tests.test_processes import start


def scripted(work: list[int], calls: list[int]) -> Callable[[object], int]:
    """A job run that reports the next amount of `work` (then none), counting its calls."""

    def run(engine: object) -> int:
        calls.append(1)
        return work.pop(0) if work else 0

    return run


def test_a_busy_answering_job_runs_again_at_once_until_a_run_finds_nothing() -> None:
    calls: list[int] = []
    answer = Job("answer", scripted([100, 100, 40], calls), 0.25, again_while_busy=True)
    _logged(answer, engine=None)()  # type: ignore[arg-type]
    assert len(calls) == 4  # three that worked, one that found the queue empty


def test_the_answering_job_is_the_one_that_drains() -> None:
    draining = [job.name for job in jobs() if job.again_while_busy]
    assert draining == ["answer"]


def test_other_jobs_run_once_a_tick_however_much_they_did() -> None:
    calls: list[int] = []
    dispatch = Job("dispatch", scripted([50, 50], calls), 0.5)
    _logged(dispatch, engine=None)()  # type: ignore[arg-type]
    assert len(calls) == 1


def test_a_stopping_process_starts_no_further_run() -> None:
    calls: list[int] = []
    stopping = threading.Event()
    stopping.set()
    answer = Job("answer", scripted([100, 100], calls), 0.25, again_while_busy=True)
    _logged(answer, None, stopping)()  # type: ignore[arg-type]
    assert len(calls) == 1


def test_a_failed_run_is_not_repeated_before_the_next_tick(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def broken(engine: object) -> int:
        calls.append(1)
        raise ValueError("a bug")

    with caplog.at_level(logging.ERROR, logger="inbox.pipeline"):
        _logged(Job("answer", broken, 0.25, again_while_busy=True), engine=None)()  # type: ignore[arg-type]
    assert len(calls) == 1


def test_a_tick_skipped_while_the_job_still_runs_is_not_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_skipped_ticks()
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    with caplog.at_level(logging.WARNING, logger="apscheduler.scheduler"):
        scheduler_log.warning(
            'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
            "answer",
            1,
        )
        scheduler_log.warning("Run time of job %s was missed by %s", "answer", "0:00:05")
    assert [r.getMessage() for r in caplog.records] == [
        "Run time of job answer was missed by 0:00:05"
    ]


BACKLOG = 10_000
STOP_SECONDS = 5.0


def untriaged(url: str) -> int:
    with session_scope(get_engine(url)) as session:
        return session.exec(select(func.count()).where(col(Message.triaged_at).is_(None))).one()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_pipeline_draining_a_backlog_stops_within_seconds_of_sigterm(
    tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "inbox.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    with Session(get_engine(url)) as session:
        make_business(session)
        for i in range(BACKLOG):
            text_in(session, "What are your hours?", sender=f"+1512555{i % 600:04d}")
        session.commit()
    with start(["pipeline"], tmp_path, INBOX_DATABASE_URL=url, INBOX_LOG_LEVEL="INFO") as p:
        p.wait_for("the first triage", lambda: untriaged(url) < BACKLOG, 60)
        p.process.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        p.process.wait(timeout=30)
        took = time.monotonic() - stopping
    assert took < STOP_SECONDS, p.output
    assert untriaged(url) > 0  # stopped mid-backlog: the rest is the next start's
