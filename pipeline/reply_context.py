"""What the responder is told about a conversation: the customer's unanswered burst, the
recent history, slots offered earlier, the calendar, the business profile. Read-only queries
for the reply job; inside a chunk (`pipeline.batch`) they are answered from what the chunk
loaded, and queried only when that cannot tell exactly."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from data import appointments, workspaces
from data.answers.replies import Business, ReplyRequest, Turn
from data.clock import as_utc, utcnow
from data.models import Contact, Conversation, Message, Workspace
from data.outbox import STAFF_PURPOSES
from data.scheduling import HORIZON_DAYS, Hours, free_slots
from data.vocab import Direction, SenderKind
from pipeline.batch import batch_of

HISTORY = 10
BURST_MAX = 5
#: Slots offered longer ago than this are no longer held for the customer's pick.
OFFER_VALID = timedelta(days=3)


def business_of(workspace: Workspace) -> Business:
    return Business(
        name=workspace.name,
        hours=Hours(workspace.business_hours, workspace.timezone),
        after_hours_note=workspace.after_hours_note,
        holding_reply=workspace.holding_reply,
    )


def busy_times(
    session: Session, workspace_id: int, now: datetime, *, fresh: bool = False
) -> list[tuple]:
    """Booked (start, end) pairs around now. `fresh` reads the database even inside a chunk
    (before booking: another process may have booked meanwhile)."""
    batch = batch_of(session)
    if batch is not None and not fresh:
        return batch.busy_times(session, workspace_id, now)
    booked = appointments.between(
        session, workspace_id, now - timedelta(hours=12), now + timedelta(days=HORIZON_DAYS)
    )
    return [(a.starts_at, a.ends_at) for a in booked]


def _conversation_messages(session: Session, message: Message, limit: int) -> list[Message]:
    """The latest messages of the conversation up to `message`, oldest first, without alerts
    to staff and without carrier-keyword traffic."""
    batch = batch_of(session)
    loaded = batch.before(message, limit * 3) if batch is not None else None
    if loaded is not None:
        kept = [m for m in loaded if _shown(m)]
        return kept[-limit:]
    rows = session.exec(
        select(Message)
        .where(
            Message.conversation_id == message.conversation_id,
            col(Message.id) <= message.id,
        )
        .order_by(col(Message.id).desc())
        .limit(limit * 3)
    ).all()
    kept = [m for m in rows if _shown(m)]
    return list(reversed(kept[:limit]))


def _shown(message: Message) -> bool:
    return message.meta.get("purpose") not in STAFF_PURPOSES and not message.meta.get("keyword")


def reply_request(session: Session, message: Message) -> ReplyRequest:
    """The responder's request for `message` and the burst it ends."""
    now = utcnow()
    workspace = workspaces.get(session, message.workspace_id)
    conversation = session.get(Conversation, message.conversation_id)
    contact = session.get(Contact, message.contact_id)
    recent = _conversation_messages(session, message, HISTORY + BURST_MAX)
    burst: list[Message] = []
    for m in reversed(recent):
        if m.direction != Direction.INBOUND or len(burst) == BURST_MAX:
            break
        burst.insert(0, m)
    earlier = recent[: len(recent) - len(burst)]
    history = [
        Turn("customer" if m.direction == Direction.INBOUND else "business", m.body)
        for m in earlier[-HISTORY:]
        if m.body
    ]
    business = business_of(workspace)
    busy = busy_times(session, workspace.id, now)
    return ReplyRequest(
        business=business,
        channel=conversation.channel,
        messages=[m.body or m.subject or "" for m in burst] or [message.body],
        now=now,
        customer_name=contact.name,
        history=history,
        offered_slots=_offered_slots(earlier, now),
        free_slots=free_slots(business.hours, now, busy),
        busy=busy,
    )


def _offered_slots(earlier: list[Message], now: datetime) -> list[datetime]:
    """Slots in the business's last message, if it was an AI offer still open."""
    business = [m for m in earlier if m.direction == Direction.OUTBOUND]
    if not business:
        return []
    last = business[-1]
    offered = last.meta.get("offered_slots") or []
    if last.sender_kind != SenderKind.AI or as_utc(last.created_at) < as_utc(now) - OFFER_VALID:
        return []
    return [s for s in (datetime.fromisoformat(x) for x in offered) if as_utc(s) > as_utc(now)]


def newer_pending(session: Session, message: Message) -> bool:
    """Whether a newer customer message in the conversation will carry the reply: it is not
    triaged yet, or it is due a reply itself."""
    batch = batch_of(session)
    known = batch.newer_pending(message) if batch is not None else None
    if known is not None:
        return known
    return (
        session.exec(
            select(Message.id).where(
                Message.conversation_id == message.conversation_id,
                Message.direction == Direction.INBOUND,
                col(Message.id) > message.id,
                col(Message.triaged_at).is_(None) | col(Message.reply_due_at).is_not(None),
            )
        ).first()
        is not None
    )


def already_answered(session: Session, message: Message) -> bool:
    """Whether the AI already replied to this message (invariant 3, checked before the
    unique index would refuse the row)."""
    batch = batch_of(session)
    known = batch.answered(message) if batch is not None else None
    if known is not None:
        return known
    return (
        session.exec(
            select(Message.id).where(
                Message.answers_message_id == message.id, Message.sender_kind == SenderKind.AI
            )
        ).first()
        is not None
    )
