"""Appointments: booking (which marks the lead Booked), rescheduling and cancelling, each
with an Event; and the queries the customer panel and the reminder job read."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from data import contacts, events
from data.clock import as_utc, utcnow
from data.events import Actor
from data.models import Appointment, Contact
from data.vocab import AppointmentStatus, EventKind, LeadStatus

#: Lead statuses a booking moves forward to Booked (Won and Lost are decisions to keep).
_BOOKABLE_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUOTED)


class InvalidAppointment(ValueError):
    pass


def _check_times(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)
    if ends_at <= starts_at:
        raise InvalidAppointment("An appointment must end after it starts.")
    return starts_at, ends_at


def book(
    session: Session,
    contact: Contact,
    starts_at: datetime,
    ends_at: datetime,
    actor: Actor,
    *,
    title: str = "Appointment",
    source: str = "operator",
    notes: str = "",
    conversation_id: int | None = None,
    status: str = AppointmentStatus.BOOKED,
) -> Appointment:
    """Book a visit for `contact` (times in UTC, or aware datetimes)."""
    starts_at, ends_at = _check_times(starts_at, ends_at)
    if status not in set(AppointmentStatus):
        raise InvalidAppointment(f"Unknown appointment status {status!r}.")
    appointment = Appointment(
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        conversation_id=conversation_id,
        title=(title or "Appointment").strip()[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        source=source,
        notes=notes,
    )
    session.add(appointment)
    session.flush()
    events.record(
        session,
        contact.workspace_id,
        EventKind.APPOINTMENT_BOOKED,
        actor,
        contact_id=contact.id,
        conversation_id=conversation_id,
        data={"appointment_id": appointment.id, "starts_at": starts_at.isoformat()},
    )
    if contact.lead_status in _BOOKABLE_LEAD_STATUSES:
        contacts.set_lead_status(
            session, contact, LeadStatus.BOOKED, actor, conversation_id=conversation_id
        )
    return appointment


def _changed(session: Session, appointment: Appointment, actor: Actor, change: dict) -> Appointment:
    appointment.updated_at = utcnow()
    session.add(appointment)
    events.record(
        session,
        appointment.workspace_id,
        EventKind.APPOINTMENT_CHANGED,
        actor,
        contact_id=appointment.contact_id,
        conversation_id=appointment.conversation_id,
        data={"appointment_id": appointment.id, **change},
    )
    return appointment


def reschedule(
    session: Session,
    appointment: Appointment,
    starts_at: datetime,
    ends_at: datetime,
    actor: Actor,
) -> Appointment:
    if appointment.status == AppointmentStatus.CANCELLED:
        raise InvalidAppointment("A cancelled appointment cannot be rescheduled; book a new one.")
    starts_at, ends_at = _check_times(starts_at, ends_at)
    change = {"from": appointment.starts_at.isoformat(), "to": starts_at.isoformat()}
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.reminder_sent_at = None
    return _changed(session, appointment, actor, change)


def set_status(
    session: Session, appointment: Appointment, status: str, actor: Actor
) -> Appointment:
    """Cancel, complete or mark a no-show."""
    if status not in set(AppointmentStatus):
        raise InvalidAppointment(f"Unknown appointment status {status!r}.")
    change = {"status_from": appointment.status, "status_to": status}
    appointment.status = status
    return _changed(session, appointment, actor, change)


def get(session: Session, workspace_id: int, appointment_id: int) -> Appointment | None:
    return session.exec(
        select(Appointment).where(
            Appointment.workspace_id == workspace_id, Appointment.id == appointment_id
        )
    ).first()


def for_contact(session: Session, workspace_id: int, contact_id: int) -> list[Appointment]:
    """A contact's appointments, soonest first."""
    return list(
        session.exec(
            select(Appointment)
            .where(Appointment.workspace_id == workspace_id, Appointment.contact_id == contact_id)
            .order_by(col(Appointment.starts_at))
        )
    )


def between(
    session: Session, workspace_id: int, start: datetime, end: datetime
) -> list[Appointment]:
    """Booked appointments starting in [start, end): free-slot search reads this."""
    return list(
        session.exec(
            select(Appointment)
            .where(
                Appointment.workspace_id == workspace_id,
                Appointment.status == AppointmentStatus.BOOKED,
                col(Appointment.starts_at) >= as_utc(start),
                col(Appointment.starts_at) < as_utc(end),
            )
            .order_by(col(Appointment.starts_at))
        )
    )
