"""Email delivery through a real SMTP server (aiosmtpd on 127.0.0.1): the AI's reply reaches the
server with the business's From, the customer's thread headers and `Auto-Submitted`, our
Message-ID threads the customer's answer back, a person's email is not marked automatic, and
the mail server's refusals and outages end as failed or retried messages."""

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

from data import escalations, outbox
from data.clock import utcnow
from data.events import Actor
from data.inbound import InboundResult
from data.models import Conversation, Message
from data.settings import get_settings
from ingest.email.inbound import deliver, prepare
from ingest.email.mime import parse
from pipeline.dispatch import dispatch_due
from pipeline.senders.router import Senders
from tests.factories import make_business, make_user
from tests.pipeline_helpers import ai_replies, answer, fresh

CUSTOMER = "pat@example.com"
FIRST_ID = "<q-1@example.com>"
EARLIER_ID = "<older-1@example.com>"


class Collector:
    """An aiosmtpd handler keeping every accepted envelope; `rcpt_reply` (e.g. "550 …")
    refuses recipients instead."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def mails(self) -> list[EmailMessage]:
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mails() if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def live_senders(monkeypatch: pytest.MonkeyPatch, port: int) -> Senders:
    monkeypatch.setenv("INBOX_SENDER", "live")
    monkeypatch.setenv("INBOX_SMTP_URL", f"smtp://127.0.0.1:{port}")
    get_settings.cache_clear()
    return Senders()


def serve(handler: Collector, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    handler, port = Collector(), free_port()
    controller = serve(handler, port)
    yield handler, port
    controller.stop()


@pytest.fixture
def senders(engine: Engine, smtp, monkeypatch: pytest.MonkeyPatch) -> Senders:
    return live_senders(monkeypatch, smtp[1])


def email_in(
    session: Session,
    body: str,
    *,
    message_id: str = FIRST_ID,
    subject: str = "Financing question",
    in_reply_to: str | None = None,
    references: list[str] | None = None,
) -> InboundResult:
    """A customer's email stored the way ingest stores it (parsed from raw MIME)."""
    headers = [
        "From: Pat Lee <pat@example.com>",
        "To: hello@acme.example",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
        "Date: Tue, 03 Mar 2026 10:00:00 -0600",
    ]
    if in_reply_to:
        headers.append(f"In-Reply-To: {in_reply_to}")
    if references:
        headers.append(f"References: {' '.join(references)}")
    raw = ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()
    return deliver(session, prepare(parse(raw), provider="raw", fingerprint=raw))


def dispatch(engine: Engine, senders: Senders, session: Session) -> int:
    """One dispatch round between the test's transactions (a read left open would keep
    seeing the rows as they were before)."""
    session.commit()
    done = dispatch_due(engine, senders)
    session.expire_all()
    return done


def dispatch_all(engine: Engine, senders: Senders, session: Session) -> None:
    """Dispatch, and again for rows the sending pace put back for a moment."""
    for _ in range(20):
        dispatch(engine, senders, session)
        queued = session.exec(select(Message).where(Message.status == "queued")).all()
        if not any("paced_for" in m.meta for m in queued):
            return
        time.sleep(0.25)


def make_due(session: Session, message: Message) -> None:
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.add(message)
    session.commit()


def queued_ai_email(session: Session) -> Message:
    """The customer's question with an AI answer queued (written directly: no answering job)."""
    result = email_in(session, "Do you offer financing for a new water heater?")
    return outbox.enqueue(
        session,
        result.conversation,
        "Yes, we offer financing.",
        Actor.ai(),
        subject="Re: Financing question",
    )


def test_an_ai_reply_reaches_the_mail_server_threaded_and_marked_automatic(
    engine, session: Session, smtp, senders: Senders
) -> None:
    handler, _ = smtp
    make_business(session)
    result = email_in(
        session,
        "Do you offer financing for a new water heater?",
        references=[EARLIER_ID],
    )
    answer(engine, session)
    [reply] = ai_replies(session, result.conversation.id)
    dispatch_all(engine, senders, session)

    [envelope] = handler.envelopes
    assert envelope.mail_from == "hello@acme.example" and envelope.rcpt_tos == [CUSTOMER]
    [mail] = handler.mails()
    assert mail["From"] == "Acme Plumbing <hello@acme.example>"
    assert mail["To"] == CUSTOMER
    assert mail["Subject"] == "Re: Financing question"
    assert mail["In-Reply-To"] == FIRST_ID
    assert mail["References"].split() == [EARLIER_ID, FIRST_ID]
    assert mail["Auto-Submitted"] == "auto-replied"
    text = mail.get_content().replace("\r\n", "\n")
    assert text.startswith("Hi Pat,") and "Best regards,\nAcme Plumbing" in text
    reply = fresh(session, reply)
    assert reply.status == "sent" and reply.provider_id == mail["Message-ID"]
    assert reply.provider_id.endswith("@acme.example>")


