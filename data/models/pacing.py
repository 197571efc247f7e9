"""Sending pace: the next moment each sending address may send (a US long code sends about
one SMS per second). Shared by every dispatch process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from data.clock import utcnow


class SenderPace(SQLModel, table=True):
    __tablename__ = "sender_pace"

    #: "<channel>:<address>", e.g. "sms:+15125550100".
    sender: str = Field(primary_key=True, max_length=340)
    #: The reservation frontier: the moment the next newly queued message is given.
    next_free_at: datetime = Field(default_factory=utcnow)
    #: When this address last handed a message to the provider: the next send waits for
    #: one interval after it, however late the previous one went.
    last_sent_at: datetime | None = None
