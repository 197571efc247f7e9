"""Rows ingest keeps for verifying webhooks: provider tokens already seen (replay protection)
and instance-wide secrets every ingest worker must share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from data.clock import utcnow


class WebhookNonce(SQLModel, table=True):
    """A provider's one-time token (Mailgun's `token`), refused if it comes again."""

    __tablename__ = "webhook_nonce"
    __table_args__ = (
        Index("uq_webhook_nonce", "provider", "token", unique=True),
        Index("ix_webhook_nonce_seen", "seen_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=32)
    token: str = Field(max_length=255)
    seen_at: datetime = Field(default_factory=utcnow)


class InstanceSecret(SQLModel, table=True):
    """A secret generated once for the whole installation (web-chat token signing when
    INBOX_SECRET_KEY is not set), so every worker signs and verifies alike."""

    __tablename__ = "instance_secret"

    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
