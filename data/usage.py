"""SMS allowance: segments sent this billing month (the calendar month in the workspace's
time zone) against the workspace's `sms_allowance`."""

from __future__ import annotations

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


def sms_usage(session: Session, workspace: Workspace, now: datetime) -> SmsUsage:
    """Segments of outbound SMS queued or sent this billing month."""
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
