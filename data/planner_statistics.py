"""Keeping the database's query planner informed: SQLite's table statistics.

SQLite plans without statistics unless ANALYZE has run, and then it cannot tell that
`workspace_id = ?` matches every row of a one-business install while `contact_id = ?` matches
a handful: opening a customer's thread at 100,000 conversations went through the workspace's
time index (a scan of every message, ~1 s) instead of the contact's (a few ms). ANALYZE with
an analysis limit samples each index, so it takes well under a second at a million messages.
PostgreSQL keeps its own statistics (autovacuum's ANALYZE), so nothing is done there.
"""

from __future__ import annotations

from sqlalchemy import Engine

from data.db import session_scope

#: Rows sampled per index (SQLite's recommended range is 100-1000).
ANALYSIS_LIMIT = 1000


def refresh(engine: Engine) -> bool:
    """Refresh SQLite's planner statistics; True if it ran (False on PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return False
    with session_scope(engine, write=True) as session:
        conn = session.connection()
        conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        conn.exec_driver_sql("ANALYZE")
    return True
