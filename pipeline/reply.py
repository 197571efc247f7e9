"""The reply job: for each inbound message triage marked due, the AI's answer. With an AI
backend, the context is read in one short transaction, the answer is computed outside any
transaction (the backend may take seconds), and the outcome is written in a second one that
checks again that the message is still due, still this process's, and still the newest of
its burst. The offline responder needs no network, so its replies are worked out and written
in chunks of messages, one transaction each (`pipeline.chunks`), with the same checks. At most
one AI reply per inbound message: checked here and enforced by a unique index."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Engine
from sqlmodel import Session, col

from data import appointments, escalations, knowledge, leads, outbox, reply_rules, workspaces
from data.answers.formatting import for_channel
from data.answers.leads import LeadDetails
from data.answers.offline import OfflineResponder, slot_offer
from data.answers.replies import Reply, ReplyKind, ReplyRequest
from data.answers.retrieval import KnowledgeIndex
from data.clock import utcnow
from data.db import session_scope
from data.events import Actor
from data.models import Contact, Conversation, Message, Workspace
from data.scheduling import SLOT_LENGTH, free_slots, is_free
from data.vocab import EscalationReason, LeadTemperature
from pipeline import ai, batch, chunks
from pipeline.chunks import Claimed
from pipeline.claims import claim_inbound, locked_if_still_ours, release
from pipeline.reply_context import (
    already_answered,
    business_of,
    busy_times,
    newer_pending,
    reply_request,
)

log = logging.getLogger("inbox.pipeline.reply")
BATCH = 50
AI_REPLY_PURPOSE = "ai_reply"


def _due() -> ColumnElement[bool]:
    return col(Message.reply_due_at).is_not(None) & (col(Message.reply_due_at) <= utcnow())


@dataclass
class Prepared:
    request: ReplyRequest
    knowledge: KnowledgeIndex


def reply_due(engine: Engine, limit: int = BATCH) -> int:
    """Answer what is due; returns how many messages this process claimed."""
    with session_scope(engine, write=True) as session:
        claimed = [
            Claimed(m.id, m.conversation_id)
            for m in claim_inbound(session, _due(), col(Message.reply_due_at), limit)
        ]
    if ai.backend() is not None:
        # The backend is a network call of up to seconds: made outside any transaction.
        for item in claimed:
            handle(engine, item.id)
        return len(claimed)
    chunks.run(engine, claimed, _still_due, _answer_all)
    return len(claimed)


def _still_due(message: Message) -> bool:
    return message.reply_due_at is not None


def _answer_all(session: Session, messages: list[Message]) -> None:
    for message in messages:
        answer_now(session, message)


def handle(engine: Engine, message_id: int) -> None:
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        if message is None or message.reply_due_at is None:
            return
        conversation_id = message.conversation_id
        prepared = Prepared(
            reply_request(session, message), knowledge.index_for(session, message.workspace_id)
        )
    reply = ai.answer(prepared.request, prepared.knowledge)
    with session_scope(engine, write=True) as session:
        message = locked_if_still_ours(
            session, message_id, conversation_id, col(Message.reply_due_at).is_not(None)
        )
        if message is not None:
            apply(session, message, reply)


def answer_now(session: Session, message: Message) -> None:
    """Answer `message` with the offline responder inside the caller's transaction."""
    request = reply_request(session, message)
    chunk = batch.batch_of(session)
    index = (
        chunk.index(session, message.workspace_id)
        if chunk is not None
        else knowledge.index_for(session, message.workspace_id)
    )
    apply(session, message, OfflineResponder(index).respond(request))


def apply(session: Session, message: Message, reply: Reply) -> None:
    """Write the outcome of `reply` for `message` (locked by the caller)."""
    message.reply_due_at = None
    release(message)
    message.meta = {**message.meta, "reply": _summary(reply)}
    session.add(message)
    if newer_pending(session, message):
        return  # a newer message of the burst carries the reply
    conversation = session.get(Conversation, message.conversation_id)  # locked by the caller
    contact = session.get(Contact, message.contact_id)
    workspace = workspaces.get(session, message.workspace_id)
    now = utcnow()
    leads.capture(session, contact, _details(reply), Actor.ai(), conversation.id)

    quiet = reply_rules.silence(session, workspace, conversation, contact, message, now)
    if quiet is not None:
        if quiet.escalate_for:
            escalations.escalate(
                session,
                conversation,
                quiet.escalate_for,
                Actor.ai(),
                note=quiet.reason,
                answering=message,
            )
        elif reply.text and not reply.escalates:
            # A person is in charge: offer them the AI's answer to insert and edit.
            message.meta = {**message.meta, "suggestion": _suggestion(reply)}
        return
    if reply.escalates:
        reason = (
            EscalationReason.ASKED_FOR_PERSON
            if reply.kind == ReplyKind.WANTS_PERSON
            else EscalationReason.CANT_ANSWER
        )
        escalations.escalate(
            session, conversation, reason, Actor.ai(), note=reply.reason, answering=message
        )
        return
    if reply.kind == ReplyKind.BOOKED and reply.book_at is not None:
        reply = _book(session, workspace, conversation, contact, reply, now)
    if reply.slots or reply.kind in (ReplyKind.BOOKED, ReplyKind.OFFER_SLOTS):
        leads.apply_signal(session, contact, LeadTemperature.HOT, "booking", conversation.id)
    if not reply.text or already_answered(session, message):
        return
    body = for_channel(reply.text, conversation.channel, workspace.name, contact.name)
    outbox.enqueue(
        session,
        conversation,
        body,
        Actor.ai(),
        answers_message_id=message.id,
        purpose=AI_REPLY_PURPOSE,
        meta={
            "ai": _summary(reply),
            **({"offered_slots": [s.isoformat() for s in reply.slots]} if reply.slots else {}),
        },
    )


def _book(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    contact: Contact,
    reply: Reply,
    now: datetime,
) -> Reply:
    """Book the picked slot if it is still free; otherwise offer the next free ones."""
    business = business_of(workspace)
    busy = busy_times(session, workspace.id, now, fresh=True)
    if reply.book_at is not None and is_free(business.hours, reply.book_at, busy, now):
        appointments.book(
            session,
            contact,
            reply.book_at,
            reply.book_at + SLOT_LENGTH,
            Actor.ai(),
            title="Visit booked by the AI assistant",
            source="ai",
            conversation_id=conversation.id,
        )
        return reply
    request = ReplyRequest(
        business=business,
        channel=conversation.channel,
        messages=[],
        now=now,
        free_slots=free_slots(business.hours, now, busy),
        busy=busy,
    )
    return slot_offer(request, prefix="Sorry, that time was just taken.")


def _details(reply: Reply) -> LeadDetails:
    return LeadDetails(name=reply.lead_name, email=reply.lead_email)


def _summary(reply: Reply) -> dict:
    return {
        "kind": str(reply.kind),
        "source": reply.source,
        "entry_id": reply.entry_id,
        "entry_question": reply.entry_question,
        "confidence": reply.confidence,
        **({"reason": reply.reason} if reply.reason else {}),
    }


def _suggestion(reply: Reply) -> dict:
    return {**_summary(reply), "text": reply.text}
