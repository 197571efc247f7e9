"""The thread the console shows for a customer: their messages on every channel, their calls
(read-only transcripts) and what happened to their conversations (escalations, takeovers,
resumes, opt-outs, automations), merged in time order.

It reads the newest `limit` messages only, so a customer with years of history opens as fast
as a new one; `before` pages back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session, and_, col, or_, select

from data.clock import as_utc
from data.models import Call, Event, Message, User
from data.vocab import EventKind

#: Events worth a line of their own in the thread; the rest stay in the audit log.
THREAD_EVENTS = (
    EventKind.ESCALATED,
    EventKind.TAKEN_OVER,
    EventKind.AI_RESUMED,
    EventKind.CLOSED,
    EventKind.REOPENED,
    EventKind.OPTED_OUT,
    EventKind.OPTED_IN,
    EventKind.OPT_OUT_OVERRIDDEN,
    EventKind.AUTOMATION_SKIPPED,
    EventKind.CALL_REQUESTED,
    EventKind.APPOINTMENT_BOOKED,
    EventKind.APPOINTMENT_CHANGED,
)

DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class ThreadItem:
    """One line of the thread: a message, a call, or an event."""

    kind: Literal["message", "call", "event"]
    at: datetime
    message: Message | None = None
    call: Call | None = None
    event: Event | None = None
    #: For an operator's message: their display name.
    sender_name: str | None = None


@dataclass(frozen=True)
class Thread:
    items: list[ThreadItem]
    #: Whether older messages exist; page back with `before=thread.oldest`.
    has_older: bool
    oldest: tuple[datetime, int] | None


def thread_page(
    session: Session,
    workspace_id: int,
    contact_id: int,
    *,
    limit: int = DEFAULT_LIMIT,
    before: tuple[datetime, int] | None = None,
) -> Thread:
    """The newest `limit` messages with the contact (older than `before`, a message's
    (created_at, id)), with the calls and events of the same stretch of time, oldest first."""
    query = select(Message).where(
        Message.workspace_id == workspace_id, Message.contact_id == contact_id
    )
    if before is not None:
        at, message_id = before
        query = query.where(
            col(Message.created_at) <= at,
            or_(
                col(Message.created_at) < at,
                and_(col(Message.created_at) == at, col(Message.id) < message_id),
            ),
        )
    newest_first = list(
        session.exec(
            query.order_by(col(Message.created_at).desc(), col(Message.id).desc()).limit(limit + 1)
        )
    )
    has_older = len(newest_first) > limit
    messages = list(reversed(newest_first[:limit]))
    # The window the other items are drawn from: from the oldest message shown (or the very
    # beginning, when nothing older exists) up to the page's end.
    start = messages[0].created_at if messages and has_older else None
    end = before[0] if before is not None else None

    calls_query = select(Call).where(
        Call.workspace_id == workspace_id, Call.contact_id == contact_id
    )
    events_query = select(Event).where(
        Event.workspace_id == workspace_id,
        Event.contact_id == contact_id,
        col(Event.kind).in_([str(k) for k in THREAD_EVENTS]),
    )
    if start is not None:
        calls_query = calls_query.where(col(Call.started_at) >= start)
        events_query = events_query.where(col(Event.created_at) >= start)
    if end is not None:
        calls_query = calls_query.where(col(Call.started_at) < end)
        events_query = events_query.where(col(Event.created_at) < end)
    # Bounded like the messages: a contact with thousands of events still opens quickly.
    calls = list(session.exec(calls_query.order_by(col(Call.started_at).desc()).limit(limit)))
    events = list(session.exec(events_query.order_by(col(Event.created_at).desc()).limit(limit)))

    user_ids = {m.sender_user_id for m in messages if m.sender_user_id is not None}
    names = _user_names(session, workspace_id, user_ids)
    items = [
        ThreadItem(
            "message",
            as_utc(m.created_at),
            message=m,
            sender_name=names.get(m.sender_user_id) if m.sender_user_id else None,
        )
        for m in messages
    ]
    items += [ThreadItem("call", as_utc(c.started_at), call=c) for c in calls]
    items += [ThreadItem("event", as_utc(e.created_at), event=e) for e in events]
    items.sort(key=lambda item: (item.at, _ORDER[item.kind]))
    oldest = (messages[0].created_at, messages[0].id) if messages else None
    return Thread(items=items, has_older=has_older, oldest=oldest)


# At the same instant, an escalation reads best after the message that caused it.
_ORDER = {"call": 0, "message": 1, "event": 2}


def _user_names(session: Session, workspace_id: int, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.exec(
        select(User.id, User.display_name).where(
            User.workspace_id == workspace_id, col(User.id).in_(user_ids)
        )
    )
    return {user_id: name for user_id, name in rows}
