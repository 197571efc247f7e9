"""Lead temperature and the lead funnel.

Definitions (the README repeats them):
- **A contact's channel** is the channel of their first conversation; the channel filter
  keeps contacts whose first conversation is on it. **A contact's start** is their first
  message (or when the contact was created, if earlier): "created" below means that.
- **Temperature over time**: at the end of each day or week of the period (or now, for the
  current one), the contacts created by then, counted by their temperature at that moment.
  The temperature at a moment is replayed from the lead-temperature Events: the `to` of the
  latest Event before it; before a contact's first Event, that Event's `from`; a contact
  with no Events has had its current temperature all along.
- **Temperature at first contact**: the temperature one hour after the contact was created
  (their first message triaged), replayed the same way; **outcome**: the share of those
  contacts now Booked or Won.
- **Funnel**: contacts created in the period; a contact has reached a stage when their
  current status is that stage or a later one (New < Contacted < Quoted < Booked < Won), or
  a lead-status Event ever moved them to it; Lost is counted on its own (current status).
  Conversion is each stage's count over the previous stage's.
- **Time to booking**: hours from a contact's creation to their first move to Booked, for
  contacts created in the period (p50, p90).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.analytics.period import Period, bucket, channel_filter, query
from data.analytics.snapshot import TEMPERATURE_CHANGE

TEMPERATURES = ("hot", "warm", "cool", "cold")
STAGES = ("new", "contacted", "quoted", "booked", "won")

_CONTACTS = f"""
contacts AS (
    SELECT id, least(created_at, coalesce(first_message_at, created_at)) AS created_at,
           lead_temperature, lead_status, channel, temperature_changed
    FROM contact WHERE workspace_id = $ws
),
filtered AS (SELECT * FROM contacts WHERE {channel_filter("channel")}),
changes AS (
    SELECT e.id, e.contact_id, e.created_at, e.to_value, e.from_value, e.prev_to, e.first_change
    FROM event e
    WHERE e.workspace_id = $ws AND {TEMPERATURE_CHANGE}
)"""


def _as_of(moment: str) -> str:
    """SQL aggregate over a contact's rows of `changes ch`: its temperature at `moment` (the
    latest change at or before it, else the first change's `from`; none if neither: then it
    is the current temperature)."""
    return f"""coalesce(
        arg_max(ch.to_value, (ch.created_at, ch.id)) FILTER (WHERE ch.created_at <= {moment}),
        arg_min_null(ch.from_value, (ch.created_at, ch.id)))"""


def temperature_over_time(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket (date), temperature, contacts.

    Computed as running totals rather than contact by contact at each bucket's end: a
    contact adds one to a temperature once it has started (its first change's `from`, or
    its current temperature if it has none), and each change moves one from the
    temperature before it to the one after (a change before the contact's start counts at
    the start); a bucket's figures are the totals at its end."""
    return query(
        cursor,
        f"""
        WITH {_CONTACTS},
        buckets AS (
            SELECT DISTINCT date_trunc($grain, d)::DATE AS bucket
            FROM range($first::TIMESTAMP, $last::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)
        ),
        ends AS (
            SELECT bucket,
                   least(timezone($tz, (bucket + CASE WHEN $grain = 'week'
                            THEN INTERVAL 7 DAY ELSE INTERVAL 1 DAY END)::TIMESTAMP)::TIMESTAMP,
                         (now() AT TIME ZONE 'UTC')::TIMESTAMP) AS at_end
            FROM buckets
        ),
        bounds AS (
            SELECT min(bucket) AS first, min(at_end) AS first_end, max(at_end) AS last_end
            FROM ends
        ),
        moves AS (
            -- a contact counts once its start is before the end, a change once it is at or
            -- before it: starts are placed a microsecond later. The snapshot keeps each
            -- change's predecessor (`prev_to`) and whether it is the contact's first.
            SELECT f.created_at + INTERVAL 1 MICROSECOND AS counted,
                   greatest(ch.created_at, f.created_at + INTERVAL 1 MICROSECOND) AS t,
                   ch.to_value,
                   coalesce(ch.prev_to, ch.from_value, f.lead_temperature) AS before,
                   ch.first_change AS first
            FROM changes ch JOIN filtered f ON f.id = ch.contact_id
        ),
        steps AS (
            -- a contact's start and its first change's undoing of it cancel out (same moment,
            -- same temperature): only contacts with no changes start at their temperature
            SELECT f.created_at + INTERVAL 1 MICROSECOND AS t, f.lead_temperature AS temperature,
                   1 AS n
            FROM filtered f WHERE NOT f.temperature_changed
            UNION ALL SELECT counted, before, 1 FROM moves WHERE first
            UNION ALL SELECT t, before, -1 FROM moves
            UNION ALL SELECT t, to_value, 1 FROM moves
        ),
        placed AS (
            -- the first bucket whose end is at or after the step (ends are local midnights)
            SELECT CASE WHEN s.t <= b.first_end THEN b.first
                        ELSE {bucket("s.t - INTERVAL 1 MICROSECOND")} END AS bucket,
                   s.temperature, sum(s.n) AS n
            FROM steps s, bounds b WHERE s.t <= b.last_end
            GROUP BY ALL
        ),
        totals AS (
            SELECT e.bucket, k.temperature,
                   sum(coalesce(p.n, 0)) OVER (PARTITION BY k.temperature ORDER BY e.bucket)
                       AS contacts
            FROM ends e CROSS JOIN (SELECT DISTINCT temperature FROM placed) k
                 LEFT JOIN placed p ON p.bucket = e.bucket AND p.temperature = k.temperature
        )
        SELECT bucket, temperature, contacts::BIGINT AS contacts
        FROM totals WHERE contacts > 0
        ORDER BY bucket, temperature
        """,
        period,
    )


