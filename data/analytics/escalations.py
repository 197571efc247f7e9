"""Escalations and how customers feel.

Definitions (the README repeats them):
- **Escalation rate**: of the conversations started in each day or week, the share that
  were escalated at any time since.
- **Reasons**: escalations in each day or week by reason (the AI couldn't answer, asked for
  a person, negative sentiment, possible opt-out, SMS allowance, manual).
- **Sentiment trend**: the average sentiment score (-1 to +1, VADER or the AI backend) of
  customers' messages in each day or week, with how many were scored.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.analytics.period import Period, bucket, channel_filter, query


def escalation_rate(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket, conversations, escalated, rate."""
    return query(
        cursor,
        f"""
        WITH started AS (
            SELECT id, least(created_at, coalesce(first_message_at, created_at)) AS t
            FROM conversation WHERE workspace_id = $ws AND {channel_filter("channel")}
        ),
        escalated AS (
            SELECT DISTINCT conversation_id AS id FROM event
            WHERE workspace_id = $ws AND kind = 'escalated'
        )
        SELECT {bucket("s.t")} AS bucket, count(*) AS conversations,
               count(x.id) AS escalated, round(count(x.id) / count(*), 4) AS rate
        FROM started s LEFT JOIN escalated x ON x.id = s.id
        WHERE s.t >= $start AND s.t < $end
        GROUP BY ALL ORDER BY bucket
        """,
        period,
    )


def reasons(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket, reason, escalations."""
    return query(
        cursor,
        f"""
        SELECT {bucket("e.created_at")} AS bucket, coalesce(e.reason, 'manual') AS reason,
               count(*) AS escalations
        FROM event e JOIN conversation v ON v.id = e.conversation_id
        WHERE e.workspace_id = $ws AND e.kind = 'escalated'
          AND e.created_at >= $start AND e.created_at < $end AND {channel_filter("v.channel")}
        GROUP BY ALL ORDER BY bucket, reason
        """,
        period,
    )


def sentiment_trend(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket, average_sentiment, scored_messages."""
    return query(
        cursor,
        f"""
        SELECT {bucket("created_at")} AS bucket, round(avg(sentiment), 3) AS average_sentiment,
               count(*) AS scored_messages
        FROM message
        WHERE workspace_id = $ws AND direction = 'inbound' AND sentiment IS NOT NULL
          AND created_at >= $start AND created_at < $end AND {channel_filter("channel")}
        GROUP BY ALL ORDER BY bucket
        """,
        period,
    )
