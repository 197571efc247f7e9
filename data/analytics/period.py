"""What every analytics query is asked for: a workspace, a period in its time zone, an
optional channel and a grain (day or week), plus the business-hours calendar some metrics
need, and small shared pieces of SQL."""

from __future__ import annotations

import json
import re
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

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
    """Run `sql` with the period's parameters (those it names) and `extra`; a frame back.
    SQL that uses `local()` gets the macro it needs defined on `cursor` first."""
    if "local_time(" in sql:
        _define(cursor, "local_time", _local_time(period), _macro)
    given = {**period.params(), **extra}
    used = {name: value for name, value in given.items() if re.search(rf"\${name}\b", sql)}
    return cursor.execute(sql, used).df()


#: What each cursor has defined for the period it last served ({name: key}): a page asks
#: the same period of one cursor for every figure, and re-creating the macro or
#: re-registering the opening hours before each query cost ~2-6 ms a time.
_defined: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _define(cursor: duckdb.DuckDBPyConnection, name: str, key: object, make) -> None:
    """`make(cursor, key)` unless `cursor` already has `name` defined for `key`."""
    held = _defined.setdefault(cursor, {})
    if held.get(name) != key:
        make(cursor, key)
        held[name] = key


def _macro(cursor: duckdb.DuckDBPyConnection, body: str) -> None:
    cursor.execute(f"CREATE OR REPLACE TEMP MACRO local_time(t) AS {body}")


def local(column: str) -> str:
    """SQL for a stored (naive UTC) time as wall-clock time in the workspace's zone."""
    return f"local_time({column})"


#: How far before and after the period `local()` is plain arithmetic (weekly buckets start
#: up to 6 days before the period; replies come up to 60 days after it).
_LOCAL_BEFORE, _LOCAL_AFTER = timedelta(days=8), timedelta(days=62)


def utc_offsets(zone: ZoneInfo, lo: datetime, hi: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (seconds) in force between two naive UTC times: [(from, offset)],
    the first from `lo`, each next from the second its offset changes."""

    def offset(t: datetime) -> int:
        return int(t.replace(tzinfo=UTC).astimezone(zone).utcoffset().total_seconds())

    changes, t = [(lo, offset(lo))], lo
    while t < hi:
        step = min(t + timedelta(days=1), hi)
        if offset(step) != changes[-1][1]:
            before, after = t, step  # the change is in (before, after]: halve to the second
            while after - before > timedelta(seconds=1):
                middle = before + (after - before) / 2
                before, after = (
                    (middle, after) if offset(middle) == changes[-1][1] else (before, middle)
                )
            changes.append((after.replace(microsecond=0), offset(after)))
        t = step
    return changes


def _local_time(period: Period) -> str:
    return _local_time_body(period.timezone, period.start, period.end)


@lru_cache(maxsize=64)
def _local_time_body(timezone: str, start: datetime, end: datetime) -> str:
    """The body of `local_time(t)`: t plus the zone's UTC offset, one CASE branch per offset
    in force around the period (converting through ICU per row costs ~4x more), and the
    exact conversion outside that window."""
    lo, hi = start - _LOCAL_BEFORE, end + _LOCAL_AFTER
    changes = utc_offsets(ZoneInfo(timezone), lo, hi)
    exact = "timezone('{}', t::TIMESTAMPTZ)".format(timezone.replace("'", "''"))
    branches = [f"WHEN t < TIMESTAMP '{lo}' OR t >= TIMESTAMP '{hi}' THEN {exact}"]
    for (_, seconds), (until, _) in pairwise(changes):
        branches.append(f"WHEN t < TIMESTAMP '{until}' THEN t + INTERVAL ({seconds}) SECOND")
    branches.append(f"ELSE t + INTERVAL ({changes[-1][1]}) SECOND")
    return "CASE " + " ".join(branches) + " END"


def bucket(column: str) -> str:
    """SQL for the day or week (Monday) a stored time falls in, in the workspace's zone."""
    return f"date_trunc($grain, {local(column)})::DATE"


def opening_intervals(period: Period, days_after: int = 60) -> pd.DataFrame:
    """The business's opening intervals (columns opens, closes: naive UTC; overlapping
    ranges merged, so an hour counts once) from the period's start until `days_after` days
    past its end (a reply can come later), with each interval's seconds (`length`) and the
    open seconds of the intervals before it (`before`)."""
    ranges = []
    day = period.first_day - timedelta(days=1)
    while day <= period.last_day + timedelta(days=days_after):
        ranges += period.hours.ranges_on(day)
        day += timedelta(days=1)
    rows: list[list[datetime]] = []
    for opens, closes in sorted(ranges):
        opens, closes = (t.astimezone(UTC).replace(tzinfo=None) for t in (opens, closes))
        if rows and opens <= rows[-1][1]:
            rows[-1][1] = max(rows[-1][1], closes)
        else:
            rows.append([opens, closes])
    frame = pd.DataFrame(rows, columns=["opens", "closes"]).astype("datetime64[us]")
    frame["length"] = (frame["closes"] - frame["opens"]).dt.total_seconds()
    frame["before"] = frame["length"].cumsum() - frame["length"]
    return frame


def open_hours(cursor: duckdb.DuckDBPyConnection, period: Period, days_after: int = 60) -> None:
    """Define `open_hours(opens, closes, length, before)` on `cursor`: `opening_intervals()`."""
    key = (json.dumps(period.business_hours, sort_keys=True, default=str), period.timezone)
    key += (period.first_day, period.last_day, days_after)
    with _intervals_lock:  # the frame is only read: one per key serves every cursor
        if key not in _intervals:
            while len(_intervals) >= 16:
                del _intervals[next(iter(_intervals))]
            _intervals[key] = opening_intervals(period, days_after)
    _define(cursor, "open_hours", key, _open_hours_table)


def _open_hours_table(cursor: duckdb.DuckDBPyConnection, key: tuple) -> None:
    """`open_hours` as a temporary table of the cursor: a registered frame is bound again by
    every query that reads it (~0.4 ms a reference; the time spans read it twice)."""
    cursor.register("_opening_intervals", _intervals[key])
    try:
        cursor.execute(
            "CREATE OR REPLACE TEMP TABLE open_hours AS SELECT * FROM _opening_intervals"
        )
    finally:
        cursor.unregister("_opening_intervals")


#: `opening_intervals()` by what they depend on (hours, zone, days), the oldest dropped first.
_intervals: dict[tuple, pd.DataFrame] = {}
_intervals_lock = threading.Lock()


def open_seconds(moment: str, interval: str) -> str:
    """SQL for the seconds of opening hours from the first interval of `open_hours` until
    `moment`, where `interval` is the alias of `ASOF LEFT JOIN open_hours {interval} ON
    {moment} >= {interval}.opens` (the interval open last at or before it). The business
    time between two moments is the difference of theirs."""
    return (
        f"coalesce({interval}.before + least(epoch({moment}) - epoch({interval}.opens), "
        f"{interval}.length), 0)"
    )


def channel_filter(column: str) -> str:
    return f"($channel IS NULL OR {column} = $channel)"
