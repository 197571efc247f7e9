"""The email loop guard: two auto-responders answering each other must stop. Another robot
answers every email we send (without `Auto-Submitted`, so nothing marks it as automatic); our
automatic replies stop at the workspace's `email_auto_replies_per_day`, mail from the
business's own address is never answered automatically, and mail ingest marks as auto-mail
(RFC 3834) gets no reply."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlmodel import Session, select

from data import conversations, escalations
from data.events import Actor
from data.inbound import InboundResult
from data.models import Message
from data.settings import get_settings
from ingest.email.inbound import deliver, prepare
from ingest.email.mime import parse
from pipeline.dispatch import dispatch_due
from pipeline.senders.router import Senders
from tests.factories import make_business, make_user
from tests.pipeline_helpers import ai_replies, answer, fresh

ROBOT = "helpdesk@vendor.example"
QUESTION = "Thank you for your email. How much does a new water heater cost?"


class Mailbox:
    """An aiosmtpd handler keeping every email the server accepts."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails if m["To"] == address]

    async def handle_DATA(self, server, session, envelope) -> str:
        self.mails.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def senders(engine: Engine, mailbox, monkeypatch: pytest.MonkeyPatch) -> Senders:
    monkeypatch.setenv("INBOX_SENDER", "live")
    monkeypatch.setenv("INBOX_SMTP_URL", f"smtp://127.0.0.1:{mailbox[1]}")
    get_settings.cache_clear()
    return Senders()


def email_in(
    session: Session,
    body: str,
    *,
    message_id: str,
    sender: str = ROBOT,
    subject: str = "Your request",
    in_reply_to: str | None = None,
    references: str | None = None,
    extra_headers: tuple[str, ...] = (),
) -> InboundResult:
    """An email stored the way ingest stores it (parsed from raw MIME)."""
    headers = [
        f"From: {sender}",
        "To: hello@acme.example",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
        *([f"In-Reply-To: {in_reply_to}"] if in_reply_to else []),
        *([f"References: {references}"] if references else []),
        *extra_headers,
    ]
    raw = ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()
    return deliver(session, prepare(parse(raw), provider="raw", fingerprint=raw))


def robot_answers(session: Session, ours: EmailMessage, n: int) -> InboundResult:
    """The other robot's answer to an email of ours, threaded like any mail client does."""
    refs = " ".join([*(ours["References"] or "").split(), ours["Message-ID"]])
    return email_in(
        session,
        QUESTION,
        message_id=f"<ack-{n}@vendor.example>",
        subject=f"Re: {ours['Subject']}",
        in_reply_to=ours["Message-ID"],
        references=refs,
    )


def answer_and_send(engine: Engine, session: Session, senders: Senders) -> None:
    """The answering job, then dispatch (again for a row the sending pace put back)."""
    answer(engine, session)
    for _ in range(20):
        session.commit()
        dispatch_due(engine, senders)
        session.expire_all()
        queued = session.exec(select(Message).where(Message.status == "queued")).all()
        if not any("paced_for" in m.meta for m in queued):
            return
        time.sleep(0.25)


def replies_to(session: Session, result: InboundResult) -> list[Message]:
    return [
        m
        for m in ai_replies(session, result.conversation.id)
        if m.answers_message_id == result.message.id
    ]


def test_a_two_auto_responder_loop_ends_after_the_daily_limit(
    engine, session: Session, mailbox, senders: Senders
) -> None:
    handler, _ = mailbox
    workspace = make_business(session)
    assert workspace.email_auto_replies_per_day == 3
    inbound = [email_in(session, QUESTION, message_id="<ack-0@vendor.example>")]
    for n in range(1, 10):
        answer_and_send(engine, session, senders)
        ours = handler.to(ROBOT)
        if len(ours) < n:
            break  # we stayed quiet: the robot has nothing to answer
        inbound.append(robot_answers(session, ours[-1], n))

    assert len(handler.to(ROBOT)) == 3 and len(inbound) == 4  # the loop ended
    assert {r.conversation.id for r in inbound} == {inbound[0].conversation.id}
    assert [len(replies_to(session, r)) for r in inbound] == [1, 1, 1, 0]
    assert all(m["Auto-Submitted"] == "auto-replied" for m in handler.to(ROBOT))
    # The AI had an answer for the fourth too: the guard, not an escalation, kept it quiet.
    assert fresh(session, inbound[-1].message).meta["reply"]["kind"] == "answer"
    assert fresh(session, inbound[0].conversation).status != "escalated"


