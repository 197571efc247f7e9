"""Dispatch: deliver the outbox. Rows are claimed in batches (leased, still `queued`); each
becomes `sending` (with a fresh lease) just before its own send, committed before the provider
is called, and the provider is called outside any transaction;
the outcome is written afterwards. A crash mid-send therefore leaves a `sending` row, which
housekeeping turns into `unknown` for a person to check: a customer is never texted twice.

Transient failures (429, 5xx, refused connections) go back to the queue with exponential
backoff and jitter (honouring Retry-After); permanent ones are marked failed with a readable
reason (21610 also opts the contact out); a message whose fate is unknown is never resent."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, or_, select

from data import delivery, outbox, usage, workspaces
from data.alerts import allowance_alert, allowance_alerted
from data.clock import utcnow
from data.db import error_summary, session_scope
from data.models import Channel, Contact, Conversation, Message, Workspace
from data.vocab import ChannelKind, DeliveryStatus, Direction
from pipeline import outgoing, pacing
from pipeline.claims import LEASE, claim, release, worker_id
from pipeline.senders import Outgoing, Permanent, Transient, Unknown
from pipeline.senders.router import Senders

log = logging.getLogger("inbox.pipeline.dispatch")

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=10)
#: How long a send's outcome waits for an unreachable database before it is left to
#: housekeeping (at most half the lease).
OUTCOME_PATIENCE = timedelta(seconds=60)
#: A dispatch run waits for a sender's next turn when it is at most this far off (the run's
#: period: a later turn is the next run's), and waits at most RUN_WAIT in all, so that a
#: backlog on one slow sender does not hold back what the next run would send on others.
TURN_WAIT = 0.5
RUN_WAIT = 1.0


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 10 minutes, each drawn
    between half and the whole step so that many senders do not retry in step."""
    step = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(attempt - 1, 0))
    return step * random.uniform(0.5, 1.0)


def claim_due(session: Session, limit: int) -> list[Message]:
    """Lease up to `limit` due outbox rows to this process. They stay `queued` until each one's
    turn comes (`_prepare`): a row becomes `sending` only just before its own send, so
    housekeeping, which turns `sending` rows with an expired lease into `unknown`, never takes
    a row still waiting behind a slow send, or left unsent by a process that died, for one
    whose fate is unknown. (Such a row's expired lease lets another process claim it.)"""
    now = utcnow()
    due = (
        (Message.status == DeliveryStatus.QUEUED)
        & (Message.direction == Direction.OUTBOUND)
        & or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now)
    )
    return claim(session, due, col(Message.created_at), limit)


def dispatch_due(engine: Engine, senders: Senders, limit: int = 50) -> int:
    """Send what is due; returns how many messages were handled. A sender's turns that
    came due together go out one interval apart (`pacing.Spacing`)."""
    sending_from: SendingFrom = {}
    with session_scope(engine, write=True) as session:
        batch = claim_due(session, limit)

        def rate_of(message: Message) -> float | None:
            channel = _sending_from(session, message, sending_from)[1]
            return pacing.rate_for(channel, message.channel)

        ready = pacing.reserve_turns(session, batch, rate_of, utcnow())
        turns = pacing.in_turn(ready, rate_of)
    spacing, waited, later = pacing.Spacing(), 0.0, {}
    for turn in turns:
        wait = spacing.wait(turn)
        if wait > TURN_WAIT or waited + wait > RUN_WAIT:
            later[turn.message_id] = utcnow() + timedelta(seconds=wait)
            continue
        if wait:
            time.sleep(wait)
            waited += wait
        outgoing_now = _prepare(engine, turn.message_id, sending_from)
        if outgoing_now is not None:
            spacing.sent(turn)
            _deliver(engine, senders, outgoing_now)
    if later:
        _give_back(engine, later)
    return len(batch)


def _give_back(engine: Engine, due_at: dict[int, datetime]) -> None:
    """Claimed rows whose sender's next turn is beyond this run's wait: back to the queue,
    due at that turn (not an attempt: they were never prepared)."""
    with session_scope(engine, write=True) as session:
        rows = session.exec(
            select(Message)
            .where(
                col(Message.id).in_(sorted(due_at)),
                Message.status == DeliveryStatus.QUEUED,
                Message.lease_owner == worker_id(),
            )
            .order_by(col(Message.id))
            .with_for_update()
        ).all()
        for message in rows:
            release(message)
            message.next_attempt_at = due_at[message.id]
            session.add(message)


def _start_attempt(
    session: Session, message_id: int, now: datetime
) -> tuple[Message, Contact | None] | None:
    """The claimed row, locked, made `sending` with a fresh lease for this one send, and its
    contact as it is now (read in the same statement: one round trip fewer per send); None
    when it is no longer this process's to send (its lease ran out and another process took
    it)."""
    found = session.exec(
        select(Message, Contact)
        .join(Contact, col(Contact.id) == Message.contact_id, isouter=True)
        .where(Message.id == message_id)
        .with_for_update(of=Message)
    ).first()
    if found is None:
        return None
    message, contact = found
    if message.status != DeliveryStatus.QUEUED or message.lease_owner != worker_id():
        return None
    message.status = DeliveryStatus.SENDING
    message.attempts += 1
    message.lease_expires_at = now + LEASE
    session.add(message)
    return message, contact


