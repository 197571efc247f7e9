"""Housekeeping: small periodic clean-ups that keep the tables the hot paths read small."""

from __future__ import annotations

from sqlalchemy import Engine

from data import webhooks
from data.db import session_scope


def forget_old_webhook_tokens(engine: Engine) -> int:
    """Drop Mailgun tokens past the replay window (ingest checks new ones against the rest)."""
    with session_scope(engine, write=True) as session:
        return webhooks.forget_old_nonces(session)
