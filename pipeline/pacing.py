"""Per-sender sending pace, shared by every dispatch process through the `sender_pace` table:
each message reserves the next free moment of its sending address, so a burst queues at the
channel's rate instead of failing at the provider."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from data.clock import as_utc
from data.models import Channel, Message, SenderPace
from data.vocab import ChannelKind

#: Messages per second per sending address unless the channel's config says
#: `max_per_second`: a US long code about 1 SMS/s; WhatsApp senders start at 80/s; mail
#: servers take a few a second. Web chat is not paced.
DEFAULT_RATES = {ChannelKind.SMS: 1.0, ChannelKind.WHATSAPP: 20.0, ChannelKind.EMAIL: 5.0}
#: A reserved moment this close counts as now.
SLACK = timedelta(milliseconds=20)


def rate_for(channel: Channel | None, kind: str) -> float | None:
    configured = (channel.config or {}).get("max_per_second") if channel else None
    if configured:
        return float(configured)
    return DEFAULT_RATES.get(kind)


def reserve(session: Session, message: Message, rate: float | None, now: datetime) -> datetime:
    """The moment `message` may be sent (now, or later), reserving it so that the next
    message from the same address goes one interval after. Call inside the transaction that
    then either sends or reschedules the message."""
    if not rate:
        return now
    key = f"{message.channel}:{message.from_address}"
    pace = session.exec(
        select(SenderPace).where(SenderPace.sender == key).with_for_update()
    ).first()
    if pace is None:
        pace = SenderPace(sender=key, next_free_at=now)
        try:
            with session.begin_nested():
                session.add(pace)
        except IntegrityError:  # another process created it first
            pace = session.exec(
                select(SenderPace).where(SenderPace.sender == key).with_for_update()
            ).one()
    slot = max(as_utc(now), as_utc(pace.next_free_at))
    pace.next_free_at = slot + timedelta(seconds=1 / rate)
    session.add(pace)
    return slot
