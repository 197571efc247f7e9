"""Calls: a call becomes a Call row (deduplicated on the provider's call id) in the customer's
voice conversation, shown there as a read-only transcript."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from data import conversations
from data.clock import as_utc, utcnow
from data.models import Call, Contact, Conversation
from data.vocab import ChannelKind, SenderKind

#: Twilio's call statuses in the order a call moves through them; the final ones share a rank.
_STATUS_RANK = {
    "queued": 0,
    "initiated": 1,
    "ringing": 2,
    "in-progress": 3,
    "completed": 4,
    "busy": 4,
    "failed": 4,
    "no-answer": 4,
    "canceled": 4,
}


def _moves_forward(current: str, new: str) -> bool:
    """A callback may only move a call's status forward: they can arrive out of order."""
    return _STATUS_RANK.get(new, 4) > _STATUS_RANK.get(current, -1)


def route_by_provider_id(session: Session, provider_id: str) -> Call | None:
    """The call with this provider id, in whichever workspace took it. For callbacks that
    name only the call (Twilio's recording callbacks carry no From/To to route by); a
    provider's call id is unique across its accounts."""
    return session.exec(select(Call).where(Call.provider_id == provider_id)).first()


def get_by_provider_id(session: Session, workspace_id: int, provider_id: str) -> Call | None:
    return session.exec(
        select(Call).where(Call.workspace_id == workspace_id, Call.provider_id == provider_id)
    ).first()


def record(
    session: Session,
    contact: Contact,
    provider_id: str,
    *,
    channel_id: int | None = None,
    direction: str = "inbound",
    from_address: str | None = None,
    to_address: str | None = None,
    status: str = "completed",
    started_at: datetime | None = None,
    duration_seconds: int | None = None,
    recording_url: str | None = None,
    summary: str = "",
    transcript: list[dict[str, Any]] | None = None,
) -> tuple[Call, bool]:
    """Store a call in the contact's voice conversation; a repeat of the same provider id
    updates what it adds (status, duration, recording, transcript) and returns created=False."""
    existing = get_by_provider_id(session, contact.workspace_id, provider_id)
    if existing is not None:
        update(
            session,
            existing,
            status=status,
            duration_seconds=duration_seconds,
            recording_url=recording_url,
            summary=summary,
            transcript=transcript,
        )
        return existing, False
    conversation, _ = conversations.find_or_create(session, contact, ChannelKind.VOICE, channel_id)
    call = Call(
        workspace_id=contact.workspace_id,
        contact_id=contact.id,
        conversation_id=conversation.id,
        provider_id=provider_id,
        direction=direction,
        from_address=from_address,
        to_address=to_address,
        status=status,
        started_at=as_utc(started_at) if started_at else utcnow(),
        duration_seconds=duration_seconds,
        recording_url=recording_url,
        summary=summary,
        transcript=list(transcript or []),
    )
    try:
        with session.begin_nested():
            session.add(call)
    except IntegrityError:
        existing = get_by_provider_id(session, contact.workspace_id, provider_id)
        if existing is None:
            raise
        return existing, False
    _note_call(session, conversation, call)
    return call, True


def update(
    session: Session,
    call: Call,
    *,
    status: str | None = None,
    duration_seconds: int | None = None,
    recording_url: str | None = None,
    summary: str = "",
    transcript: list[dict[str, Any]] | None = None,
) -> Call:
    """Add what a later callback knows (status only ever forward; empty values change
    nothing)."""
    if status and _moves_forward(call.status, status):
        call.status = status
    for name, value in (
        ("duration_seconds", duration_seconds),
        ("recording_url", recording_url),
        ("summary", summary),
        ("transcript", transcript),
    ):
        if value:
            setattr(call, name, value)
    session.add(call)
    return call


def _note_call(session: Session, conversation: Conversation, call: Call) -> None:
    # The inbox list shows a call like a message: a one-line summary as the preview.
    first_words = " ".join(t.get("text", "") for t in call.transcript[:1])
    length = ""
    if call.duration_seconds:
        length = f" ({call.duration_seconds // 60}:{call.duration_seconds % 60:02d})"
    conversations.note_activity(
        conversation,
        at=call.started_at,
        preview=f"Call{length}: {call.summary or first_words or 'no transcript'}",
        sender_kind=SenderKind.CUSTOMER if call.direction == "inbound" else SenderKind.SYSTEM,
        inbound=call.direction == "inbound",
    )
    session.add(conversation)


def for_contact(session: Session, workspace_id: int, contact_id: int) -> list[Call]:
    """A contact's calls, newest first."""
    return list(
        session.exec(
            select(Call)
            .where(Call.workspace_id == workspace_id, Call.contact_id == contact_id)
            .order_by(col(Call.started_at).desc())
        )
    )
