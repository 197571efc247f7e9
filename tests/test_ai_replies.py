"""The AI's replies through the real pipeline: answered from the knowledge base, one reply
per burst, silent when it must be, shaped for the channel, and never twice for one message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from data import conversations, outbox, sms, workspaces
from data.answers.replies import Reply, ReplyKind
from data.clock import utcnow
from data.db import session_scope
from data.events import Actor
from data.inbound import InboundMessage, receive
from data.models import Message
from pipeline import reply as reply_job
from pipeline import triage as triage_job
from pipeline.claims import worker_id
from tests.factories import make_business, make_user, text_in
from tests.pipeline_helpers import ai_replies, answer, events_of, fresh, outbound


def test_a_question_gets_the_knowledge_base_answer_and_the_lead_is_contacted(
    engine, session: Session
) -> None:
    make_business(session)
    result = text_in(session, "how much does a new water heater cost?")
    answer(engine, session)
    [reply] = ai_replies(session, result.conversation.id)
    assert reply.answers_message_id == result.message.id
    assert reply.meta["ai"]["entry_question"] == "How much does a new water heater cost?"
    assert reply.meta["ai"]["source"] == "offline" and reply.status == "queued"
    assert "$" in reply.body and sms.segments(reply.body) <= sms.MAX_REPLY_SEGMENTS
    assert fresh(session, result.contact).lead_status == "contacted"


def test_a_burst_of_short_messages_gets_one_reply(engine, session: Session) -> None:
    make_business(session)
    burst = [text_in(session, body) for body in ("hi", "quick question", "do you do gas lines?")]
    answer(engine, session)
    [reply] = ai_replies(session, burst[0].conversation.id)
    assert reply.answers_message_id == burst[-1].message.id
    assert reply.meta["ai"]["entry_question"] == "Do you do gas line work?"
    assert all(fresh(session, r.message).reply_due_at is None for r in burst)


def test_a_lone_greeting_is_answered_after_the_burst_wait(
    engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_business(session)
    result = text_in(session, "hello there")
    answer(engine, session)
    assert ai_replies(session, result.conversation.id) == []  # still waiting for the rest
    message = fresh(session, result.message)
    assert message.reply_due_at > utcnow()
    message.reply_due_at = utcnow() - timedelta(seconds=1)
    session.add(message)
    answer(engine, session)
    [reply] = ai_replies(session, result.conversation.id)
    assert reply.body.startswith("Hi! This is Acme Plumbing's assistant")


def test_an_acknowledgement_needs_no_reply(engine, session: Session) -> None:
    make_business(session)
    result = text_in(session, "sounds good, thanks")
    answer(engine, session)
    message = fresh(session, result.message)
    message.reply_due_at = utcnow() - timedelta(seconds=1)  # past the burst wait
    session.add(message)
    answer(engine, session)
    assert len(ai_replies(session, result.conversation.id)) <= 1
    assert all("$" not in m.body for m in ai_replies(session, result.conversation.id))


def test_with_sms_replies_switched_off_the_ai_stays_silent_but_triage_runs(
    engine, session: Session
) -> None:
    workspace = make_business(session)
    owner = Actor.operator(make_user(session, workspace, "owner", "Dana"))
    workspaces.set_auto_reply(session, workspace, "sms", False, owner)
    result = text_in(session, "what are your hours?")
    answer(engine, session)
    assert ai_replies(session, result.conversation.id) == []
    message = fresh(session, result.message)
    assert message.triaged_at is not None and message.sentiment is not None


def test_while_a_person_handles_the_conversation_the_ai_only_suggests(engine, session) -> None:
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    first = text_in(session, "hi, is anyone around?")
    outbox.enqueue(session, first.conversation, "Hi, Jamie here. How can I help?", jamie)
    later = text_in(session, "do you take credit cards?")
    answer(engine, session)
    assert ai_replies(session, first.conversation.id) == []
    suggestion = fresh(session, later.message).meta["suggestion"]
    assert suggestion["entry_question"] == "What payment methods do you accept?"
    assert suggestion["text"]


def test_an_email_that_must_not_be_auto_answered_gets_no_reply(engine, session) -> None:
    make_business(session)
    result = receive(
        session,
        InboundMessage(
            channel="email",
            to_address="hello@acme.example",
            from_address="noreply@vendor.example",
            body="Out of office: what are your hours?",
            subject="Automatic reply",
            provider_id="<auto-1@vendor.example>",
            meta={"no_auto_reply": True},
        ),
    )
    answer(engine, session)
    assert ai_replies(session, result.conversation.id) == []


def test_an_email_reply_has_a_greeting_a_signature_and_the_threads_subject(
    engine, session: Session
) -> None:
    make_business(session)
    result = receive(
        session,
        InboundMessage(
            channel="email",
            to_address="hello@acme.example",
            from_address="pat@example.com",
            body="Do you offer financing for a new water heater?",
            subject="Financing question",
            provider_id="<q-1@example.com>",
            name="Pat Lee",
        ),
    )
    answer(engine, session)
    [reply] = ai_replies(session, result.conversation.id)
    assert reply.body.startswith("Hi Pat,") and "Best regards,\nAcme Plumbing" in reply.body
    assert reply.subject == "Re: Financing question"


def test_at_the_sms_allowance_customers_on_sms_go_to_a_person(engine, session) -> None:
    make_business(session, sms_allowance=1)
    first = text_in(session, "what are your hours?")
    answer(engine, session)
    assert len(ai_replies(session, first.conversation.id)) == 1  # uses the allowance up
    text_in(session, "and do you do gas line work?")
    answer(engine, session)
    conversation = fresh(session, first.conversation)
    assert conversation.escalation_reason == "sms_allowance"
    assert len(ai_replies(session, conversation.id)) == 1  # no holding SMS either


def test_call_transcripts_are_never_answered(engine, session: Session) -> None:
    make_business(session)
    result = receive(
        session,
        InboundMessage(
            channel="voice",
            to_address="+15125550100",
            from_address="+15125550123",
            body="Caller: my water heater is leaking, can someone come out?",
            provider_id="CA-transcript-1",
        ),
    )
    answer(engine, session)
    assert outbound(session, result.conversation.id) == []


def test_the_database_refuses_a_second_ai_reply_to_one_message(engine, session) -> None:
    make_business(session)
    result = text_in(session, "what are your hours?")
    answer(engine, session)
    with pytest.raises(IntegrityError):
        outbox.enqueue(
            session, result.conversation, "Again!", Actor.ai(), answers_message_id=result.message.id
        )
        session.flush()
    session.rollback()


def test_a_reply_written_twice_after_a_crash_is_queued_once(engine, session) -> None:
    """A worker that dies after writing its reply but before clearing the lease is replaced;
    the second attempt finds the message answered and queues nothing."""
    make_business(session)
    result = text_in(session, "what are your hours?")
    session.commit()
    triage_job.triage_due(engine)
    done = Reply(ReplyKind.ANSWER, "We're open 7:30 to 6.", entry_id=1)
    for _ in range(2):
        with session_scope(engine, write=True) as write:
            message = write.get(Message, result.message.id)
            message.reply_due_at = utcnow()
            message.lease_owner = worker_id()
            reply_job.apply(write, message, done)
    session.expire_all()
    assert len(ai_replies(session, result.conversation.id)) == 1


def test_a_message_leased_by_a_dead_worker_is_taken_over_after_the_lease(engine, session) -> None:
    make_business(session)
    result = text_in(session, "what are your hours?")
    message = result.message
    message.lease_owner = "dead-host:1"
    message.lease_expires_at = utcnow() + timedelta(minutes=1)
    session.add(message)
    session.commit()
    assert triage_job.triage_due(engine) == 0  # a live lease is respected
    message = fresh(session, message)
    message.lease_expires_at = utcnow() - timedelta(seconds=1)
    session.add(message)
    answer(engine, session)
    assert fresh(session, message).triaged_at is not None
    assert len(ai_replies(session, result.conversation.id)) == 1


def test_a_manual_escalation_sends_the_same_holding_reply_and_alerts(engine, session) -> None:
    from data import escalations

    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = text_in(session, "my kitchen sink is leaking under the cabinet")
    answer(engine, session)
    conversation = fresh(session, result.conversation)
    assert escalations.escalate(session, conversation, "manual", jamie, note="VIP customer")
    assert not escalations.escalate(session, conversation, "manual", jamie)
    session.commit()
    assert len([m for m in outbound(session, conversation.id, "alert")]) == 2
    assert "VIP customer" in outbound(session, conversation.id, "alert")[0].body
    assert len(events_of(session, "escalated", conversation.id)) == 1
    conversations.resume_ai(session, conversation, jamie)
