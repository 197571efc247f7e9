"""The append-only Event log: escalations, takeovers, resumes, status and lead changes,
opt-outs. The audit trail and analytics both read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from data.clock import utcnow


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_workspace_time", "workspace_id", "created_at"),
        Index("ix_event_workspace_kind_time", "workspace_id", "kind", "created_at"),
        Index("ix_event_conversation", "conversation_id", "created_at"),
        Index("ix_event_contact", "contact_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    kind: str = Field(max_length=40)
    actor_kind: str = Field(max_length=16)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    #: Who did it, as the console shows it: an operator's name, "AI", "Automation", "Customer".
    actor_label: str = Field(default="", max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
