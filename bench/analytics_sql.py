"""The dashboard figures of `data/analytics` as SQL on the operational database (SQLite or
PostgreSQL), for bench/analytics.py to time against DuckDB's snapshot. Same definitions and
columns; the first message of a conversation or contact is looked up per row through the
indexes, as a query on the live tables would.

Local time: PostgreSQL converts with `AT TIME ZONE`; SQLite has no time zones, so the zone's
UTC offsets around the period are written into the query (`period.utc_offsets`).

Not done in SQL, for the reasons in `SKIPPED`."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, text

from data.analytics.leads import STAGES
from data.analytics.period import Period, opening_intervals, utc_offsets
from data.models import Workspace
from data.usage import month_start, not_billed_statuses

SKIPPED = {
    "temperature_over_time": "a replay of every contact's temperature Events at each bucket's "
    "end: one correlated lookup per contact and bucket",
    "first_response": "business-hours spans need the opening calendar joined per span, and "
    "SQLite has no percentile function",
    "human_after_escalation": "as first_response",
    "resolution": "as first_response",
}
SQLITE_SKIPPED = {"time_to_booking": "SQLite has no percentile function"}


class _Sql:
    """The dialect's pieces of SQL for one period."""

    def __init__(self, conn: Connection, period: Period) -> None:
        self.conn, self.period = conn, period
        self.pg = conn.dialect.name == "postgresql"

    def time(self, value: datetime) -> object:
        """A naive UTC time as the database compares it."""
        if self.pg:
            return value.replace(tzinfo=UTC)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def params(self, **extra: object) -> dict:
        p = self.period
        return {"ws": p.workspace_id, "start": self.time(p.start), "end": self.time(p.end)} | {
            "tz": p.timezone,
            "channel": p.channel,
            **extra,
        }

    def local(self, column: str) -> str:
        if self.pg:
            return f"({column} AT TIME ZONE :tz)"
        lo, hi = self.period.start - timedelta(days=8), self.period.end + timedelta(days=62)
        changes = utc_offsets(self.period.hours.zone, lo, hi)
        branches = [
            f"WHEN {column} < '{self.time(until)}' THEN '{seconds} seconds'"
            for (_, seconds), (until, _) in itertools.pairwise(changes)
        ]
        return f"datetime({column}, CASE {' '.join(branches)} ELSE '{changes[-1][1]} seconds' END)"

    def bucket(self, column: str) -> str:
        if self.pg:
            return f"date_trunc('{self.period.grain}', {self.local(column)})::date"
        local = self.local(column)
        if self.period.grain == "day":
            return f"date({local})"
        return (
            f"date({local}, '-' || ((CAST(strftime('%w', {local}) AS INTEGER) + 6) % 7) || ' days')"
        )

    def json(self, column: str, key: str) -> str:
        return f"({column} ->> '{key}')" if self.pg else f"json_extract({column}, '$.{key}')"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"min({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"max({a}, {b})"

    def ratio(self, part: str, whole: str, digits: int = 4) -> str:
        if self.pg:
            return f"round({part}::numeric / NULLIF({whole}, 0), {digits})::float"
        return f"round(1.0 * {part} / NULLIF({whole}, 0), {digits})"

    def channel(self, column: str) -> str:
        return f"AND {column} = :channel" if self.period.channel else ""

    def frame(self, sql: str, **extra: object) -> pd.DataFrame:
        result = self.conn.execute(text(sql), self.params(**extra))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _contacts(q: _Sql) -> str:
    """Contacts with their start (first message, or creation if earlier) and channel."""
    first = "(SELECT min(m.created_at) FROM message m WHERE m.contact_id = c.id)"
    return f"""contacts AS (
        SELECT c.id, c.lead_status, c.lead_temperature,
               {q.least("c.created_at", f"coalesce({first}, c.created_at)")} AS started,
               (SELECT v.channel FROM conversation v WHERE v.contact_id = c.id
                ORDER BY v.created_at, v.id LIMIT 1) AS channel
        FROM contact c WHERE c.workspace_id = :ws
    ),
    filtered AS (SELECT * FROM contacts WHERE 1 = 1 {q.channel("channel")}),
    cohort AS (SELECT * FROM filtered WHERE started >= :start AND started < :end)"""


