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

from data.analytics.period import Period, channel_filter, query

TEMPERATURES = ("hot", "warm", "cool", "cold")
STAGES = ("new", "contacted", "quoted", "booked", "won")

_CONTACTS = f"""
firsts AS (
    SELECT contact_id, min(created_at) AS first_message_at FROM message
    WHERE workspace_id = $ws GROUP BY contact_id
),
contacts AS (
    SELECT c.id, least(c.created_at, coalesce(fm.first_message_at, c.created_at)) AS created_at,
           c.lead_temperature, c.lead_status,
           (SELECT v.channel FROM conversation v WHERE v.contact_id = c.id
            ORDER BY v.created_at, v.id LIMIT 1) AS channel
    FROM contact c LEFT JOIN firsts fm ON fm.contact_id = c.id
    WHERE c.workspace_id = $ws
),
filtered AS (SELECT * FROM contacts WHERE {channel_filter("channel")}),
changes AS (
    SELECT e.contact_id, e.created_at, e.to_value, e.from_value,
           row_number() OVER (PARTITION BY e.contact_id ORDER BY e.created_at, e.id) AS n
    FROM event e
    WHERE e.workspace_id = $ws AND e.kind = 'lead_temperature_changed'
      AND e.to_value IS NOT NULL
)"""


def _as_of(moment: str) -> str:
    """SQL: a filtered contact `f`'s temperature at `moment`."""
    return f"""coalesce(
        (SELECT ch.to_value FROM changes ch WHERE ch.contact_id = f.id AND ch.created_at <= {moment}
         ORDER BY ch.created_at DESC, ch.n DESC LIMIT 1),
        (SELECT ch.from_value FROM changes ch WHERE ch.contact_id = f.id AND ch.n = 1),
        f.lead_temperature)"""


def temperature_over_time(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Columns: bucket (date), temperature, contacts."""
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
        states AS (
            SELECT e.bucket, {_as_of("e.at_end")} AS temperature
            FROM ends e JOIN filtered f ON f.created_at < e.at_end
        )
        SELECT bucket, temperature, count(*) AS contacts
        FROM states GROUP BY ALL ORDER BY bucket, temperature
        """,
        period,
    )


def temperature_by_channel(cursor: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Contacts who wrote in the period, by their channel and current temperature.
    Columns: channel, temperature, contacts."""
    return query(
        cursor,
        f"""
        WITH {_CONTACTS}
        SELECT f.channel, f.lead_temperature AS temperature, count(*) AS contacts
        FROM filtered f
        WHERE EXISTS (SELECT 1 FROM message m WHERE m.contact_id = f.id
                      AND m.direction = 'inbound' AND m.created_at >= $start
                      AND m.created_at < $end)
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
        first_states AS (
            SELECT f.id, f.lead_status, {_as_of("f.created_at + INTERVAL 1 HOUR")} AS temperature
            FROM filtered f WHERE f.created_at >= $start AND f.created_at < $end
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
    frame = query(
        cursor,
        f"""
        WITH {_CONTACTS},
        cohort AS (SELECT * FROM filtered WHERE created_at >= $start AND created_at < $end),
        reached AS (
            SELECT c.id, c.lead_status,
                   greatest({_RANK.format("c.lead_status")},
                            coalesce((SELECT max({_RANK.format("e.to_value")}) FROM event e
                                      WHERE e.contact_id = c.id
                                        AND e.kind = 'lead_status_changed'), 0)) AS rank
            FROM cohort c
        )
        SELECT s.stage, s.i, count(r.id) AS contacts
        FROM (SELECT unnest($stages) AS stage, generate_subscripts($stages, 1) - 1 AS i) s
        LEFT JOIN reached r ON r.rank >= s.i
        GROUP BY ALL ORDER BY s.i
        """,
        period,
        stages=list(STAGES),
    )
    previous = frame["contacts"].shift(1)
    frame["conversion"] = (frame["contacts"] / previous).where(previous > 0).round(4)
    lost = query(
        cursor,
        f"""WITH {_CONTACTS}
        SELECT count(*) AS lost FROM filtered
        WHERE created_at >= $start AND created_at < $end AND lead_status = 'lost'""",
        period,
    )["lost"].iloc[0]
    frame = pd.concat(
        [frame, pd.DataFrame([{"stage": "lost", "i": 5, "contacts": lost, "conversion": None}])],
        ignore_index=True,
    )
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
