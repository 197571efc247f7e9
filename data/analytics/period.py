"""What every analytics query is asked for: a workspace, a period in its time zone, an
optional channel and a grain (day or week), plus the business-hours calendar some metrics
need, and small shared pieces of SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd

from data.models import Workspace
from data.scheduling import Hours

GRAINS = ("day", "week")


@dataclass(frozen=True)
class Period:
    workspace_id: int
    #: Local calendar days, inclusive.
    first_day: date
    last_day: date
    timezone: str
    business_hours: dict
    channel: str | None = None
    grain: str = "day"

    @classmethod
    def of(
        cls,
        workspace: Workspace,
        first_day: date,
        last_day: date,
        channel: str | None = None,
        grain: str = "day",
    ) -> Period:
        if last_day < first_day:
            raise ValueError("The period ends before it starts.")
        if grain not in GRAINS:
            raise ValueError(f"Grain must be one of {', '.join(GRAINS)}.")
        return cls(
            workspace.id,
            first_day,
            last_day,
            workspace.timezone,
            workspace.business_hours,
            channel or None,
            grain,
        )

    @property
    def hours(self) -> Hours:
        return Hours(self.business_hours, self.timezone)

    def _utc(self, day: date) -> datetime:
        local = datetime.combine(day, datetime.min.time(), self.hours.zone)
        return local.astimezone(UTC).replace(tzinfo=None)

    @property
    def start(self) -> datetime:
        """The period's first moment, naive UTC (as the snapshot stores times)."""
        return self._utc(self.first_day)

    @property
    def end(self) -> datetime:
        """The moment after the period, naive UTC."""
        return self._utc(self.last_day + timedelta(days=1))

    def params(self) -> dict:
        return {
            "ws": self.workspace_id,
            "start": self.start,
            "end": self.end,
            "first": self.first_day,
            "last": self.last_day,
            "tz": self.timezone,
            "channel": self.channel,
            "grain": self.grain,
        }


def query(
    cursor: duckdb.DuckDBPyConnection, sql: str, period: Period, **extra: object
) -> pd.DataFrame:
    """Run `sql` with the period's parameters (those it names) and `extra`; a frame back."""
    given = {**period.params(), **extra}
    used = {name: value for name, value in given.items() if re.search(rf"\${name}\b", sql)}
    return cursor.execute(sql, used).df()


def local(column: str) -> str:
    """SQL for a stored (naive UTC) time as wall-clock time in the workspace's zone."""
    return f"timezone($tz, ({column})::TIMESTAMPTZ)"


def bucket(column: str) -> str:
    """SQL for the day or week (Monday) a stored time falls in, in the workspace's zone."""
    return f"date_trunc($grain, {local(column)})::DATE"


def open_hours(cursor: duckdb.DuckDBPyConnection, period: Period, days_after: int = 60) -> None:
    """Register `open_hours(opens, closes)`: the business's opening intervals (naive UTC)
    from the period's start until `days_after` days past its end (a reply can come later)."""
    ranges = []
    day = period.first_day - timedelta(days=1)
    while day <= period.last_day + timedelta(days=days_after):
        ranges += period.hours.ranges_on(day)
        day += timedelta(days=1)
    rows: list[list[datetime]] = []
    for opens, closes in sorted(ranges):  # overlapping ranges merged: an hour counts once
        opens, closes = (t.astimezone(UTC).replace(tzinfo=None) for t in (opens, closes))
        if rows and opens <= rows[-1][1]:
            rows[-1][1] = max(rows[-1][1], closes)
        else:
            rows.append([opens, closes])
    frame = pd.DataFrame(rows, columns=["opens", "closes"]).astype("datetime64[us]")
    cursor.register("open_hours", frame)


def business_seconds(start: str, finish: str) -> str:
    """SQL for the seconds of opening hours between two times (needs `open_hours`)."""
    return f"""(SELECT coalesce(sum(greatest(0, epoch(least({finish}, h.closes))
                  - epoch(greatest({start}, h.opens)))), 0)
               FROM open_hours h WHERE h.opens < {finish} AND h.closes > {start})"""


def channel_filter(column: str) -> str:
    return f"($channel IS NULL OR {column} = $channel)"
