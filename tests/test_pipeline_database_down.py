"""The pipeline while its database is down: a job that cannot reach the database logs one line
saying so and runs again on its next tick (no traceback per tick: a one-minute PostgreSQL
restart would otherwise write tens of thousands of lines); any other failure keeps its
traceback. `bench/fault_scenarios.py` restarts a real PostgreSQL under running pipelines."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine

from pipeline.runner import Job, _logged


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
