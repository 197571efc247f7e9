"""SQLite's planner statistics: without them a customer's thread is read through the
workspace's time index (every message of the business); the pipeline's upkeep job refreshes
them so it is read through the customer's own index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from data import planner_statistics
from data.thread import thread_page
from pipeline.housekeeping import refresh_planner_statistics
from pipeline.runner import jobs, run_once
from tests.factories import make_workspace, text_in

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _busy_workspace(engine: Engine) -> tuple[int, int]:
    """40 customers with 5 messages each; returns (workspace id, one customer's id)."""
    with Session(engine) as session:
        workspace = make_workspace(session)
        contact_id = 0
        for customer in range(40):
            for n in range(5):
                result = text_in(session, f"question {n}", sender=f"+1512555{customer:04d}")
                contact_id = result.message.contact_id
        session.commit()
        return workspace.id, contact_id


def _thread_plan(engine: Engine, workspace_id: int, contact_id: int) -> str:
    """SQLite's plan for the message query `thread_page` runs."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.startswith("SELECT message.") and "message.contact_id" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with Session(engine) as session:
            thread_page(session, workspace_id, contact_id)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    statement, parameters = seen[0]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return " / ".join(row[-1] for row in rows)


@sqlite_only
def test_after_the_refresh_a_thread_is_read_through_the_customers_index(engine: Engine) -> None:
    workspace_id, contact_id = _busy_workspace(engine)
    assert "ix_message_workspace_time" in _thread_plan(engine, workspace_id, contact_id)

    assert planner_statistics.refresh(engine) is True

    assert "ix_message_contact" in _thread_plan(engine, workspace_id, contact_id)


def test_postgresql_keeps_its_own_statistics_so_the_refresh_does_nothing(engine: Engine) -> None:
    assert planner_statistics.refresh(engine) is (engine.dialect.name == "sqlite")


def test_the_pipeline_refreshes_the_statistics_at_start_and_hourly_as_upkeep_not_work(
    engine: Engine,
) -> None:
    job = next(job for job in jobs() if job.name == "planner_statistics")
    assert (job.every_seconds, job.upkeep) == (3600.0, True)
    assert refresh_planner_statistics(engine) == 0  # upkeep, not work


@sqlite_only
def test_pipeline_once_gives_sqlite_its_statistics(engine: Engine) -> None:
    _busy_workspace(engine)
    totals = run_once(engine)
    assert totals["planner_statistics"] == 0
    with engine.connect() as conn:
        analysed = conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1").scalars().all()
    assert "message" in analysed
