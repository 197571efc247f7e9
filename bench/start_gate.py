"""Starting a benchmark's pipeline processes on a stored backlog at the same moment
(PostgreSQL): the backlog's table is locked while the processes start, and let go once every
process is waiting on the lock to claim its first messages.

Without it the clock starts at the first triage, while another process may still be
importing: its start-up then counts against the configuration with more processes, in time
and in the CPU measured (a ~1 s start-up on a run of a few seconds)."""

from __future__ import annotations

import subprocess
import time

from sqlalchemy import Connection, Engine, text

#: A process is ready when its answering job waits on the lock to claim untriaged messages.
WAITING_TO_CLAIM = text(
    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND wait_event_type = 'Lock' AND query LIKE '%triaged_at IS NULL%FOR UPDATE%'"
)
READY_SECONDS = 60.0


class StartGate:
    """Holds the message table (PostgreSQL) against row locks, which every claim takes, but
    not against reads, from entering until `open_once_claiming` (or leaving). On SQLite, which
    runs one pipeline process, it holds nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._held: Connection | None = None

    def __enter__(self) -> StartGate:
        if self.engine.dialect.name == "postgresql":
            self._held = self.engine.connect()
            self._held.begin()
            self._held.execute(text("LOCK TABLE message IN EXCLUSIVE MODE"))
        return self

    def __exit__(self, *exc: object) -> None:
        self._let_go()

    def open_once_claiming(self, processes: list[subprocess.Popen]) -> None:
        """Let go once every one of `processes` waits to claim (a process that exits, or a
        minute without it, ends the run)."""
        if self._held is None:
            return
        deadline = time.monotonic() + READY_SECONDS
        with self.engine.connect() as conn:
            while int(conn.execute(WAITING_TO_CLAIM).scalar_one()) < len(processes):
                conn.rollback()  # a fresh snapshot of pg_stat_activity on the next read
                dead = [p.pid for p in processes if p.poll() is not None]
                if dead:
                    raise SystemExit(f"pipeline process {dead} exited before it started work")
                if time.monotonic() > deadline:
                    raise SystemExit(f"pipeline processes not claiming after {READY_SECONDS:.0f} s")
                time.sleep(0.05)
        self._let_go()

    def _let_go(self) -> None:
        if self._held is not None:
            self._held.rollback()
            self._held.close()
            self._held = None