def test_the_customers_answer_to_our_message_id_lands_in_the_same_conversation(
    engine, session: Session, smtp, senders: Senders
) -> None:
    make_business(session)
    first = email_in(session, "Do you offer financing for a new water heater?")
    answer(engine, session)
    [reply] = ai_replies(session, first.conversation.id)
    dispatch_all(engine, senders, session)
    ours = fresh(session, reply).provider_id
    # A newer conversation with the same customer: without threading the answer would go there.
    newer = Conversation(
        workspace_id=first.conversation.workspace_id,
        contact_id=first.contact.id,
        channel="email",
        subject="Another topic",
        last_message_at=utcnow() + timedelta(minutes=5),
    )
    session.add(newer)
    session.flush()

    again = email_in(
        session,
        "Great, how do I apply?",
        message_id="<q-2@example.com>",
        subject="Re: Financing question",
        in_reply_to=ours,
        references=[ours],
    )
    assert again.conversation.id == first.conversation.id != newer.id


def test_an_operators_email_is_not_marked_automatic(
    engine, session: Session, smtp, senders: Senders
) -> None:
    handler, _ = smtp
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = email_in(session, "Do you offer financing for a new water heater?")
    outbox.enqueue(
        session, result.conversation, "Yes - I'll send the forms.", jamie, subject="Re: Financing"
    )
    dispatch_all(engine, senders, session)
    [mail] = handler.mails()
    assert mail["Auto-Submitted"] is None
    assert mail["In-Reply-To"] == FIRST_ID  # still threaded


def test_with_the_mail_server_down_the_email_is_retried_and_delivered_once(
    engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens here yet
    senders = live_senders(monkeypatch, port)
    make_business(session)
    message = queued_ai_email(session)
    assert dispatch(engine, senders, session) == 1
    message = fresh(session, message)
    assert (message.status, message.error_code) == ("queued", "smtp_connect")
    assert message.attempts == 1 and message.next_attempt_at > utcnow()

    handler = Collector()
    controller = serve(handler, port)
    try:
        assert dispatch(engine, senders, session) == 0  # not due yet
        make_due(session, message)
        dispatch_all(engine, senders, session)
        assert dispatch(engine, senders, session) == 0
    finally:
        controller.stop()
    message = fresh(session, message)
    assert message.status == "sent" and message.attempts == 2
    assert [m["Message-ID"] for m in handler.mails()] == [message.provider_id]


def test_a_recipient_the_server_refuses_with_550_is_failed_with_a_reason(
    engine, session: Session, smtp, senders: Senders
) -> None:
    handler, _ = smtp
    handler.rcpt_reply = "550 5.1.1 No such user here"
    make_business(session)
    message = queued_ai_email(session)
    dispatch_all(engine, senders, session)
    message = fresh(session, message)
    assert (message.status, message.error_code) == ("failed", "smtp_550")
    assert message.error_message == f"The mail server refused {CUSTOMER}."
    assert handler.envelopes == []


def test_a_recipient_the_server_defers_with_451_is_retried(
    engine, session: Session, smtp, senders: Senders
) -> None:
    handler, _ = smtp
    handler.rcpt_reply = "451 4.3.0 Try again later"
    make_business(session)
    message = queued_ai_email(session)
    dispatch_all(engine, senders, session)
    message = fresh(session, message)
    assert (message.status, message.error_code) == ("queued", "smtp_4xx")
    assert message.next_attempt_at > utcnow()

    handler.rcpt_reply = None
    make_due(session, message)
    dispatch_all(engine, senders, session)
    assert fresh(session, message).status == "sent" and len(handler.envelopes) == 1


def test_an_escalation_alert_email_goes_to_the_alert_address_unthreaded(
    engine, session: Session, smtp, senders: Senders
) -> None:
    handler, _ = smtp
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = email_in(session, "Do you offer financing for a new water heater?")
    assert escalations.escalate(session, result.conversation, "manual", jamie)
    dispatch_all(engine, senders, session)

    [alert] = handler.to("owner@acme.example")
    assert alert["From"] == "Acme Plumbing <hello@acme.example>"
    assert alert["Subject"].startswith("Escalated: ")
    assert alert["In-Reply-To"] is None and alert["References"] is None
    assert alert["Auto-Submitted"] == "auto-generated"
    rows = session.exec(
        select(Message).where(
            Message.to_address == "owner@acme.example", Message.channel == "email"
        )
    ).all()
    assert [(m.status, m.provider_id) for m in rows] == [("sent", alert["Message-ID"])]
    assert all("Escalated" not in (m["Subject"] or "") for m in handler.to(CUSTOMER))


def test_the_holding_reply_to_an_escalated_email_keeps_the_threads_subject(
    engine, session: Session, smtp, senders: Senders
) -> None:
    handler, _ = smtp
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = email_in(session, "Do you offer financing for a new water heater?")
    assert escalations.escalate(session, result.conversation, "manual", jamie)
    dispatch_all(engine, senders, session)
    [holding] = handler.to(CUSTOMER)
    assert holding["In-Reply-To"] == FIRST_ID
    assert holding["Subject"] == "Re: Financing question"