def temperature_by_channel(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Contacts who wrote in the period, by their channel and current temperature.
    Columns: channel, temperature, contacts."""
    return query(
        cursor,
        f"""
        WITH {_CONTACTS},
        wrote AS (
            SELECT DISTINCT contact_id FROM message
            WHERE workspace_id = $ws AND direction = 'inbound'
              AND created_at >= $start AND created_at < $end
        )
        SELECT f.channel, f.lead_temperature AS temperature, count(*) AS contacts
        FROM filtered f JOIN wrote w ON w.contact_id = f.id
        GROUP BY ALL ORDER BY channel, temperature
        """,
        period,
    )


def outcome_by_first_temperature(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: temperature (at first contact), contacts, booked_or_won, share."""
    return query(
        cursor,
        f"""
        WITH {_CONTACTS},
        cohort AS (SELECT * FROM filtered WHERE created_at >= $start AND created_at < $end),
        changed AS (
            SELECT f.id, {_as_of("f.created_at + INTERVAL 1 HOUR")} AS temperature
            FROM cohort f JOIN changes ch ON ch.contact_id = f.id
            GROUP BY f.id, f.created_at
        ),
        first_states AS (
            SELECT c.lead_status, coalesce(x.temperature, c.lead_temperature) AS temperature
            FROM cohort c LEFT JOIN changed x ON x.id = c.id
        )
        SELECT temperature, count(*) AS contacts,
               count(*) FILTER (WHERE lead_status IN ('booked', 'won')) AS booked_or_won,
               round(count(*) FILTER (WHERE lead_status IN ('booked', 'won')) / count(*), 4)
                   AS share
        FROM first_states GROUP BY ALL ORDER BY temperature
        """,
        period,
    )


_RANK = (
    "CASE {0} WHEN 'new' THEN 0 WHEN 'contacted' THEN 1 WHEN 'quoted' THEN 2 "
    "WHEN 'booked' THEN 3 WHEN 'won' THEN 4 ELSE -1 END"
)


def funnel(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: stage, contacts, conversion (from the previous stage); then a Lost row."""
    stages = ", ".join(f"('{stage}', {i})" for i, stage in enumerate(STAGES))
    frame = query(
        cursor,
        f"""
        WITH {_CONTACTS},
        cohort AS (SELECT * FROM filtered WHERE created_at >= $start AND created_at < $end),
        moved AS (
            SELECT contact_id, max({_RANK.format("to_value")}) AS rank FROM event
            WHERE workspace_id = $ws AND kind = 'lead_status_changed' GROUP BY contact_id
        ),
        reached AS (
            SELECT greatest({_RANK.format("c.lead_status")}, coalesce(m.rank, 0)) AS rank,
                   count(*) AS contacts
            FROM cohort c LEFT JOIN moved m ON m.contact_id = c.id
            GROUP BY ALL
        )
        SELECT s.stage, s.i, coalesce(sum(r.contacts), 0)::BIGINT AS contacts
        FROM (VALUES {stages}) s(stage, i) LEFT JOIN reached r ON r.rank >= s.i
        GROUP BY ALL
        UNION ALL
        SELECT 'lost', {len(STAGES)}, count(*) FILTER (WHERE lead_status = 'lost') FROM cohort
        ORDER BY i
        """,
        period,
    )
    previous = frame["contacts"].shift(1)
    frame["conversion"] = (frame["contacts"] / previous).where(previous > 0).round(4)
    frame.loc[frame["stage"] == "lost", "conversion"] = None
    return frame.drop(columns="i")


def time_to_booking(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: contacts (booked), p50_hours, p90_hours."""
    return query(
        cursor,
        f"""
        WITH {_CONTACTS},
        booked AS (
            SELECT f.id, min(e.created_at) - f.created_at AS took
            FROM filtered f JOIN event e ON e.contact_id = f.id
                 AND e.kind = 'lead_status_changed' AND e.to_value = 'booked'
            WHERE f.created_at >= $start AND f.created_at < $end
            GROUP BY f.id, f.created_at
        )
        SELECT count(*) AS contacts,
               round(quantile_cont(epoch(took) / 3600, 0.5), 2) AS p50_hours,
               round(quantile_cont(epoch(took) / 3600, 0.9), 2) AS p90_hours
        FROM booked
        """,
        period,
    )
