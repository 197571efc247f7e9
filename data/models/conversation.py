"""Conversations and their Messages. An outbound Message with status `queued` is the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from data.clock import utcnow
from data.models.factories import empty_list
from data.vocab import ConversationStatus, ManagedBy


class Conversation(SQLModel, table=True):
    """One customer on one channel. The last-message fields are denormalised so that the inbox
    list is a single indexed query."""

    __tablename__ = "conversation"
    __table_args__ = (
        Index("ix_conversation_inbox", "workspace_id", "last_message_at", "id"),
        Index("ix_conversation_inbox_status", "workspace_id", "status", "last_message_at", "id"),
        Index("ix_conversation_inbox_channel", "workspace_id", "channel", "last_message_at", "id"),
        Index(
            "ix_conversation_inbox_status_channel",
            "workspace_id",
            "status",
            "channel",
            "last_message_at",
            "id",
        ),
        Index("ix_conversation_contact", "contact_id", "channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id")
    channel: str = Field(max_length=16)
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    status: str = Field(default=ConversationStatus.ACTIVE, max_length=16)
    managed_by: str = Field(default=ManagedBy.AI, max_length=8)
    escalation_reason: str | None = Field(default=None, max_length=32)
    escalation_note: str | None = Field(default=None, max_length=1000)
    escalated_at: datetime | None = None
    subject: str | None = Field(default=None, max_length=998)
    last_message_at: datetime = Field(default_factory=utcnow)
    last_message_preview: str = Field(default="", max_length=200)
    last_message_sender: str | None = Field(default=None, max_length=16)
    last_inbound_at: datetime | None = None
    unread_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    #: Moving average of the customer's message sentiment (-1 … +1), and how many it covers.
    sentiment_trend: float | None = None
    sentiment_samples: int = 0


class Message(SQLModel, table=True):
    """A message in or out. Inbound: `received`. Outbound: the outbox row the pipeline sends,
    then its delivery status as the provider reports it."""

    __tablename__ = "message"
    __table_args__ = (
        Index("uq_message_provider", "workspace_id", "channel", "provider_id", unique=True),
        Index("ix_message_conversation", "conversation_id", "created_at"),
        Index("ix_message_contact", "contact_id", "created_at"),
        Index("ix_message_workspace_time", "workspace_id", "created_at"),
        Index("ix_message_outbox", "status", "next_attempt_at"),
        Index(
            "ix_message_untriaged",
            "created_at",
            sqlite_where=text("direction = 'inbound' AND triaged_at IS NULL"),
            postgresql_where=text("direction = 'inbound' AND triaged_at IS NULL"),
        ),
        Index(
            "ix_message_reply_due",
            "reply_due_at",
            sqlite_where=text("reply_due_at IS NOT NULL"),
            postgresql_where=text("reply_due_at IS NOT NULL"),
        ),
        # Invariant 3: at most one AI reply per inbound message, enforced by the database.
        Index(
            "uq_message_ai_reply",
            "answers_message_id",
            unique=True,
            sqlite_where=text("sender_kind = 'ai' AND answers_message_id IS NOT NULL"),
            postgresql_where=text("sender_kind = 'ai' AND answers_message_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    conversation_id: int = Field(foreign_key="conversation.id")
    contact_id: int = Field(foreign_key="contact.id")
    channel: str = Field(max_length=16)
    direction: str = Field(max_length=8)
    sender_kind: str = Field(max_length=16)
    sender_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    body: str = Field(default="", sa_type=Text)
    subject: str | None = Field(default=None, max_length=998)
    #: [{"url": ..., "content_type": ..., "filename": ..., "size": ...}]
    media: list[dict[str, Any]] = Field(
        default_factory=empty_list, sa_column=Column(JSON, nullable=False)
    )
    #: Channel details: email headers (message_id, in_reply_to, references, auto_submitted),
    #: WhatsApp profile name, template ids, the reason an opt-out was overridden, ...
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    from_address: str | None = Field(default=None, max_length=320)
    to_address: str | None = Field(default=None, max_length=320)
    provider_id: str | None = Field(default=None, max_length=255)
    status: str = Field(max_length=16)
    error_code: str | None = Field(default=None, max_length=32)
    error_message: str | None = Field(default=None, max_length=1000)
    sentiment: float | None = None
    #: The inbound message an AI reply answers (unique among AI replies).
    answers_message_id: int | None = Field(default=None, foreign_key="message.id")
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = None
    triaged_at: datetime | None = None
    #: Set by triage on an inbound message the AI should answer (or suggest an answer to):
    #: when the reply job may take it. Later in a burst, only the newest message carries it.
    reply_due_at: datetime | None = None
    #: Outbound SMS: billed segments (GSM-7 160/153, UCS-2 70/67), for the monthly allowance.
    segments: int | None = None