def temperature_by_channel(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        WITH {_contacts(q)}
        SELECT channel, lead_temperature AS temperature, count(*) AS contacts FROM filtered f
        WHERE EXISTS (SELECT 1 FROM message m WHERE m.contact_id = f.id
                      AND m.direction = 'inbound' AND m.created_at >= :start
                      AND m.created_at < :end)
        GROUP BY channel, lead_temperature ORDER BY channel, temperature""")


def outcome_by_first_temperature(q: _Sql) -> pd.DataFrame:
    hour_later = (
        "c.started + interval '1 hour'"
        if q.pg
        else "substr(datetime(c.started, '+1 hour'), 1, 19) || substr(c.started, 20)"
    )
    to, was = q.json("e.data", "to"), q.json("e.data", "from")
    changes = f"""FROM event e WHERE e.contact_id = c.id AND e.kind = 'lead_temperature_changed'
                  AND {to} IS NOT NULL"""
    won = "CASE WHEN lead_status IN ('booked', 'won') THEN 1 ELSE 0 END"
    return q.frame(f"""
        WITH {_contacts(q)},
        firsts AS (
            SELECT c.lead_status, coalesce(
                (SELECT {to} {changes} AND e.created_at <= {hour_later}
                 ORDER BY e.created_at DESC, e.id DESC LIMIT 1),
                (SELECT {was} {changes} ORDER BY e.created_at, e.id LIMIT 1),
                c.lead_temperature) AS temperature
            FROM cohort c
        )
        SELECT temperature, count(*) AS contacts,
               sum({won}) AS booked_or_won, {q.ratio(f"sum({won})", "count(*)")} AS share
        FROM firsts GROUP BY temperature ORDER BY temperature""")


def funnel(q: _Sql) -> pd.DataFrame:
    rank = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STAGES))
    moved = f"""(SELECT max(CASE {q.json("e.data", "to")} {rank} ELSE -1 END) FROM event e
                 WHERE e.contact_id = c.id AND e.kind = 'lead_status_changed')"""
    ranks = q.frame(f"""
        WITH {_contacts(q)}
        SELECT {q.greatest(f"CASE c.lead_status {rank} ELSE -1 END", f"coalesce({moved}, 0)")}
                   AS rank,
               count(*) AS contacts,
               sum(CASE WHEN c.lead_status = 'lost' THEN 1 ELSE 0 END) AS lost
        FROM cohort c GROUP BY 1""")
    counts = [int(ranks.loc[ranks["rank"] >= i, "contacts"].sum()) for i in range(len(STAGES))]
    conversion = [None] + [round(b / a, 4) if a else None for a, b in itertools.pairwise(counts)]
    return pd.DataFrame(
        {
            "stage": [*STAGES, "lost"],
            "contacts": [*counts, int(ranks["lost"].sum())],
            "conversion": [*conversion, None],
        }
    )


def time_to_booking(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        WITH {_contacts(q)},
        booked AS (
            SELECT extract(epoch FROM min(e.created_at) - c.started) / 3600 AS hours
            FROM cohort c JOIN event e ON e.contact_id = c.id
                 AND e.kind = 'lead_status_changed' AND {q.json("e.data", "to")} = 'booked'
            GROUP BY c.id, c.started
        )
        SELECT count(*) AS contacts,
               round((percentile_cont(0.5) WITHIN GROUP (ORDER BY hours))::numeric, 2)::float
                   AS p50_hours,
               round((percentile_cont(0.9) WITHIN GROUP (ORDER BY hours))::numeric, 2)::float
                   AS p90_hours
        FROM booked""")


