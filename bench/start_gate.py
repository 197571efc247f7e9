"""Starting a benchmark's pipeline processes on a stored backlog at the same moment
(PostgreSQL): the backlog's table is locked while the processes start, and let go once every
process is waiting on the lock to claim its first messages.

Without it the clock starts at the first triage, while another process may still be
importing: its start-up then counts against the configuration with more processes, in time
and in the CPU measured (a ~1 s start-up on a run of a few seconds)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

#: A process is ready when its answering job waits on the lock to claim untriaged messages.
WAITING_TO_CLAIM = text(
    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND wait_event_type = 'Lock' AND query LIKE '%triaged_at IS NULL%FOR UPDATE%'"
)
READY_SECONDS = 60.0


@contextmanager
def message_table_held(engine: Engine) -> Iterator[None]:
    """The message table locked against row locks (every claim takes them) but not against
    reads, until the block ends."""
    with engine.connect() as conn, conn.begin():
        conn.execute(text("LOCK TABLE message IN EXCLUSIVE MODE"))
        yield


def wait_until_claiming(engine: Engine, processes: list[subprocess.Popen]) -> None:
    """Return once every one of `processes` is waiting to claim (a process that exits or a
    minute without it ends the run)."""
    deadline = time.monotonic() + READY_SECONDS
    with engine.connect() as conn:
        while int(conn.execute(WAITING_TO_CLAIM).scalar_one()) < len(processes):
            conn.rollback()  # a fresh snapshot of pg_stat_activity on the next read
            dead = [p.pid for p in processes if p.poll() is not None]
            if dead:
                raise SystemExit(f"pipeline process {dead} exited before it started work")
            if time.monotonic() > deadline:
                raise SystemExit(f"pipeline processes not claiming after {READY_SECONDS:.0f} s")
            time.sleep(0.05)
