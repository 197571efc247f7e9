"""The dispatch benchmark's outbox: queueing each run's messages (one marker each in the
body, so sends can be counted per message) and reading back what became of them."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from data import outbox, workspaces
from data.events import Actor
from data.inbound import InboundMessage, receive
from data.models import Message
from pipeline.dispatch import dispatch_due
from pipeline.senders.router import Senders

NUMBERS = 5
CUSTOMERS_PER_NUMBER = 20
UNPACED = 1_000_000.0  # a channel max_per_second that never makes a message wait
STORM_SHARE = 0.5
SEED = 1
POLL_SECONDS = 0.05
DRAIN_LIMIT_SECONDS = 600


def number(run: int, index: int) -> str:
    return f"+1512{run:03d}{index:04d}"


def queue_messages(engine: Engine, run: int, total: int, pace: float) -> list[str]:
    """NUMBERS workspaces (one SMS number each, max_per_second `pace`), customers who wrote
    in, and `total` AI replies to them spread over the numbers. Returns the numbers."""
    numbers = []
    with Session(engine, expire_on_commit=False) as session:
        conversations = []
        for index in range(NUMBERS):
            slug = f"bench-{run}-{index}"
            workspace = workspaces.create(session, slug, f"Bench {run}-{index}")
            workspace.sms_allowance = 10**9  # no allowance alert among the measured sends
            own = number(run, index)
            numbers.append(own)
            workspaces.add_channel(
                session, workspace, "sms", own, "twilio", config={"max_per_second": pace}
            )
            for customer in range(CUSTOMERS_PER_NUMBER):
                result = receive(
                    session,
                    InboundMessage(
                        channel="sms",
                        to_address=own,
                        from_address=f"+1737{run:03d}{index:01d}{customer:03d}",
                        body="Do you do water heaters?",
                        provider_id=f"SM{uuid.uuid4().hex}",
                    ),
                )
                result.conversation.managed_by = "human"
                conversations.append(result.conversation)
        session.commit()
        for n in range(total):
            conversation = conversations[
                (n % NUMBERS) * CUSTOMERS_PER_NUMBER + (n // NUMBERS) % CUSTOMERS_PER_NUMBER
            ]
            outbox.enqueue(
                session,
                conversation,
                f"Yes, we install and repair water heaters. [b{run}-{n}]",
                Actor.ai(),
            )
            if n % 500 == 499:
                session.commit()
        session.commit()
    return numbers


def run_filter(run: int):
    return col(Message.body).like(f"%[b{run}-%")


def pending(engine: Engine, run: int) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(Message)
            .where(
                Message.direction == "outbound",
                col(Message.status).in_(["queued", "sending"]),
                run_filter(run),
            )
        ).one()


def statuses(engine: Engine, run: int) -> dict[str, str]:
    """Each message's marker and status."""
    with Session(engine) as session:
        rows = session.exec(
            select(Message.body, Message.status).where(
                Message.direction == "outbound", run_filter(run)
            )
        ).all()
    return {marker(body): status for body, status in rows}


def marker(body: str | None) -> str:
    body = body or ""
    return body[body.rfind("[") :]


def drain(engine: Engine, senders: Senders, run: int, poll: float) -> float:
    """Dispatch until nothing of `run` is left in the queue; returns the seconds taken."""
    started = time.perf_counter()
    while True:
        if dispatch_due(engine, senders) == 0:
            if pending(engine, run) == 0:
                return time.perf_counter() - started
            if time.perf_counter() - started > DRAIN_LIMIT_SECONDS:
                raise SystemExit(f"run {run} not drained in {DRAIN_LIMIT_SECONDS} s")
            time.sleep(poll)
