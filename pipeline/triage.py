"""Triage: every inbound message, once. Sentiment onto the message and the conversation's
trend, lead details onto the contact, plain-language opt-outs applied, escalations raised,
the lead temperature moved, and the message marked for the reply job (after a short wait when
the customer seems to be still typing, so a burst gets one answer)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import ColumnElement, Engine, update
from sqlmodel import Session, col, select

from data import contacts, escalations, leads, outbox, workspaces
from data.answers import sentiment as vader
from data.answers.intents import OptOut
from data.answers.triage import Thresholds, assess, is_fragment
from data.clock import utcnow
from data.db import session_scope
from data.events import Actor
from data.inbound import keyword_reply_text
from data.keywords import Keyword
from data.models import Contact, Conversation, Message, Workspace
from data.outbox import STAFF_PURPOSES
from data.settings import get_settings
from data.vocab import REPLYABLE_CHANNELS, Direction, EscalationReason, LeadTemperature
from pipeline import ai, batch, chunks
from pipeline import reply as reply_job
from pipeline.chunks import Claimed
from pipeline.claims import claim_inbound, release

log = logging.getLogger("inbox.pipeline.triage")

#: How long the reply waits after a fragment for the rest of a burst.
BURST_WAIT = timedelta(seconds=4)
BATCH = 100
#: Escalations after which the AI has nothing useful to suggest to the operator.
_NO_SUGGESTION = (EscalationReason.ASKED_FOR_PERSON, EscalationReason.OPT_OUT_UNCLEAR)


def _untriaged() -> ColumnElement[bool]:
    return col(Message.triaged_at).is_(None)


def message_text(message: Message) -> str:
    return (message.body or message.subject or "").strip()


def triage_due(engine: Engine, limit: int = BATCH) -> int:
    """Triage what is waiting, a chunk of messages per transaction (`pipeline.chunks`);
    returns how many messages this process claimed."""
    with session_scope(engine, write=True) as session:
        claimed = [
            (Claimed(m.id, m.conversation_id), message_text(m))
            for m in claim_inbound(session, _untriaged(), col(Message.created_at), limit)
        ]
    texts = dict(claimed)
    scores: dict[int, float | None] = {}
    offline = ai.backend() is None

    def score(chunk: list[Claimed]) -> None:
        # Outside the transaction: the AI backend, when it scores, is a network call.
        for c in chunk:
            text = texts[c]
            scores[c.id] = ai.sentiment(text, vader.score(text)) if text else None

    def handle(session: Session, messages: list[Message]) -> None:
        # Every message first, then the replies, as if triage and the reply job had each run
        # over the chunk: a burst's newer messages are triaged before its earlier ones would
        # be answered (so the reply goes to the newest, or to the earlier ones when the newest
        # carries none), and the chunk's writes reach the database in one flush (the reads in
        # between skip the autoflush: `data.transaction_cache.flushing_only_for`).
        for message in messages:
            triage(session, message, scores[message.id])
        if not offline:
            return  # the reply job answers, outside any transaction
        for message in messages:
            if message.reply_due_at is not None and message.reply_due_at <= utcnow():
                # The offline responder needs no network: answered in the same transaction
                # instead of claiming the message again for the reply job.
                reply_job.answer_now(session, message)

    chunks.run(engine, list(texts), _is_untriaged, handle, before=score)
    return len(claimed)


def _is_untriaged(message: Message) -> bool:
    return message.triaged_at is None


def triage(
    session: Session, message: Message, score: float | None = None
) -> tuple[Conversation, Contact, Workspace] | None:
    """Apply the triage rules to one inbound message (locked by the caller). Returns the
    conversation, contact and workspace it loaded (None for messages triage skips)."""
    now = utcnow()
    message.triaged_at = now
    release(message)
    session.add(message)
    text = message_text(message)
    if message.meta.get("keyword") or message.channel not in REPLYABLE_CHANNELS or not text:
        return None  # keywords were handled at ingest; call transcripts are read-only
    # The caller locked it (`pipeline.batch`): two processes triaging two messages of one
    # conversation would otherwise fold their sentiment into the same old trend, or both
    # escalate it. The locking read put it in this session: no second query.
    conversation = session.get(Conversation, message.conversation_id)
    contact = session.get(Contact, message.contact_id)
    workspace = workspaces.get(session, message.workspace_id)
    loaded = (conversation, contact, workspace)
    thresholds = Thresholds(
        workspace.negative_sentiment_threshold, workspace.sentiment_trend_threshold
    )
    found = assess(
        text,
        previous_trend=conversation.sentiment_trend,
        scored_before=conversation.sentiment_samples,
        thresholds=thresholds,
        region=get_settings().default_region,
        score=score,
    )
    message.sentiment = found.sentiment
    conversation.sentiment_trend = found.trend
    conversation.sentiment_samples += 1
    session.add(conversation)
    leads.capture(session, contact, found.details, Actor.ai(), conversation.id)
    message.meta = {
        **message.meta,
        "triage": {
            "sentiment": found.sentiment,
            "escalation": found.escalation,
            "opt_out": found.opt_out,
            "temperature": found.temperature,
        },
    }

    if found.opt_out == OptOut.CLEAR:
        _opt_out(session, workspace, conversation, contact, message, text)
        return loaded
    escalated_now = False
    if found.escalation is not None:
        escalated_now = escalations.escalate(
            session,
            conversation,
            found.escalation,
            Actor.ai(),
            note=found.escalation_note,
            answering=message,
        )
    leads.apply_signal(
        session, contact, found.temperature, f"message {message.id}", conversation.id
    )
    if escalated_now and found.escalation in _NO_SUGGESTION:
        return loaded
    fragment = is_fragment(text, found.intents) and not _answers_the_business(session, message)
    wait = BURST_WAIT if fragment else timedelta(0)
    message.reply_due_at = now + wait
    # Earlier messages of a burst are answered with this one.
    chunk = batch.batch_of(session)
    earlier = chunk.earlier_due(message) if chunk is not None else None
    if earlier is not None:  # the chunk has them loaded: changed with its other writes
        for due in earlier:
            due.reply_due_at = None
            session.add(due)
        return loaded
    session.exec(
        update(Message)
        .where(
            col(Message.conversation_id) == conversation.id,
            col(Message.direction) == Direction.INBOUND,
            col(Message.id) < message.id,
            col(Message.reply_due_at).is_not(None),
        )
        .values(reply_due_at=None)
    )
    return loaded


def _answers_the_business(session: Session, message: Message) -> bool:
    """Whether the business spoke last before this message: then a short message ("2",
    "tuesday 3pm", "yes") answers it and needs no wait for more."""
    chunk = batch.batch_of(session)
    loaded = chunk.before(message, 6) if chunk is not None else None
    if loaded is not None:
        return _business_spoke_last(reversed([m for m in loaded if m.id != message.id]))
    previous = session.exec(
        select(Message)
        .where(
            Message.conversation_id == message.conversation_id,
            col(Message.id) < message.id,
        )
        .order_by(col(Message.id).desc())
        .limit(5)
    ).all()
    return _business_spoke_last(previous)


def _business_spoke_last(previous: Iterable[Message]) -> bool:
    """Over up to five earlier messages, newest first."""
    for earlier in list(previous)[:5]:
        if earlier.meta.get("purpose") in STAFF_PURPOSES:
            continue
        return earlier.direction == Direction.OUTBOUND
    return False


def _opt_out(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    contact: Contact,
    message: Message,
    text: str,
) -> None:
    """A clear plain-language opt-out counts like STOP: recorded, one confirmation sent (the
    provider does not recognise these words, so the product always confirms)."""
    changed = contacts.opt_out(
        session,
        contact,
        keyword=text[:200],
        channel=message.channel,
        actor=Actor.customer(),
        conversation_id=conversation.id,
    )
    leads.apply_signal(session, contact, LeadTemperature.COLD, "opted out", conversation.id)
    if changed:
        with contextlib.suppress(outbox.OutboxError):
            outbox.enqueue(
                session,
                conversation,
                keyword_reply_text(workspace, Keyword.STOP),
                Actor.automation("Opt-out confirmation"),
                purpose="opt_out_confirmation",
            )