def _started(q: _Sql) -> str:
    first = "(SELECT min(m.created_at) FROM message m WHERE m.conversation_id = v.id)"
    return f"""started AS (
        SELECT v.id, v.channel,
               {q.least("v.created_at", f"coalesce({first}, v.created_at)")} AS started_at
        FROM conversation v WHERE v.workspace_id = :ws {q.channel("v.channel")}
    )"""


_INBOUND = """FROM message m WHERE m.workspace_id = :ws AND m.direction = 'inbound'
              AND m.created_at >= :start AND m.created_at < :end"""


def volume(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        WITH {_started(q)},
        started_in AS (
            SELECT {q.bucket("started_at")} AS bucket, channel, count(*) AS conversations
            FROM started WHERE started_at >= :start AND started_at < :end GROUP BY 1, 2
        ),
        received AS (
            SELECT {q.bucket("m.created_at")} AS bucket, m.channel, count(*) AS customer_messages
            {_INBOUND} {q.channel("m.channel")} GROUP BY 1, 2
        )
        SELECT coalesce(s.bucket, r.bucket) AS bucket, coalesce(s.channel, r.channel) AS channel,
               coalesce(s.conversations, 0) AS conversations,
               coalesce(r.customer_messages, 0) AS customer_messages
        FROM started_in s FULL OUTER JOIN received r
             ON r.bucket = s.bucket AND r.channel = s.channel
        ORDER BY 1, 2""")


def heatmap(q: _Sql) -> pd.DataFrame:
    local = q.local("m.created_at")
    if q.pg:
        weekday, hour = f"extract(isodow FROM {local})::int", f"extract(hour FROM {local})::int"
    else:
        weekday = f"(CAST(strftime('%w', {local}) AS INTEGER) + 6) % 7 + 1"
        hour = f"CAST(strftime('%H', {local}) AS INTEGER)"
    return q.frame(f"""
        SELECT {weekday} AS weekday, {hour} AS hour, count(*) AS customer_messages
        {_INBOUND} {q.channel("m.channel")} GROUP BY 1, 2 ORDER BY 1, 2""")


def ai_only_share(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        WITH {_started(q)},
        cohort AS (
            SELECT s.id FROM started s
            WHERE s.started_at >= :start AND s.started_at < :end
              AND EXISTS (SELECT 1 FROM message m WHERE m.conversation_id = s.id
                          AND m.direction = 'inbound')
        ),
        flagged AS (
            SELECT c.id, CASE WHEN EXISTS (SELECT 1 FROM message m WHERE m.conversation_id = c.id
                                           AND m.sender_kind = 'operator')
                               OR EXISTS (SELECT 1 FROM event e WHERE e.conversation_id = c.id
                                          AND e.kind IN ('escalated', 'taken_over'))
                         THEN 0 ELSE 1 END AS ai_only
            FROM cohort c
        )
        SELECT count(*) AS conversations, coalesce(sum(ai_only), 0) AS ai_only,
               {q.ratio("sum(ai_only)", "count(*)")} AS share
        FROM flagged""")


def after_hours_share(q: _Sql) -> pd.DataFrame:
    hours = opening_intervals(q.period, days_after=0)
    stamp = "CAST('{}' AS timestamptz)" if q.pg else "'{}'"
    values = ", ".join(
        f"({stamp.format(q.time(o))}, {stamp.format(q.time(c))})"
        for o, c in zip(hours["opens"], hours["closes"], strict=True)
    )
    return q.frame(f"""
        WITH open_hours (opens, closes) AS (VALUES {values}),
        flagged AS (
            SELECT CASE WHEN EXISTS (SELECT 1 FROM open_hours h WHERE m.created_at >= h.opens
                                     AND m.created_at < h.closes) THEN 0 ELSE 1 END AS after
            {_INBOUND} {q.channel("m.channel")}
        )
        SELECT count(*) AS customer_messages, coalesce(sum(after), 0) AS after_hours,
               {q.ratio("sum(after)", "count(*)")} AS share
        FROM flagged""")


