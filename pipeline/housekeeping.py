"""Housekeeping: small periodic jobs that keep the hot paths fast: clean-ups that keep the
tables they read small, and the SQLite planner's statistics."""

from __future__ import annotations

from sqlalchemy import Engine

from data import planner_statistics, webhooks
from data.db import session_scope


def forget_old_webhook_tokens(engine: Engine) -> int:
    """Drop Mailgun tokens past the replay window (ingest checks new ones against the rest)."""
    with session_scope(engine, write=True) as session:
        return webhooks.forget_old_nonces(session)


def refresh_planner_statistics(engine: Engine) -> int:
    """SQLite's ANALYZE (see `data.planner_statistics`). Upkeep rather than work: it counts 0,
    so `inbox pipeline --once` does not keep going for it."""
    planner_statistics.refresh(engine)
    return 0
