"""How fast customers hear back.

Definitions (the README repeats them):
- **First response time**: for each conversation started in the period, from the
  customer's first message to the first reply after it: the AI's (sender AI, alerts to
  staff excluded) and, separately, a person's (sender operator). A bot's reply never counts
  as a person's. Reported as p50 and p90 in minutes, with how many conversations had one.
- **Human reply after escalation**: for each escalation in the period, from the escalation
  to the first operator message in that conversation after it.
- **Resolution time**: for conversations closed in the period, from the start of the
  conversation to its first close.
- **Within business hours**: the same spans counting only the business's opening hours (a
  message at 20:00 answered at 08:30 next morning took 30 minutes of business time).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.analytics.period import Period, channel_filter, open_hours, open_seconds, query

_SPANS = f"""
firsts AS (
    SELECT id AS conversation_id, first_inbound_at AS asked FROM conversation
    WHERE workspace_id = $ws AND {channel_filter("channel")}
      AND first_inbound_at >= $start AND first_inbound_at < $end
),
replies AS (
    -- a left join, so that a conversation nobody answered keeps its row (both replies null)
    SELECT f.conversation_id, f.asked,
           min(r.created_at) FILTER (WHERE r.sender_kind = 'ai'
                                     AND coalesce(r.purpose, '') <> 'alert') AS ai,
           min(r.created_at) FILTER (WHERE r.sender_kind = 'operator') AS person
    FROM firsts f LEFT JOIN message r ON r.conversation_id = f.conversation_id
         AND r.workspace_id = $ws AND r.direction = 'outbound' AND r.created_at >= $start
         AND r.created_at >= f.asked
    GROUP BY f.conversation_id, f.asked
),
spans AS (
    SELECT 'AI' AS responder, asked AS since, ai AS answered FROM replies
    UNION ALL
    SELECT 'Person', asked, person FROM replies
)"""

_ESCALATIONS = f"""
escalations AS (
    SELECT e.id, e.conversation_id, e.created_at AS since
    FROM event e JOIN conversation v ON v.id = e.conversation_id
    WHERE e.workspace_id = $ws AND e.kind = 'escalated'
      AND e.created_at >= $start AND e.created_at < $end AND {channel_filter("v.channel")}
),
answers AS (
    SELECT x.id, min(r.created_at) AS answered
    FROM escalations x JOIN message r ON r.conversation_id = x.conversation_id
    WHERE r.workspace_id = $ws AND r.direction = 'outbound' AND r.sender_kind = 'operator'
      AND r.created_at >= $start AND r.created_at >= x.since
    GROUP BY x.id
),
spans AS (
    SELECT 'Person after escalation' AS responder, x.since, a.answered
    FROM escalations x LEFT JOIN answers a USING (id)
)"""

_RESOLUTIONS = f"""
closes AS (
    SELECT conversation_id, min(created_at) AS closed
    FROM event WHERE workspace_id = $ws AND kind = 'closed'
    GROUP BY conversation_id
    HAVING min(created_at) >= $start AND min(created_at) < $end
),
spans AS (
    -- one join with the conversation serves both its channel and its start
    SELECT 'Resolution' AS responder,
           least(v.created_at, coalesce(v.first_message_at, v.created_at)) AS since,
           c.closed AS answered
    FROM closes c JOIN conversation v ON v.id = c.conversation_id
    WHERE {channel_filter("v.channel")}
)"""


def _summary(cursor: duckdb.DuckDBPyConnection, period: Period, spans: str) -> pd.DataFrame:
    open_hours(cursor, period)
    return query(
        cursor,
        f"""
        WITH {spans},
        replied AS (SELECT * FROM spans WHERE answered IS NOT NULL),
        measured AS (
            SELECT s.responder, epoch(s.answered - s.since) / 60 AS minutes,
                   greatest(0, {open_seconds("s.answered", "b")}
                               - {open_seconds("s.since", "a")}) / 60 AS business_minutes
            FROM replied s
            ASOF LEFT JOIN open_hours a ON s.since >= a.opens
            ASOF LEFT JOIN open_hours b ON s.answered >= b.opens
        ),
        counted AS (SELECT responder, count(*) AS asked FROM spans GROUP BY responder)
        SELECT c.responder, c.asked, count(m.minutes) AS answered,
               round(quantile_cont(m.minutes, 0.5), 2) AS p50_minutes,
               round(quantile_cont(m.minutes, 0.9), 2) AS p90_minutes,
               round(quantile_cont(m.business_minutes, 0.5), 2) AS p50_business_minutes,
               round(quantile_cont(m.business_minutes, 0.9), 2) AS p90_business_minutes
        FROM counted c LEFT JOIN measured m USING (responder)
        GROUP BY c.responder, c.asked ORDER BY c.responder
        """,
        period,
    )


def first_response(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """One row for the AI, one for people. Columns: responder, asked (conversations),
    answered, p50/p90 minutes, p50/p90 business minutes."""
    return _summary(cursor, period, _SPANS)


def human_after_escalation(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Same columns; asked = escalations in the period."""
    return _summary(cursor, period, _ESCALATIONS)


def resolution(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Same columns; asked = conversations closed in the period."""
    return _summary(cursor, period, _RESOLUTIONS)
