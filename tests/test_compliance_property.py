"""A property over random interleavings of what customers, operators and the pipeline do:
inbound texts, STOP and START, takeovers, Resume AI, bookings and reminders, with triage,
replies, automations and dispatch running in between. Whatever the order:
- no automated message (AI reply, holding reply, reminder, follow-up) is ever handed to a
  sender while its recipient is opted out (the carrier-required STOP confirmation aside), and
  a person's message only with an explicit override;
- no outbox row is handed to a sender twice, so no customer gets the same message twice."""

from __future__ import annotations

import contextlib
import shutil
import uuid
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, select

from data import appointments, conversations, outbox
from data.clock import utcnow
from data.db import get_engine
from data.events import Actor
from data.models import Contact, Message
from pipeline.automations import run_automations
from pipeline.dispatch import dispatch_due
from pipeline.runner import answer_inbound
from pipeline.senders import Outgoing, SendResult
from pipeline.senders.router import Senders
from tests.factories import make_business, make_user, text_in

# Two customers, one of them far more often: interleavings on one thread are what matter.
CUSTOMERS = ("+15125550111", "+15125550111", "+15125550111", "+15125550122")
TEXTS = (
    "what are your business hours?",
    "how much does a new water heater cost?",
    "hi",
    "can I talk to a real person",
    "book me in for tomorrow",
    "do you sell pool pumps",
    "2",
)
AUTOMATED = ("ai", "automation", "system")

_text = st.tuples(st.just("text"), st.sampled_from(CUSTOMERS), st.sampled_from(TEXTS))
_stop = st.tuples(st.just("stop"), st.sampled_from(CUSTOMERS))
_answer, _dispatch = st.just(("answer",)), st.just(("dispatch",))
# Repeated alternatives weight the draw towards the steps whose order matters most.
action = st.one_of(
    _text,
    _text,
    _stop,
    _answer,
    _answer,
    _dispatch,
    _dispatch,
    st.tuples(st.just("start"), st.sampled_from(CUSTOMERS)),
    st.tuples(st.just("take_over"), st.sampled_from(CUSTOMERS)),
    st.tuples(st.just("resume"), st.sampled_from(CUSTOMERS)),
    st.tuples(st.just("book"), st.sampled_from(CUSTOMERS)),
    st.just(("automations",)),
)


class Recorder:
    """A sender that notes, at the moment of sending, whether the recipient is opted out."""

    name = "recorder"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sent: list[tuple[int, str, str | None, bool, bool]] = []

    def send(self, outgoing: Outgoing) -> SendResult:
        message = outgoing.message
        with Session(self.engine) as look:
            contact = look.get(Contact, message.contact_id)
            opted_out = contact.opted_out and message.meta.get("purpose") != "alert"
        overridden = bool(message.meta.get("opt_out_override"))
        self.sent.append(
            (message.id, message.sender_kind, message.meta.get("purpose"), opted_out, overridden)
        )
        return SendResult(provider_id=f"rec-{uuid.uuid4().hex}", status="sent")


def _apply(step: tuple, session: Session, engine: Engine, senders: Senders, jamie: Actor) -> None:
    kind = step[0]
    if kind in ("text", "stop", "start"):
        body = {"stop": "STOP", "start": "START"}.get(kind) or step[2]
        text_in(session, body, sender=step[1])
        session.commit()
        return
    if kind in ("take_over", "resume", "book"):
        result = text_in(session, "hello", sender=step[1])  # finds (or starts) their thread
        conversation, contact = result.conversation, result.contact
        if kind == "take_over":
            with contextlib.suppress(outbox.OptedOut):
                outbox.enqueue(session, conversation, "Jamie here, I'll sort this.", jamie)
        elif kind == "resume":
            conversations.resume_ai(session, conversation, jamie)
        else:
            start = utcnow() + timedelta(hours=3)
            appointments.book(session, contact, start, start + timedelta(hours=1), jamie)
        session.commit()
        return
    session.commit()
    if kind == "answer":
        answer_inbound(engine)
    elif kind == "automations":
        run_automations(engine)
    else:
        dispatch_due(engine, senders)
    session.expire_all()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(action, min_size=4, max_size=18))
def test_no_automated_message_reaches_an_opted_out_customer_and_none_goes_twice(
    steps: list[tuple], sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.db"
    shutil.copy(sqlite_template, path)
    engine = get_engine(f"sqlite:///{path}")
    recorder = Recorder(engine)
    senders = Senders(sms=recorder, whatsapp=recorder, email=recorder, webchat=recorder)
    with Session(engine, expire_on_commit=False) as session:
        workspace = make_business(session, quiet_hours_start="00:00", quiet_hours_end="00:00")
        jamie = Actor.operator(make_user(session, workspace))
        session.commit()
        for step in steps:
            _apply(step, session, engine, senders, jamie)
        for _ in range(3):  # let everything pending finish
            answer_inbound(engine)
            run_automations(engine)
            dispatch_due(engine, senders)

    ids = [message_id for message_id, *_ in recorder.sent]
    assert len(ids) == len(set(ids)), "an outbox row was sent twice"
    to_opted_out = [
        (message_id, kind, purpose)
        for message_id, kind, purpose, opted_out, overridden in recorder.sent
        if opted_out and purpose != "opt_out_confirmation" and not overridden
    ]
    assert to_opted_out == [], "a message reached an opted-out customer without an override"
    assert all(kind not in AUTOMATED for _, kind, *_ in [r for r in recorder.sent if r[4]])
    with Session(engine) as check:
        sent_rows = set(check.exec(select(Message.id).where(Message.status == "sent")).all())
    assert set(ids) <= sent_rows
    engine.dispose()
