"""What a chunk of claimed inbound messages (`pipeline.chunks`, one transaction) reads about
them, loaded once for the whole chunk instead of once per message.

Per message, the pipeline read its conversation, contact, workspace, recent history, the
calendar and the knowledge base's version, and checked for newer messages and earlier
replies: about ten round trips and a commit (a WAL flush) each. Here a chunk costs a handful
of reads and one commit, and each message only its writes.

The loaded view of a conversation stays exact while the chunk works on it because the
chunk holds the conversation's lock: no other process triages, replies or clears a burst in
it meanwhile (they all lock the conversation first). What the chunk itself writes is seen
through the session's identity map (the same Message objects), and rows it adds are tracked:
a conversation this chunk added messages to is read from the database again, and what it
books joins the calendar it loaded. Messages ingest stores during the chunk are not seen,
as if the chunk had run a moment earlier: they are untriaged and get their own turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from data import contacts, knowledge, workspaces
from data.answers.retrieval import KnowledgeIndex
from data.clock import as_utc
from data.models import Appointment, Contact, Conversation, Message, Workspace
from data.scheduling import HORIZON_DAYS
from data.transaction_cache import flushing_only_for
from data.vocab import AppointmentStatus, Direction, SenderKind

#: Recent messages loaded per conversation: the reply's context reads the 45 latest up to
#: the message answered (`reply_context.HISTORY + BURST_MAX`, three times over for the rows
#: it filters out), with a few more for messages of the same chunk.
WINDOW = 50
#: Calendar rows are loaded with this much slack around the reply's window, so that the
#: moment each message is answered at still falls inside what was loaded.
SLACK = timedelta(hours=1)
BUSY_BEFORE = timedelta(hours=12)

_KEY = "pipeline_batch"


@dataclass
class _View:
    """The newest messages of one conversation, oldest first (strong references: the
    session's identity map holds objects weakly)."""

    rows: list[Message]
    #: Whether older messages exist than the ones loaded.
    truncated: bool


@dataclass
class Batch:
    """What a chunk's transaction loaded once, for triage and the reply to read."""

    conversations: dict[int, Conversation]
    contacts: dict[int, Contact]
    #: Held so that the identity map keeps them (it holds objects weakly).
    messages: list[Message]
    workspaces: list[Workspace]
    views: dict[int, _View] = field(default_factory=dict)
    #: Conversations this chunk added messages to: read from the database again.
    stale: set[int] = field(default_factory=set)
    #: Inbound messages the AI answered during this chunk.
    replied: set[int] = field(default_factory=set)
    indexes: dict[int, KnowledgeIndex] = field(default_factory=dict)
    busy: dict[int, tuple[datetime, list[tuple[datetime, datetime]]]] = field(default_factory=dict)

    def view(self, conversation_id: int) -> _View | None:
        if conversation_id in self.stale:
            return None
        return self.views.get(conversation_id)

    def before(self, message: Message, count: int) -> list[Message] | None:
        """The `count` latest messages of the conversation up to and including `message`,
        oldest first; None when the loaded view cannot tell exactly."""
        view = self.view(message.conversation_id)
        if view is None:
            return None
        rows = [m for m in view.rows if m.id <= message.id]
        if view.truncated and len(rows) < count:
            return None  # older rows that were not loaded would count
        return rows[-count:]

    def after(self, message: Message) -> list[Message] | None:
        """Every loaded message of the conversation newer than `message`; None when older
        rows were cut off at or after it (then newer ones may be missing too)."""
        view = self.view(message.conversation_id)
        if view is None or not view.rows or (view.truncated and view.rows[0].id > message.id):
            return None
        return [m for m in view.rows if m.id > message.id]

    def newer_pending(self, message: Message) -> bool | None:
        """Whether a newer customer message of the conversation is untriaged or due a reply
        (None: the loaded view cannot tell)."""
        newer = self.after(message)
        if newer is None:
            return None
        return any(
            m.direction == Direction.INBOUND
            and (m.triaged_at is None or m.reply_due_at is not None)
            for m in newer
        )

    def earlier_due(self, message: Message) -> list[Message] | None:
        """The earlier customer messages of the conversation still due a reply (None: the
        loaded view cannot tell)."""
        view = self.view(message.conversation_id)
        if view is None or view.truncated:
            return None
        return [
            m
            for m in view.rows
            if m.id < message.id and m.direction == Direction.INBOUND and m.reply_due_at is not None
        ]

    def answered(self, message: Message) -> bool | None:
        """Whether the AI replied to `message` (None: the loaded view cannot tell). Replies
        are in the message's conversation and newer than it; those this chunk wrote are
        tracked as they are added."""
        if message.id in self.replied:
            return True
        view = self.views.get(message.conversation_id)
        if view is None or not view.rows or (view.truncated and view.rows[0].id > message.id):
            return None
        return any(
            m.answers_message_id == message.id and m.sender_kind == SenderKind.AI for m in view.rows
        )

    def index(self, session: Session, workspace_id: int) -> KnowledgeIndex:
        """The knowledge index, its version checked once per chunk."""
        if workspace_id not in self.indexes:
            self.indexes[workspace_id] = knowledge.index_for(session, workspace_id)
        return self.indexes[workspace_id]

    def busy_times(
        self, session: Session, workspace_id: int, now: datetime
    ) -> list[tuple[datetime, datetime]]:
        """Booked (start, end) pairs starting in [now - 12 h, now + HORIZON_DAYS), read once
        per chunk, with what this chunk books added as it books it."""
        loaded = self.busy.get(workspace_id)
        if loaded is None or as_utc(now) > loaded[0] + SLACK:
            start = as_utc(now)
            with flushing_only_for(session, Appointment):
                rows = session.exec(
                    select(Appointment.starts_at, Appointment.ends_at)
                    .where(
                        Appointment.workspace_id == workspace_id,
                        Appointment.status == AppointmentStatus.BOOKED,
                        col(Appointment.starts_at) >= start - BUSY_BEFORE,
                        col(Appointment.starts_at) < start + timedelta(days=HORIZON_DAYS) + SLACK,
                    )
                    .order_by(col(Appointment.starts_at))
                ).all()
            loaded = self.busy[workspace_id] = (start, [(s, e) for s, e in rows])
        low, high = as_utc(now) - BUSY_BEFORE, as_utc(now) + timedelta(days=HORIZON_DAYS)
        return [(s, e) for s, e in loaded[1] if low <= as_utc(s) < high]

    def added(self, row: Any) -> None:
        """A row this chunk adds to the session (see `open_batch`)."""
        if isinstance(row, Message):
            self.stale.add(row.conversation_id)
            if row.sender_kind == SenderKind.AI and row.answers_message_id is not None:
                self.replied.add(row.answers_message_id)
        elif isinstance(row, Appointment):
            # The chunk's own booking joins the calendar it loaded: reading it all again
            # would also flush the chunk's writes so far on their own.
            loaded = self.busy.get(row.workspace_id)
            if loaded is not None and row.status == AppointmentStatus.BOOKED:
                booked = loaded[1]
                booked.append((row.starts_at, row.ends_at))
                booked.sort(key=lambda pair: as_utc(pair[0]))


def batch_of(session: Session) -> Batch | None:
    """The chunk `session` works on, if it works on one."""
    return session.info.get(_KEY)


def open_batch(
    session: Session, conversations: Sequence[Conversation], messages: Sequence[Message]
) -> Batch:
    """Load what triage and the reply read about `messages` (locked by the caller, with
    their `conversations`), attach it to the session and return it."""
    contact_ids = sorted({m.contact_id for m in messages})
    # Locked now, in id order, rather than by the chunk's first UPDATE of each: two chunks
    # (two processes) changing the same two customers in opposite orders would deadlock.
    loaded = session.exec(
        select(Contact)
        .where(col(Contact.id).in_(contact_ids))
        .order_by(col(Contact.id))
        .with_for_update(key_share=True)
    ).all()
    batch = Batch(
        conversations={c.id: c for c in conversations},
        contacts={c.id: c for c in loaded},
        messages=list(messages),
        workspaces=[workspaces.get(session, w) for w in sorted({m.workspace_id for m in messages})],
    )
    batch.views = _recent(session, sorted(batch.conversations))
    session.info[_KEY] = batch
    # Nothing in a chunk reads a contact back from the database after changing it.
    session.info[contacts.BATCHED] = True
    # Rows added from here on make the loaded view of their conversation (or calendar) stale.
    for name in ("transient_to_pending", "detached_to_persistent"):
        event.listen(session, name, lambda _session, row: batch.added(row))
    return batch


def _recent(session: Session, conversation_ids: list[int]) -> dict[int, _View]:
    """The WINDOW newest messages of each conversation, one statement."""
    if not conversation_ids:
        return {}
    rank = (
        func.row_number()
        .over(partition_by=col(Message.conversation_id), order_by=col(Message.id).desc())
        .label("rank")
    )
    ranked = (
        select(Message, rank).where(col(Message.conversation_id).in_(conversation_ids)).subquery()
    )
    recent = aliased(Message, ranked)
    rows = session.exec(
        select(recent).where(ranked.c.rank <= WINDOW + 1).order_by(ranked.c.id)
    ).all()
    views = {cid: _View([], False) for cid in conversation_ids}
    for row in rows:
        views[row.conversation_id].rows.append(row)
    for view in views.values():
        if len(view.rows) > WINDOW:  # one more than kept: there are older messages
            view.rows = view.rows[1:]
            view.truncated = True
    return views
