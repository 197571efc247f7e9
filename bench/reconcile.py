"""Reconciliation after a run: queries that prove nothing was lost, doubled or left behind.

Used by the end-to-end soak (`bench/e2e.py`) and by the fault tests
(`tests/test_pipeline_crash.py` and others): after traffic stops and the pipeline has drained,
each function returns the offending rows (empty = the invariant holds), so a caller can assert
`== []` / `== {}` or print PASS/FAIL with examples.

- stored once: every provider id ingest answered 2xx for is one inbound row (`stored_counts`;
  call transcripts are calls, not messages: `stored_call_counts`);
- triaged once: every inbound message has `triaged_at` (`untriaged`), and no conversation
  counts more sentiment samples than it has inbound messages (`over_sampled`: each triage adds
  one sample, so a message triaged twice shows up here);
- answered at most once: no inbound message has two AI replies (`multiple_ai_replies`) and
  every AI reply names the message it answers (`ai_replies_without_target`);
- sent at most once: no outbox row was handed to a sender twice (`sent_more_than_once`, from the
  log sender's lines, counted by `log_sends`);
- nothing pending: no reply due (`replies_due`), no outbox row queued or sending
  (`outbox_pending`);
- escalations: each escalated conversation escalated once (`escalations_not_once`).

Every function takes an optional `workspace_id` to look at one workspace of a shared database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from data.models import Call, Conversation, Event, Message
from data.vocab import DeliveryStatus, Direction, EventKind, SenderKind

#: What the log sender (`pipeline/senders/log.py`) writes for each message it sends, at INFO.
LOG_SEND = re.compile(r"inbox\.sender\.log: send (\w+) message (\d+) to ")


def _scoped(statement: Any, workspace_id: int | None, table: Any = Message) -> Any:
    if workspace_id is None:
        return statement
    return statement.where(table.workspace_id == workspace_id)


def stored_counts(
    session: Session, provider_ids: Iterable[str], workspace_id: int | None = None
) -> dict[str, int]:
    """How many inbound rows carry each of `provider_ids` (0 = lost, 2+ = stored twice).

    Provider ids are unique per workspace and channel; this counts across channels, so a
    simulator's ids (random, channel-prefixed) are what it is meant for."""
    wanted = list(dict.fromkeys(provider_ids))
    found: Counter[str] = Counter()
    for start in range(0, len(wanted), 1000):  # bounded IN lists
        chunk = wanted[start : start + 1000]
        rows = session.exec(
            _scoped(
                select(Message.provider_id, func.count())
                .where(
                    Message.direction == Direction.INBOUND,
                    col(Message.provider_id).in_(chunk),
                )
                .group_by(Message.provider_id),
                workspace_id,
            )
        ).all()
        found.update({str(pid): int(n) for pid, n in rows})
    return {pid: found.get(pid, 0) for pid in wanted}


def stored_call_counts(
    session: Session, provider_ids: Iterable[str], workspace_id: int | None = None
) -> dict[str, int]:
    """How many calls carry each of `provider_ids` (call transcripts are stored as calls)."""
    wanted = list(dict.fromkeys(provider_ids))
    found: Counter[str] = Counter()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        rows = session.exec(
            _scoped(
                select(Call.provider_id, func.count())
                .where(col(Call.provider_id).in_(chunk))
                .group_by(Call.provider_id),
                workspace_id,
                Call,
            )
        ).all()
        found.update({str(pid): int(n) for pid, n in rows})
    return {pid: found.get(pid, 0) for pid in wanted}


def inbound_ids(session: Session, workspace_id: int | None = None) -> list[int]:
    """Every inbound message's id."""
    return list(
        session.exec(
            _scoped(select(Message.id).where(Message.direction == Direction.INBOUND), workspace_id)
        )
    )


def untriaged(session: Session, workspace_id: int | None = None) -> list[int]:
    """Inbound messages triage has not marked (`triaged_at` NULL)."""
    return list(
        session.exec(
            _scoped(
                select(Message.id).where(
                    Message.direction == Direction.INBOUND, col(Message.triaged_at).is_(None)
                ),
                workspace_id,
            )
        )
    )


