"""SMS allowance: segments sent this billing month (the calendar month in the workspace's
time zone) against the workspace's `sms_allowance`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from data.clock import as_utc
from data.models import Message, Workspace
from data.vocab import ChannelKind, DeliveryStatus, Direction

#: Share of the allowance at which the owner is alerted (once a month).
NEAR_LIMIT_SHARE = 0.8
#: Outbound statuses that never reached the provider, so cost nothing.
_NOT_BILLED = (DeliveryStatus.FAILED,)


def not_billed_statuses() -> list[str]:
    """Delivery statuses whose segments the provider does not bill (analytics counts alike)."""
    return [str(status) for status in _NOT_BILLED]


@dataclass(frozen=True)
class SmsUsage:
    used: int
    allowance: int
    month_start: datetime

    @property
    def left(self) -> int:
        return max(self.allowance - self.used, 0)

    @property
    def exhausted(self) -> bool:
        return self.used >= self.allowance

    @property
    def near_limit(self) -> bool:
        return self.used >= NEAR_LIMIT_SHARE * self.allowance


def month_start(workspace: Workspace, now: datetime) -> datetime:
    """The start of the billing month containing `now`, as aware UTC."""
    local = as_utc(now).astimezone(ZoneInfo(workspace.timezone))
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(ZoneInfo("UTC"))


#: A workspace far from its allowance (more than this many segments left) is not summed
#: again for CACHE_SECONDS: the sum reads every SMS of the month, and runs for every reply.
FAR_FROM_LIMIT = 200
CACHE_SECONDS = 60.0
_recent: dict[int, tuple[float, SmsUsage]] = {}


def sms_usage(session: Session, workspace: Workspace, now: datetime) -> SmsUsage:
    """Segments of outbound SMS queued or sent this billing month. Near the allowance it is
    always counted afresh; far from it, a count up to a minute old is used."""
    cached = _recent.get(workspace.id)
    clock = time.monotonic()
    if (
        cached is not None
        and clock - cached[0] < CACHE_SECONDS
        and cached[1].allowance == workspace.sms_allowance
        and cached[1].month_start == month_start(workspace, now)
        and cached[1].left > FAR_FROM_LIMIT
    ):
        return cached[1]
    counted = count_sms_usage(session, workspace, now)
    _recent[workspace.id] = (clock, counted)
    return counted


def count_sms_usage(session: Session, workspace: Workspace, now: datetime) -> SmsUsage:
    """Segments of outbound SMS queued or sent this billing month, counted now."""
    start = month_start(workspace, now)
    used = session.exec(
        select(func.coalesce(func.sum(Message.segments), 0)).where(
            Message.workspace_id == workspace.id,
            Message.channel == ChannelKind.SMS,
            Message.direction == Direction.OUTBOUND,
            col(Message.created_at) >= start,
            col(Message.status).not_in(_NOT_BILLED),
        )
    ).one()
    return SmsUsage(int(used or 0), workspace.sms_allowance, start)
