"""Per-sender sending pace, shared by every dispatch process through the `sender_pace` table:
each message reserves the next free moment of its sending address, so a burst queues at the
channel's rate instead of failing at the provider."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from data.clock import as_utc
from data.models import Channel, Message, SenderPace
from data.transaction_cache import flushing_only_for
from data.vocab import ChannelKind
from pipeline.claims import release

#: Messages per second per sending address unless the channel's config says
#: `max_per_second`: a US long code about 1 SMS/s; WhatsApp senders start at 80/s; mail
#: servers take a few a second. Web chat is not paced.
DEFAULT_RATES = {ChannelKind.SMS: 1.0, ChannelKind.WHATSAPP: 20.0, ChannelKind.EMAIL: 5.0}
#: A reserved moment this close counts as now.
SLACK = timedelta(milliseconds=20)
#: Every interval is kept this much longer than the rate's. A send is timed when it is
#: prepared; a commit and an HTTP request later it reaches the provider, a few milliseconds
#: sooner or later than the one before it did (tens for a process's first). With 2% any
#: rolling second still holds no more sends than the rate when one arrives up to 20 ms
#: early against the one before it: one SMS a second otherwise broke the limit by 2 ms.
ALLOWANCE = 0.02


def rate_for(channel: Channel | None, kind: str) -> float | None:
    configured = (channel.config or {}).get("max_per_second") if channel else None
    if configured:
        return float(configured)
    return DEFAULT_RATES.get(kind)


def _pace_row(session: Session, key: str, now: datetime) -> SenderPace:
    # Reads sender_pace only: a claimed batch's leases are not flushed ahead of its
    # reservations, so each row is written once, at commit, with both.
    with flushing_only_for(session, SenderPace):
        pace = session.exec(
            select(SenderPace).where(SenderPace.sender == key).with_for_update()
        ).first()
    if pace is None:
        try:
            with session.begin_nested():
                session.add(SenderPace(sender=key, next_free_at=now))
        except IntegrityError:  # another process created it first
            pass
        pace = session.exec(
            select(SenderPace).where(SenderPace.sender == key).with_for_update()
        ).one()
    return pace


def _sender(message: Message) -> str:
    """The `sender_pace` key of the address `message` goes out from."""
    return f"{message.channel}:{message.from_address}"


def _interval(rate: float) -> timedelta:
    return timedelta(seconds=(1 + ALLOWANCE) / rate)


def _take_slot(pace: SenderPace, interval: timedelta, now: datetime) -> datetime:
    """The sender's next free moment (now at the earliest), and the one after it reserved."""
    slot = max(now, as_utc(pace.next_free_at))
    pace.next_free_at = slot + interval
    return slot


def turn(session: Session, message: Message, rate: float | None, now: datetime) -> datetime:
    """The moment `message` may be handed to the provider: `now` means go (and the send is
    recorded), a later moment means wait until then. A message seen for the first time
    reserves the next free moment, so a burst is spread at the rate; and every send waits one
    interval after the address's previous send, so a send that went late (behind a slow one)
    cannot bring the next too close. Call inside the transaction that then sends or
    reschedules the message; the row lock makes processes take turns."""
    if not rate:
        return now
    interval = _interval(rate)
    now = as_utc(now)
    pace = _pace_row(session, _sender(message), now)
    reserved = message.meta.get("paced_for")
    if reserved is None:
        slot = _take_slot(pace, interval, now)
        if slot > now + SLACK:
            session.add(pace)
            message.meta = {**message.meta, "paced_for": slot.isoformat()}
            return slot
    earliest = as_utc(pace.last_sent_at) + interval if pace.last_sent_at else now
    if earliest > now:  # no slack here: early by any amount breaks the provider's limit
        pace.next_free_at = max(as_utc(pace.next_free_at), earliest + interval)
        session.add(pace)
        message.meta = {**message.meta, "paced_for": earliest.isoformat()}
        return earliest
    pace.last_sent_at = now
    session.add(pace)
    return now


def reserve_turns(
    session: Session,
    messages: list[Message],
    rate_of: Callable[[Message], float | None],
    now: datetime,
) -> list[Message]:
    """Give every message of a claimed batch that has no moment yet its place in its sender's
    pace, in the claiming transaction: a burst of hundreds is spread with one lock of each
    sender's row, instead of one transaction per message. Returns the messages to prepare
    now (their moment has come, or they are not paced); the others go back to the queue,
    released, until theirs. Each reservation is kept in `paced_for`, so `turn` then only checks
    the interval since the sender's last send."""
    now = as_utc(now)
    ready: list[Message] = []
    rates = {m.id: rate_of(m) for m in messages if "paced_for" not in m.meta}
    keys = {m.id: _sender(m) for m in messages if rates.get(m.id)}
    # Senders' rows locked in one order in every process: two dispatchers whose batches meet
    # the same senders in different orders would otherwise wait on each other.
    paces = {key: _pace_row(session, key, now) for key in sorted(set(keys.values()))}
    for message in messages:
        rate = rates.get(message.id)
        if not rate:
            ready.append(message)
            continue
        pace = paces[keys[message.id]]
        slot = _take_slot(pace, _interval(rate), now)
        message.meta = {**message.meta, "paced_for": slot.isoformat()}
        if slot > now + SLACK:
            message.next_attempt_at = slot
            release(message)
        else:
            ready.append(message)
        session.add(message)
    for pace in paces.values():
        session.add(pace)
    return ready


@dataclass(frozen=True)
class Turn:
    """A message of a dispatch run to prepare now, and the sender whose pace it keeps."""

    message_id: int
    #: None when the message is not paced.
    sender: str | None = None
    interval: timedelta = timedelta(0)


def in_turn(messages: list[Message], rate_of: Callable[[Message], float | None]) -> list[Turn]:
    """The run's messages in the order to send them: the unpaced first (in claim order), then
    the paced in the order their moments were reserved."""
    turns = []
    for message in messages:
        rate = rate_of(message)
        turn = Turn(message.id, _sender(message), _interval(rate)) if rate else Turn(message.id)
        turns.append((message.meta.get("paced_for") or "", turn))
    return [turn for _, turn in sorted(turns, key=lambda pair: pair[0])]


@dataclass
class Spacing:
    """Each sender's last send in one dispatch run. Several reserved moments of one sender
    can come due by the same run (a backlog at 20 a second, runs every half second); sent
    back to back, all but the first would find the sender's interval not yet over, and each
    would cost a transaction to be put back until the next run, one send per run. The run
    waits for the sender's next turn instead, when it is near."""

    last: dict[str, float] = field(default_factory=dict)

    def wait(self, turn: Turn) -> float:
        """Seconds until `turn`'s sender may send again (0: now)."""
        if turn.sender is None or turn.sender not in self.last:
            return 0.0
        due = self.last[turn.sender] + turn.interval.total_seconds()
        return max(0.0, due - time.monotonic())

    def sent(self, turn: Turn) -> None:
        """`turn` went out just now (after `turn()` recorded the send)."""
        if turn.sender is not None:
            self.last[turn.sender] = time.monotonic()