#: A batch's workspaces and sending addresses, by (workspace id, channel kind): read once per
#: batch (a batch lasts a moment; a settings change applies from the next one).
SendingFrom = dict[tuple[int, str], tuple[Workspace, Channel | None]]


def _sending_from(
    session: Session, message: Message, known: SendingFrom
) -> tuple[Workspace, Channel | None]:
    key = (message.workspace_id, message.channel)
    if key not in known:
        known[key] = (
            workspaces.get(session, message.workspace_id),
            workspaces.channel_for(session, message.workspace_id, message.channel),
        )
    return known[key]


def _prepare(engine: Engine, message_id: int, known: SendingFrom) -> Outgoing | None:
    """Checks at send time, in one transaction: opt-outs, the WhatsApp window, the sending
    pace. Returns what to send now, or None when the message was failed or rescheduled."""
    now = utcnow()
    with session_scope(engine, write=True) as session:
        started = _start_attempt(session, message_id, now)
        if started is None:
            return None
        message, contact = started
        refusal = outbox.send_refusal(message, contact)
        if refusal:
            delivery.mark_failed(session, message, "opted_out", refusal)
            return None
        workspace, channel = _sending_from(session, message, known)
        try:
            ready = outgoing.build(session, message, workspace, channel, now)
        except Permanent as failure:
            delivery.mark_failed(session, message, failure.code, failure.reason)
            return None
        slot = pacing.turn(session, message, pacing.rate_for(channel, message.channel), now)
        if slot > now:  # turn() returns now exactly when it is this message's turn
            delivery.reschedule(session, message, slot)  # its turn comes later
            return None
        # Written before it leaves the session: the commit then makes it `sending` before the
        # provider is called, whether or not a read above happened to flush it.
        session.flush()
        session.expunge(message)
        return ready


def _deliver(engine: Engine, senders: Senders, ready: Outgoing) -> None:
    message = ready.message
    failure: Exception | None = None
    result = None
    try:
        result = senders.for_channel(message.channel).send(ready)
    except (Transient, Permanent, Unknown) as error:
        failure = error
    except Exception as error:  # a bug or an unexpected library error: never resend blindly
        log.exception("sender failed unexpectedly for message %s", message.id)
        failure = Unknown(f"Sending failed unexpectedly ({type(error).__name__}).", "unknown")

    def write(session: Session) -> None:
        row = session.get(Message, message.id)
        if row is None:
            return
        row.meta = {k: v for k, v in row.meta.items() if k != "paced_for"}
        if result is not None:
            delivery.mark_sent(session, row, result.provider_id, result.status)
            _check_allowance(session, row)
        elif isinstance(failure, Transient):
            _retry_or_fail(session, row, failure)
        elif isinstance(failure, Permanent):
            delivery.mark_failed(session, row, failure.code, failure.reason, failure.opt_out)
        else:
            delivery.mark_unknown(session, row, getattr(failure, "reason", str(failure)))

    _record_outcome(engine, message.id, write)


def _record_outcome(engine: Engine, message_id: int, write: Callable[[Session], None]) -> None:
    """Write a send's outcome, waiting out a database that is briefly unreachable (a restart,
    a failover). The provider has answered by now: giving up at once would leave the row
    `sending` for housekeeping to call `unknown`, and lose the provider's id that status
    callbacks are matched on. The wait stays well inside the send's lease."""
    deadline = time.monotonic() + min(OUTCOME_PATIENCE, LEASE / 2).total_seconds()
    pause = 0.5
    while True:
        try:
            with session_scope(engine, write=True) as session:
                write(session)
            return
        except OperationalError as error:
            if time.monotonic() + pause > deadline:
                raise
            log.warning(
                "could not record the outcome of message %s (%s); trying again",
                message_id,
                error_summary(error),
            )
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _retry_or_fail(session: Session, message: Message, failure: Transient) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        delivery.mark_failed(
            session,
            message,
            failure.code,
            f"Gave up after {message.attempts} attempts: {failure.reason}",
        )
        return
    wait = backoff(message.attempts)
    if failure.retry_after:
        wait = max(wait, timedelta(seconds=failure.retry_after))
    delivery.retry_later(
        session, message, failure.code, f"{failure.reason} Trying again.", utcnow() + wait
    )


def _check_allowance(session: Session, message: Message) -> None:
    """After an SMS goes out: alert the owner once a month when usage nears the allowance."""
    if message.channel != ChannelKind.SMS or message.meta.get("purpose") == "alert":
        return
    workspace = workspaces.get(session, message.workspace_id)
    now = utcnow()
    used = usage.sms_usage(session, workspace, now)
    if used.near_limit and not allowance_alerted(session, workspace.id, used.month_start):
        conversation = session.get(Conversation, message.conversation_id)
        allowance_alert(session, workspace, conversation, used.used)


def recover_stuck_sends(engine: Engine) -> int:
    """Housekeeping: `sending` rows whose process died become `unknown` (see module doc)."""
    with session_scope(engine, write=True) as session:
        return delivery.surface_stuck_sends(session, utcnow())