def test_the_daily_limit_is_the_workspaces_setting(
    engine, session: Session, mailbox, senders: Senders
) -> None:
    make_business(session, email_auto_replies_per_day=1)
    first = email_in(session, QUESTION, message_id="<ack-0@vendor.example>")
    answer_and_send(engine, session, senders)
    second = email_in(session, "And do you do gas line work?", message_id="<ack-1@vendor.example>")
    answer_and_send(engine, session, senders)
    assert (len(replies_to(session, first)), len(replies_to(session, second))) == (1, 0)


def test_a_day_later_the_sender_is_answered_again(
    engine, session: Session, mailbox, senders: Senders
) -> None:
    make_business(session, email_auto_replies_per_day=1)
    first = email_in(session, QUESTION, message_id="<ack-0@vendor.example>")
    answer_and_send(engine, session, senders)
    [reply] = replies_to(session, first)
    reply.created_at = reply.created_at - timedelta(days=1, minutes=1)
    session.add(reply)
    later = email_in(session, "And do you do gas line work?", message_id="<ack-1@vendor.example>")
    answer_and_send(engine, session, senders)
    assert len(replies_to(session, later)) == 1


def test_an_email_from_the_workspaces_own_address_gets_no_automatic_reply(
    engine, session: Session, mailbox, senders: Senders
) -> None:
    handler, _ = mailbox
    make_business(session)
    result = email_in(
        session, QUESTION, message_id="<self-1@acme.example>", sender="Hello@Acme.Example"
    )
    answer_and_send(engine, session, senders)
    assert result.message.from_address == "hello@acme.example"
    assert replies_to(session, result) == [] and handler.mails == []


def test_an_auto_submitted_reply_to_our_email_gets_no_reply(
    engine, session: Session, mailbox, senders: Senders
) -> None:
    handler, _ = mailbox
    make_business(session)
    first = email_in(session, QUESTION, message_id="<q-1@vendor.example>")
    answer_and_send(engine, session, senders)
    [ours] = handler.mails
    auto = email_in(
        session,
        "I am out of the office until Monday. What are your hours?",
        message_id="<ooo-1@vendor.example>",
        subject=f"Re: {ours['Subject']}",
        in_reply_to=ours["Message-ID"],
        extra_headers=("Auto-Submitted: auto-replied",),
    )
    answer_and_send(engine, session, senders)
    assert auto.conversation.id == first.conversation.id
    assert auto.message.meta["no_auto_reply"] == "Auto-Submitted: auto-replied"
    assert replies_to(session, auto) == [] and len(handler.mails) == 1


def test_escalation_alerts_to_the_owner_do_not_count_against_the_customers_limit(
    engine, session: Session, mailbox, senders: Senders
) -> None:
    handler, _ = mailbox
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    pat = "pat@example.com"
    first = email_in(session, QUESTION, message_id="<q-1@vendor.example>", sender=pat)
    answer_and_send(engine, session, senders)  # automatic email 1 to Pat: the answer
    conversation = fresh(session, first.conversation)
    # Automatic email 2 to Pat: the holding reply; the alert goes to owner@acme.example.
    assert escalations.escalate(session, conversation, "manual", jamie)
    conversations.resume_ai(session, conversation, jamie)
    answer_and_send(engine, session, senders)
    assert [m["To"] for m in handler.mails].count(pat) == 2
    assert [m["To"] for m in handler.mails].count("owner@acme.example") == 1

    second = email_in(
        session, "Do you do gas line work?", message_id="<q-2@vendor.example>", sender=pat
    )
    answer_and_send(engine, session, senders)
    assert len(replies_to(session, second)) == 1  # the third of three
