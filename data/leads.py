"""Lead capture and scoring: details a customer gives in passing land on their contact (with
an Event), and the lead temperature follows documented signals.

Temperature rules (README, "Lead temperature"):
- booking intent, or an appointment booked: HOT;
- a price or quote question, or contact details given: WARM;
- any other question: COOL;
- opted out, or silent for the workspace's `cold_after_days`: COLD (the nightly job).
A message raises the temperature to its signal and never lowers it (a HOT lead asking a
general question stays HOT); a COLD lead who writes again is at least COOL. An operator's
manual choice wins until they clear it (`contacts.set_lead_temperature`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from data import contacts, events
from data.answers.leads import LeadDetails
from data.clock import as_utc
from data.events import Actor
from data.models import Appointment, Contact, Workspace
from data.vocab import AppointmentStatus, EventKind, LeadTemperature

RANK = {
    LeadTemperature.COLD: 0,
    LeadTemperature.COOL: 1,
    LeadTemperature.WARM: 2,
    LeadTemperature.HOT: 3,
}


def capture(
    session: Session,
    contact: Contact,
    details: LeadDetails,
    actor: Actor,
    conversation_id: int | None = None,
) -> list[str]:
    """Put the details the contact lacks onto it; returns the fields filled."""
    before = {f: getattr(contact, f) for f in ("name", "email", "phone")}
    contacts.add_missing_details(
        session, contact, name=details.name, email=details.email, phone=details.phone
    )
    filled = [f for f, value in before.items() if not value and getattr(contact, f)]
    if filled:
        events.record(
            session,
            contact.workspace_id,
            EventKind.CONTACT_UPDATED,
            actor,
            contact_id=contact.id,
            conversation_id=conversation_id,
            data={"captured": {f: getattr(contact, f) for f in filled}},
        )
    return filled


def next_temperature(current: str, signal: LeadTemperature | None) -> str:
    """The temperature after a message that signals `signal` (see the module's rules)."""
    if signal == LeadTemperature.COLD:
        return LeadTemperature.COLD
    if current == LeadTemperature.COLD:
        return signal or LeadTemperature.COOL
    if signal is None:
        return current
    return signal if RANK[signal] > RANK.get(LeadTemperature(current), 0) else current


def apply_signal(
    session: Session,
    contact: Contact,
    signal: LeadTemperature | None,
    reason: str,
    conversation_id: int | None = None,
) -> bool:
    """Move the contact's temperature for a new signal; a manual choice is left alone."""
    target = next_temperature(contact.lead_temperature, signal)
    if target == contact.lead_temperature:
        return False
    return contacts.set_lead_temperature(
        session, contact, target, Actor.ai(), reason=reason, conversation_id=conversation_id
    )


def cool_silent(session: Session, workspace: Workspace, now: datetime) -> int:
    """The nightly job's rule: leads silent for `cold_after_days` with no upcoming appointment
    become COLD. Returns how many changed."""
    cutoff = as_utc(now) - timedelta(days=workspace.cold_after_days)
    upcoming = select(Appointment.contact_id).where(
        Appointment.workspace_id == workspace.id,
        Appointment.status == AppointmentStatus.BOOKED,
        col(Appointment.starts_at) >= as_utc(now),
    )
    stale = session.exec(
        select(Contact).where(
            Contact.workspace_id == workspace.id,
            Contact.lead_temperature != LeadTemperature.COLD,
            col(Contact.lead_temperature_manual).is_(False),
            col(Contact.last_inbound_at).is_not(None),
            col(Contact.last_inbound_at) < cutoff,
            col(Contact.id).not_in(upcoming),
        )
    ).all()
    for contact in stale:
        contacts.set_lead_temperature(
            session,
            contact,
            LeadTemperature.COLD,
            Actor.automation("Nightly lead cooling"),
            reason=f"silent for {workspace.cold_after_days} days",
        )
    return len(stale)
