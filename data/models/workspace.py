"""Workspace (one business), its Channels (the addresses traffic is routed by) and its Users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from data.clock import utcnow

#: Monday-to-Sunday opening hours: weekday key -> list of ["HH:MM", "HH:MM"] pairs.
DEFAULT_BUSINESS_HOURS: dict[str, list[list[str]]] = {
    "mon": [["09:00", "17:00"]],
    "tue": [["09:00", "17:00"]],
    "wed": [["09:00", "17:00"]],
    "thu": [["09:00", "17:00"]],
    "fri": [["09:00", "17:00"]],
    "sat": [],
    "sun": [],
}


class Workspace(SQLModel, table=True):
    """One business. Its settings here are the ones the console's Settings page edits."""

    __tablename__ = "workspace"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="America/New_York", max_length=64)
    business_hours: dict[str, Any] = Field(
        default_factory=lambda: dict(DEFAULT_BUSINESS_HOURS), sa_column=Column(JSON, nullable=False)
    )
    after_hours_note: str = Field(default="", max_length=1000)
    help_text: str = Field(default="", max_length=320)
    holding_reply: str = Field(
        default="Thanks for your message. I've asked a team member to get back to you shortly.",
        max_length=500,
    )
    sms_allowance: int = Field(default=1000, ge=0)
    alert_phone: str | None = Field(default=None, max_length=32)
    alert_email: str | None = Field(default=None, max_length=320)
    auto_reply_sms: bool = True
    auto_reply_whatsapp: bool = True
    auto_reply_webchat: bool = True
    auto_reply_email: bool = True
    negative_sentiment_threshold: float = Field(default=-0.6, ge=-1, le=0)
    sentiment_trend_threshold: float = Field(default=-0.35, ge=-1, le=0)
    #: A lead silent this many days cools to COLD (the nightly job).
    cold_after_days: int = Field(default=14, ge=1, le=365)
    #: Appointment reminders go this many hours before the visit.
    reminder_hours: int = Field(default=24, ge=1, le=168)
    #: A Quoted lead silent this many days gets one follow-up.
    follow_up_days: int = Field(default=3, ge=1, le=60)
    #: No automated message between these local times ("HH:MM"); it waits for the morning.
    quiet_hours_start: str = Field(default="21:00", max_length=5)
    quiet_hours_end: str = Field(default="08:00", max_length=5)
    #: At most this many automatic emails to one sender a day, so two robots cannot loop.
    email_auto_replies_per_day: int = Field(default=3, ge=0, le=50)
    created_at: datetime = Field(default_factory=utcnow)


class Channel(SQLModel, table=True):
    """An address of the workspace that customers reach: inbound traffic is routed by it.

    `address` is normalised: E.164 for phone channels (the AI number appears once as `sms`
    and once as `voice`), lower-case for email, the widget key for web chat.
    """

    __tablename__ = "channel"
    __table_args__ = (UniqueConstraint("kind", "address", name="uq_channel_kind_address"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    kind: str = Field(max_length=16)
    address: str = Field(max_length=320)
    provider: str = Field(max_length=32)
    label: str = Field(default="", max_length=100)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    """A person who signs in to the console. An email belongs to one workspace."""

    __tablename__ = "app_user"
    __table_args__ = (Index("ix_app_user_workspace", "workspace_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    email: str = Field(max_length=320, unique=True)
    display_name: str = Field(max_length=200)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=255)
    phone: str | None = Field(default=None, max_length=32)
    receives_alerts: bool = False
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
