"""Opt-outs and what SMS costs.

Definitions (the README repeats them):
- **Opt-outs**: contacts who revoked consent (STOP or plain words) in each day or week, by
  the channel they did it on.
- **SMS segments this month**: segments of outbound SMS queued or sent since the billing
  month began (failed ones are not billed), against the plan's allowance — the same rule
  the pipeline enforces (`data.usage`).
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from data.analytics.period import Period, bucket, query
from data.clock import as_utc, utcnow
from data.models import Workspace
from data.usage import month_start, not_billed_statuses


def opt_outs(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket, channel, opt_outs."""
    return query(
        cursor,
        f"""
        SELECT {bucket("e.created_at")} AS bucket, coalesce(v.channel, 'unknown') AS channel,
               count(*) AS opt_outs
        FROM event e LEFT JOIN conversation v ON v.id = e.conversation_id
        WHERE e.workspace_id = $ws AND e.kind = 'opted_out'
          AND e.created_at >= $start AND e.created_at < $end
          AND ($channel IS NULL OR v.channel = $channel)
        GROUP BY ALL ORDER BY bucket, channel
        """,
        period,
    )


def sms_segments(
    cursor: duckdb.DuckDBPyConnection, workspace: Workspace, now: datetime | None = None
) -> pd.DataFrame:
    """Columns: month_start, used, allowance, share."""
    start = month_start(workspace, now or utcnow())
    naive_start = as_utc(start).replace(tzinfo=None)  # the snapshot holds naive UTC
    frame = cursor.execute(
        """
        SELECT coalesce(sum(segments), 0)::BIGINT AS used FROM message
        WHERE workspace_id = $ws AND channel = 'sms' AND direction = 'outbound'
          AND created_at >= $start AND NOT list_contains($not_billed, status)
        """,
        {"ws": workspace.id, "start": naive_start, "not_billed": not_billed_statuses()},
    ).df()
    used = int(frame["used"].iloc[0])
    allowance = workspace.sms_allowance
    return pd.DataFrame(
        [
            {
                "month_start": naive_start,
                "used": used,
                "allowance": allowance,
                "share": round(used / allowance, 4) if allowance else None,
            }
        ]
    )
