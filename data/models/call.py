"""Phone calls: a Call row per call, with its transcript shown read-only in the thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from data.clock import utcnow
from data.models.factories import empty_list


class Call(SQLModel, table=True):
    """A call, deduplicated on the voice provider's id (Twilio's CallSid or the voice AI's id)."""

    __tablename__ = "call"
    __table_args__ = (
        Index("uq_call_provider", "workspace_id", "provider_id", unique=True),
        Index("ix_call_contact", "contact_id", "started_at"),
        Index("ix_call_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    provider_id: str = Field(max_length=128)
    direction: str = Field(default="inbound", max_length=16)
    from_address: str | None = Field(default=None, max_length=32)
    to_address: str | None = Field(default=None, max_length=32)
    status: str = Field(default="completed", max_length=32)
    started_at: datetime = Field(default_factory=utcnow)
    duration_seconds: int | None = None
    recording_url: str | None = Field(default=None, max_length=1000)
    summary: str = Field(default="", sa_type=Text)
    #: [{"speaker": "customer" | "agent", "text": "..."}, ...]
    transcript: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow)
    #: Click-to-call: the operator's phone rung first, then bridged to the customer.
    bridge_address: str | None = Field(default=None, max_length=32)
    #: Why a click-to-call could not be placed, in words for the console.
    error_message: str | None = Field(default=None, max_length=1000)
