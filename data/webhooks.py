"""What ingest's verification needs from the database: one-time provider tokens (a replayed
Mailgun token is refused even by another worker) and the instance's shared signing secret."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete

from data.clock import utcnow
from data.models import InstanceSecret, WebhookNonce

#: How long a seen token is remembered; providers' own freshness windows are shorter.
NONCE_RETENTION = timedelta(days=2)


def claim_nonce(session: Session, provider: str, token: str) -> bool:
    """Remember `token`; False if it was seen before (a replay)."""
    try:
        with session.begin_nested():
            session.add(WebhookNonce(provider=provider, token=token[:255]))
    except IntegrityError:
        return False
    return True


def forget_old_nonces(session: Session) -> int:
    """Housekeeping: drop tokens older than the retention window."""
    result = session.exec(
        delete(WebhookNonce).where(col(WebhookNonce.seen_at) < utcnow() - NONCE_RETENTION)
    )
    return result.rowcount or 0


def instance_secret(session: Session, name: str) -> str:
    """The installation's secret called `name`, generated on first use (race-safe)."""
    found = session.get(InstanceSecret, name)
    if found is not None:
        return found.value
    try:
        with session.begin_nested():
            session.add(InstanceSecret(name=name, value=secrets.token_urlsafe(32)))
    except IntegrityError:
        pass  # another worker generated it first: use theirs
    found = session.get(InstanceSecret, name)
    assert found is not None
    return found.value
