"""The customer (Contact) and what hangs off them: Notes and Appointments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from data.clock import utcnow
from data.vocab import LeadStatus, LeadTemperature


class Contact(SQLModel, table=True):
    """A customer, found again by any of their addresses (phone, email, web-chat visitor)."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("uq_contact_phone", "workspace_id", "phone", unique=True),
        Index("uq_contact_email", "workspace_id", "email", unique=True),
        Index("uq_contact_visitor", "workspace_id", "visitor_id", unique=True),
        Index("ix_contact_name", "workspace_id", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=320)
    visitor_id: str | None = Field(default=None, max_length=64)
    lead_status: str = Field(default=LeadStatus.NEW, max_length=16)
    lead_temperature: str = Field(default=LeadTemperature.COOL, max_length=8)
    #: An operator's manual temperature wins over the automatic score until they clear it.
    lead_temperature_manual: bool = False
    opted_out_at: datetime | None = None
    opted_out_keyword: str | None = Field(default=None, max_length=200)
    opted_out_channel: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_inbound_at: datetime | None = None
    #: When the one follow-up after a quote went out.
    followed_up_at: datetime | None = None

    @property
    def opted_out(self) -> bool:
        return self.opted_out_at is not None

    @property
    def display_name(self) -> str:
        return self.name or self.phone or self.email or f"Visitor {self.id}"


class Note(SQLModel, table=True):
    """An operator's note on a contact, with its author and time."""

    __tablename__ = "note"
    __table_args__ = (Index("ix_note_contact", "contact_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    contact_id: int = Field(foreign_key="contact.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)


class Appointment(SQLModel, table=True):
    """A booked visit or call, made by the AI or an operator."""

    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_workspace_start", "workspace_id", "starts_at"),
        Index("ix_appointment_contact", "contact_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id")
    conversation_id: int | None = Field(default=None, foreign_key="conversation.id")
    title: str = Field(default="Appointment", max_length=200)
    starts_at: datetime
    ends_at: datetime
    status: str = Field(default="booked", max_length=16)
    source: str = Field(default="operator", max_length=16)
    notes: str = Field(default="", sa_type=Text)
    reminder_sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
