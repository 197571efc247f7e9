"""Conversation volume and who handled it.

Definitions (the README repeats them):
- **Volume**: conversations started in each day or week, by channel (a conversation starts
  with its first message), and the customers' messages received.
- **Hour-of-week heatmap**: customers' messages by weekday and hour, in the workspace's zone.
- **Answered fully by the AI**: of the conversations started in the period that have a
  customer message, the share that no person touched: no operator message, never
  escalated, never taken over.
- **After hours**: the share of customers' messages that arrived outside business hours.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.analytics.period import Period, bucket, channel_filter, local, open_hours, query

_STARTED = f"""
started AS (
    SELECT id, channel, least(created_at, coalesce(first_message_at, created_at)) AS started_at,
           first_inbound_at AS inbound_at
    FROM conversation WHERE workspace_id = $ws AND {channel_filter("channel")}
)"""

_INBOUND = f"""
inbound AS (
    SELECT m.* FROM message m
    WHERE m.workspace_id = $ws AND m.direction = 'inbound'
      AND m.created_at >= $start AND m.created_at < $end AND {channel_filter("m.channel")}
)"""


def volume(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket, channel, conversations, customer_messages."""
    return query(
        cursor,
        f"""
        WITH {_STARTED}, {_INBOUND},
        conversations AS (
            SELECT {bucket("started_at")} AS bucket, channel, count(*) AS conversations
            FROM started WHERE started_at >= $start AND started_at < $end GROUP BY ALL
        ),
        messages AS (
            SELECT {bucket("created_at")} AS bucket, channel, count(*) AS customer_messages
            FROM inbound GROUP BY ALL
        )
        SELECT bucket, channel, coalesce(c.conversations, 0) AS conversations,
               coalesce(m.customer_messages, 0) AS customer_messages
        FROM conversations c FULL OUTER JOIN messages m USING (bucket, channel)
        ORDER BY bucket, channel
        """,
        period,
    )


def heatmap(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: weekday (1 = Monday), hour (0-23), customer_messages."""
    return query(
        cursor,
        f"""
        WITH {_INBOUND}
        SELECT isodow({local("created_at")}) AS weekday, hour({local("created_at")}) AS hour,
               count(*) AS customer_messages
        FROM inbound GROUP BY ALL ORDER BY weekday, hour
        """,
        period,
    )


def ai_only_share(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: conversations, ai_only, share."""
    return query(
        cursor,
        f"""
        WITH {_STARTED},
        cohort AS (
            SELECT s.id FROM started s
            WHERE s.started_at >= $start AND s.started_at < $end AND s.inbound_at IS NOT NULL
        ),
        flagged AS (
            -- a cohort conversation's messages are all at or after its start, so at or
            -- after $start: the bound lets DuckDB skip older row groups. Two IN lookups
            -- rather than a join with the union of both id lists, which had to drop its
            -- duplicates first. Null ids are left out of both lists: one would make IN
            -- unknown, not false, for every conversation not in them.
            SELECT id IN (SELECT conversation_id FROM message
                          WHERE workspace_id = $ws AND sender_kind = 'operator'
                            AND created_at >= $start AND conversation_id IS NOT NULL)
                   OR id IN (SELECT conversation_id FROM event
                             WHERE workspace_id = $ws AND kind IN ('escalated', 'taken_over')
                               AND conversation_id IS NOT NULL) AS touched
            FROM cohort
        )
        SELECT count(*) AS conversations,
               count(*) FILTER (WHERE NOT touched) AS ai_only,
               round(count(*) FILTER (WHERE NOT touched) / nullif(count(*), 0), 4) AS share
        FROM flagged
        """,
        period,
    )


def after_hours_share(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: customer_messages, after_hours, share."""
    open_hours(cursor, period, days_after=0)
    return query(
        cursor,
        f"""
        WITH {_INBOUND},
        flagged AS (
            -- the interval opened last at or before the message (intervals do not overlap)
            SELECT i.id, h.opens IS NULL OR i.created_at >= h.closes AS after_hours
            FROM inbound i ASOF LEFT JOIN open_hours h ON i.created_at >= h.opens
        )
        SELECT count(*) AS customer_messages,
               count(*) FILTER (WHERE after_hours) AS after_hours,
               round(count(*) FILTER (WHERE after_hours) / nullif(count(*), 0), 4) AS share
        FROM flagged
        """,
        period,
    )