def escalation_rate(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        WITH {_started(q)},
        flagged AS (
            SELECT {q.bucket("s.started_at")} AS bucket,
                   CASE WHEN EXISTS (SELECT 1 FROM event e WHERE e.conversation_id = s.id
                                     AND e.kind = 'escalated') THEN 1 ELSE 0 END AS escalated
            FROM started s WHERE s.started_at >= :start AND s.started_at < :end
        )
        SELECT bucket, count(*) AS conversations, sum(escalated) AS escalated,
               {q.ratio("sum(escalated)", "count(*)")} AS rate
        FROM flagged GROUP BY bucket ORDER BY bucket""")


def reasons(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        SELECT {q.bucket("e.created_at")} AS bucket,
               coalesce({q.json("e.data", "reason")}, 'manual') AS reason, count(*) AS escalations
        FROM event e JOIN conversation v ON v.id = e.conversation_id
        WHERE e.workspace_id = :ws AND e.kind = 'escalated'
          AND e.created_at >= :start AND e.created_at < :end {q.channel("v.channel")}
        GROUP BY 1, 2 ORDER BY 1, 2""")


def sentiment_trend(q: _Sql) -> pd.DataFrame:
    average = "round(avg(m.sentiment)::numeric, 3)::float" if q.pg else "round(avg(m.sentiment), 3)"
    return q.frame(f"""
        SELECT {q.bucket("m.created_at")} AS bucket, {average} AS average_sentiment,
               count(*) AS scored_messages
        {_INBOUND} AND m.sentiment IS NOT NULL {q.channel("m.channel")}
        GROUP BY 1 ORDER BY 1""")


def opt_outs(q: _Sql) -> pd.DataFrame:
    return q.frame(f"""
        SELECT {q.bucket("e.created_at")} AS bucket, coalesce(v.channel, 'unknown') AS channel,
               count(*) AS opt_outs
        FROM event e LEFT JOIN conversation v ON v.id = e.conversation_id
        WHERE e.workspace_id = :ws AND e.kind = 'opted_out'
          AND e.created_at >= :start AND e.created_at < :end {q.channel("v.channel")}
        GROUP BY 1, 2 ORDER BY 1, 2""")


def sms_segments(conn: Connection, workspace: Workspace, now: datetime) -> pd.DataFrame:
    start = month_start(workspace, now)
    q = _Sql(conn, Period.of(workspace, start.date(), start.date()))
    failed = ", ".join(f"'{s}'" for s in not_billed_statuses())
    used = q.frame(
        f"""SELECT coalesce(sum(segments), 0) AS used FROM message
        WHERE workspace_id = :ws AND channel = 'sms' AND direction = 'outbound'
          AND created_at >= :month AND status NOT IN ({failed})""",
        month=q.time(start.replace(tzinfo=None)),
    )["used"].iloc[0]
    allowance = workspace.sms_allowance
    return pd.DataFrame(
        [
            {
                "month_start": start.replace(tzinfo=None),
                "used": int(used),
                "allowance": allowance,
                "share": round(int(used) / allowance, 4) if allowance else None,
            }
        ]
    )


FIGURES: dict[str, Callable[[_Sql], pd.DataFrame]] = {
    f.__name__: f
    for f in (
        temperature_by_channel, outcome_by_first_temperature, funnel, time_to_booking, volume,
        heatmap, ai_only_share, after_hours_share, escalation_rate, reasons, sentiment_trend,
        opt_outs,
    )
}  # fmt: skip


def figure(conn: Connection, name: str, period: Period) -> pd.DataFrame | str:
    """The figure computed in SQL, or why it is not."""
    skipped = SKIPPED | (SQLITE_SKIPPED if conn.dialect.name == "sqlite" else {})
    if name in skipped:
        return skipped[name]
    return FIGURES[name](_Sql(conn, period))