def over_sampled(session: Session, workspace_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Conversations with more sentiment samples than inbound messages:
    {conversation id: (samples, inbound messages)}. Each triage of a message with text adds
    one sample, so a message triaged twice makes its conversation appear here. (Fewer samples
    than messages is normal: keywords and call transcripts are not scored.)"""
    inbound = func.count(Message.id)
    rows = session.exec(
        _scoped(
            select(Conversation.id, Conversation.sentiment_samples, inbound)
            .join(
                Message,
                (Message.conversation_id == Conversation.id)
                & (Message.direction == Direction.INBOUND),
                isouter=True,
            )
            .group_by(col(Conversation.id), col(Conversation.sentiment_samples))
            .having(Conversation.sentiment_samples > inbound),
            workspace_id,
            Conversation,
        )
    ).all()
    return {int(cid): (int(samples), int(n)) for cid, samples, n in rows}


def multiple_ai_replies(session: Session, workspace_id: int | None = None) -> dict[int, int]:
    """Inbound messages with more than one AI reply: {inbound id: replies}. (A unique partial
    index forbids it; this checks the index is there and holds.)"""
    replies = func.count(Message.id)
    rows = session.exec(
        _scoped(
            select(Message.answers_message_id, replies)
            .where(
                Message.sender_kind == SenderKind.AI,
                col(Message.answers_message_id).is_not(None),
            )
            .group_by(Message.answers_message_id)
            .having(replies > 1),
            workspace_id,
        )
    ).all()
    return {int(mid): int(n) for mid, n in rows}


def ai_replies_without_target(session: Session, workspace_id: int | None = None) -> list[int]:
    """AI replies that do not name the inbound message they answer (such a reply escapes the
    at-most-one check)."""
    return list(
        session.exec(
            _scoped(
                select(Message.id).where(
                    Message.sender_kind == SenderKind.AI,
                    Message.direction == Direction.OUTBOUND,
                    col(Message.answers_message_id).is_(None),
                ),
                workspace_id,
            )
        )
    )


def replies_due(session: Session, workspace_id: int | None = None) -> list[int]:
    """Inbound messages still waiting for the reply job (`reply_due_at` set)."""
    return list(
        session.exec(
            _scoped(
                select(Message.id).where(
                    Message.direction == Direction.INBOUND,
                    col(Message.reply_due_at).is_not(None),
                ),
                workspace_id,
            )
        )
    )


def outbox_pending(session: Session, workspace_id: int | None = None) -> dict[int, str]:
    """Outbound rows not yet handed to a sender, or handed over with no outcome recorded:
    {id: status} for `queued` and `sending`."""
    rows = session.exec(
        _scoped(
            select(Message.id, Message.status).where(
                Message.direction == Direction.OUTBOUND,
                col(Message.status).in_([DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
            ),
            workspace_id,
        )
    ).all()
    return {int(mid): str(status) for mid, status in rows}


def outbox_by_status(session: Session, workspace_id: int | None = None) -> dict[str, int]:
    """Outbound rows by status ({"sent": 1234, "failed": 2, ...})."""
    rows = session.exec(
        _scoped(
            select(Message.status, func.count())
            .where(Message.direction == Direction.OUTBOUND)
            .group_by(Message.status),
            workspace_id,
        )
    ).all()
    return {str(status): int(n) for status, n in rows}


def escalations_not_once(session: Session, workspace_id: int | None = None) -> dict[int, int]:
    """Escalated conversations with more than one `escalated` event: {conversation id: n}."""
    events = func.count(Event.id)
    rows = session.exec(
        _scoped(
            select(Event.conversation_id, events)
            .where(Event.kind == EventKind.ESCALATED)
            .group_by(Event.conversation_id)
            .having(events != 1),
            workspace_id,
            Event,
        )
    ).all()
    return {int(cid): int(n) for cid, n in rows}


def log_sends(logs: Iterable[Path]) -> Counter[int]:
    """How many times the log sender sent each outbox row, from the pipelines' logs (the
    processes must log at INFO, the default, for the log sender's lines to be there)."""
    sends: Counter[int] = Counter()
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            found = LOG_SEND.search(line)
            if found:
                sends[int(found.group(2))] += 1
    return sends


def sent_more_than_once(sends: Counter[int]) -> dict[int, int]:
    """Outbox rows handed to a sender more than once: {message id: sends}."""
    return {mid: n for mid, n in sends.items() if n > 1}
