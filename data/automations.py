"""Automated messages to customers: appointment reminders (the workspace's `reminder_hours`
before the visit) and one follow-up to a lead that went quiet after a quote. Both honour the
customer's opt-out, a person handling the conversation, and quiet hours (nothing automated
between the workspace's `quiet_hours_start` and `quiet_hours_end`, local time); each appears
in the thread as an automation message, and each skip is an Event."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from data import events, outbox
from data.clock import as_utc
from data.events import Actor
from data.models import Appointment, Contact, Conversation, Workspace
from data.scheduling import Hours, format_slot
from data.vocab import (
    REPLYABLE_CHANNELS,
    AppointmentStatus,
    ConversationStatus,
    EventKind,
    LeadStatus,
    ManagedBy,
)

REMINDER = "appointment_reminder"
FOLLOW_UP = "quote_follow_up"


def quiet_now(workspace: Workspace, now: datetime) -> bool:
    """Whether `now` falls in the workspace's quiet hours (which may span midnight)."""
    local = as_utc(now).astimezone(ZoneInfo(workspace.timezone)).time()
    start = time.fromisoformat(workspace.quiet_hours_start)
    end = time.fromisoformat(workspace.quiet_hours_end)
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _conversation_for(
    session: Session, contact: Contact, preferred: int | None
) -> Conversation | None:
    """Where an automated message to the contact goes: the appointment's conversation, else
    their most recent one on a channel that can carry text."""
    if preferred is not None:
        chosen = session.get(Conversation, preferred)
        if chosen is not None and chosen.channel in REPLYABLE_CHANNELS:
            return chosen
    return session.exec(
        select(Conversation)
        .where(
            Conversation.workspace_id == contact.workspace_id,
            Conversation.contact_id == contact.id,
            col(Conversation.channel).in_([str(c) for c in REPLYABLE_CHANNELS]),
        )
        .order_by(col(Conversation.last_message_at).desc())
    ).first()


def _skip(
    session: Session,
    workspace: Workspace,
    contact: Contact,
    what: str,
    why: str,
    conversation_id: int | None,
) -> None:
    events.record(
        session,
        workspace.id,
        EventKind.AUTOMATION_SKIPPED,
        Actor.automation(what),
        contact_id=contact.id,
        conversation_id=conversation_id,
        data={"reason": why},
    )


def _send(
    session: Session,
    workspace: Workspace,
    contact: Contact,
    conversation: Conversation | None,
    text: str,
    what: str,
    purpose: str,
) -> bool:
    """Queue one automated message, or record why not. Returns whether it was queued."""
    if conversation is None:
        _skip(session, workspace, contact, what, "no conversation to send it in", None)
        return False
    busy = None
    if conversation.managed_by == ManagedBy.HUMAN:
        busy = "a person is handling the conversation"
    elif conversation.status == ConversationStatus.ESCALATED:
        busy = "the conversation is escalated to a person"
    if busy:
        _skip(session, workspace, contact, what, busy, conversation.id)
        return False
    try:
        outbox.enqueue(session, conversation, text, Actor.automation(what), purpose=purpose)
    except outbox.OutboxError as refused:
        _skip(session, workspace, contact, what, str(refused), conversation.id)
        return False
    return True


def due_reminders(session: Session, workspace: Workspace, now: datetime) -> list[Appointment]:
    return list(
        session.exec(
            select(Appointment).where(
                Appointment.workspace_id == workspace.id,
                Appointment.status == AppointmentStatus.BOOKED,
                col(Appointment.reminder_sent_at).is_(None),
                col(Appointment.starts_at) > as_utc(now),
                col(Appointment.starts_at)
                <= as_utc(now) + timedelta(hours=workspace.reminder_hours),
            )
        )
    )


def send_reminders(session: Session, workspace: Workspace, now: datetime) -> int:
    """Remind every customer whose visit is within the reminder lead time (once each);
    during quiet hours they wait for the morning. Returns how many were queued."""
    if quiet_now(workspace, now):
        return 0
    sent = 0
    hours = Hours(workspace.business_hours, workspace.timezone)
    for appointment in due_reminders(session, workspace, now):
        contact = session.get(Contact, appointment.contact_id)
        conversation = _conversation_for(session, contact, appointment.conversation_id)
        text = (
            f"Reminder from {workspace.name}: your visit is on "
            f"{format_slot(appointment.starts_at, hours)}. Reply here if you need to change it."
        )
        # Marked either way: a reminder skipped for an opt-out is not retried every minute.
        appointment.reminder_sent_at = as_utc(now)
        session.add(appointment)
        sent += _send(
            session, workspace, contact, conversation, text, "Appointment reminder", REMINDER
        )
    return sent


def due_follow_ups(session: Session, workspace: Workspace, now: datetime) -> list[Contact]:
    """Quoted leads who have been silent `follow_up_days` and got no follow-up yet (opted-out
    ones too: their skip is recorded as an Event once)."""
    cutoff = as_utc(now) - timedelta(days=workspace.follow_up_days)
    return list(
        session.exec(
            select(Contact).where(
                Contact.workspace_id == workspace.id,
                Contact.lead_status == LeadStatus.QUOTED,
                col(Contact.followed_up_at).is_(None),
                col(Contact.last_inbound_at) < cutoff,
            )
        )
    )


def send_follow_ups(session: Session, workspace: Workspace, now: datetime) -> int:
    if quiet_now(workspace, now):
        return 0
    sent = 0
    for contact in due_follow_ups(session, workspace, now):
        conversation = _conversation_for(session, contact, None)
        first = f" {contact.name.split()[0]}" if contact.name else ""
        text = (
            f"Hi{first}, just checking in on the quote from {workspace.name}. Any questions, "
            "or would you like to book a time? Reply here."
        )
        contact.followed_up_at = as_utc(now)
        session.add(contact)
        sent += _send(session, workspace, contact, conversation, text, "Quote follow-up", FOLLOW_UP)
    return sent
