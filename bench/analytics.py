"""The analytics page on a large workspace: DuckDB over the snapshot against pandas and
against SQL on the operational database, with every result checked equal across the ways.

On a generated workspace (100,000 conversations, ~1M messages; --quick: 10,000) on SQLite,
and on PostgreSQL with --postgres-url, it times:

(a) the snapshot's first load, and a refresh after new messages and events arrive;
(b) every dashboard query of `data/analytics` in DuckDB, for the last 90 and 30 days, all
    channels and SMS only (p50 of --runs calls);
(c) the same figures with pandas from frames of the snapshot's tables (bench/analytics_pandas.py);
(d) the same in SQL on the operational database (bench/analytics_sql.py; some are not done
    in SQL, with the reason printed);
(e) DuckDB reading the operational database itself (its sqlite/postgres scanner, from the
    `duckdb-extension-*-scanner` packages if installed) for two heavy queries.

The page runs every query once: its total is their sum. Targets: the page under 1 s, each
query under 200 ms, DuckDB at least 5x faster than pandas.

    python -m bench.analytics [--quick | --size N] [--postgres-url URL] [--runs 5]
    python -m bench.analytics --url sqlite:///var/bench.db   # an already generated database
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

import bench.analytics_pandas as by_pandas
import bench.analytics_sql as by_sql
from bench.console import vacuum_analyze
from bench.generate import generate_workspace
from bench.scratch import machine, postgres_database, print_report
from data.analytics import compliance, conversations, escalations, leads, responsiveness
from data.analytics.period import Period
from data.analytics.snapshot import Snapshot
from data.clock import utcnow
from data.db import dispose_engines, get_engine
from data.migrate import upgrade
from data.models import Event, Message, Workspace

#: In the order the page shows them.
QUERIES: dict[str, Callable] = {
    f.__name__: f
    for f in (
        leads.temperature_over_time, leads.temperature_by_channel,
        leads.outcome_by_first_temperature, leads.funnel, leads.time_to_booking,
        conversations.volume, conversations.heatmap, conversations.ai_only_share,
        conversations.after_hours_share, responsiveness.first_response,
        responsiveness.human_after_escalation, responsiveness.resolution,
        escalations.escalation_rate, escalations.reasons, escalations.sentiment_trend,
        compliance.opt_outs,
    )
}  # fmt: skip
PERIODS = [("90 days", 90, None), ("30 days", 30, None), ("90 days, SMS", 90, "sms")]
PERIODS += [("30 days, SMS", 30, "sms")]
PAGE_MS, QUERY_MS, PANDAS_RATIO = 1000, 200, 5
DIRECT = ("volume", "first_response")


def p50_ms(call: Callable[[], Any], runs: int, budget: float = 20.0) -> tuple[float, Any]:
    """The median time of `runs` calls (fewer once `budget` seconds are spent), the result."""
    timings, result, spent = [], None, time.perf_counter()
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() - spent > budget:
            break
    return statistics.median(timings), result


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times as text, missing values as None, rows sorted: frames from different
    engines compare equal when their figures are."""
    frame = frame.reset_index(drop=True).copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame[column] = values.dt.strftime("%Y-%m-%d %H:%M").str.removesuffix(" 00:00")
        elif values.dtype == object:
            frame[column] = [_plain(v) for v in values]
    return frame.sort_values(list(frame.columns), na_position="last", ignore_index=True)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if hasattr(value, "strftime"):  # a date from SQL
        return value.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00")
    return value


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Equal figures (rounded shares and minutes may differ in the last digit)."""
    try:
        pd.testing.assert_frame_equal(
            normalised(a), normalised(b), check_dtype=False, check_exact=False, atol=0.011
        )
    except AssertionError:
        return False
    return True


def add_activity(url: str, workspace_id: int, messages: int = 200) -> int:
    """New customer messages in the latest conversations and an escalation for every tenth:
    what arrives between two refreshes on a busy day. Returns the rows added."""
    engine = get_engine(url)
    now = utcnow()
    with engine.begin() as conn:
        latest = conn.execute(
            select(Message.conversation_id, Message.contact_id, Message.channel)
            .where(Message.workspace_id == workspace_id)
            .order_by(Message.id.desc())
            .limit(messages)
        ).all()
        rows = [
            {"workspace_id": workspace_id, "conversation_id": v, "contact_id": c, "channel": ch}
            | {"direction": "inbound", "sender_kind": "customer", "status": "received"}
            | {"body": "Any news?", "media": [], "meta": {}, "created_at": now}
            for v, c, ch in latest
        ]
        conn.execute(insert(Message.__table__), rows)
        events = [
            {"workspace_id": workspace_id, "conversation_id": r["conversation_id"]}
            | {"contact_id": r["contact_id"], "kind": "escalated", "actor_kind": "ai"}
            | {"actor_label": "AI", "data": {"reason": "cant_answer"}, "created_at": now}
            for r in rows[::10]
        ]
        conn.execute(insert(Event.__table__), events)
    return len(rows) + len(events)


def direct_reader(url: str) -> Any:
    """A DuckDB connection reading the operational database through its scanner, with views
    of the snapshot's tables over it; None if the scanner package is not installed."""
    import duckdb

    try:
        from duckdb_extensions import import_extension
    except ImportError:
        return None
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    sqlite = make_url(url).get_backend_name() == "sqlite"
    name = "sqlite_scanner" if sqlite else "postgres_scanner"
    import_extension(name, con=db)
    db.execute(f"LOAD {name}")
    source = make_url(url).database if sqlite else make_url(url).set(drivername="postgresql")
    target = source if sqlite else source.render_as_string(hide_password=False)
    db.execute(f"ATTACH '{target}' AS op (TYPE {'sqlite' if sqlite else 'postgres'}, READ_ONLY)")
    t = "::TIMESTAMP" if sqlite else " AT TIME ZONE 'UTC'"
    db.execute(f"""
        CREATE VIEW message AS SELECT id, workspace_id, conversation_id, contact_id, channel,
            direction, sender_kind, status, json_extract_string(meta::VARCHAR, '$.purpose')
            AS purpose, segments, sentiment, created_at{t} AS created_at FROM op.message;
        CREATE VIEW conversation AS SELECT v.id, v.workspace_id, v.contact_id, v.channel,
            v.created_at{t} AS created_at, f.first_message_at, f.first_inbound_at
            FROM op.conversation v LEFT JOIN (
                SELECT conversation_id, min(created_at) AS first_message_at,
                       min(created_at) FILTER (WHERE direction = 'inbound') AS first_inbound_at
                FROM message GROUP BY conversation_id) f ON f.conversation_id = v.id;
        CREATE VIEW event AS SELECT id, workspace_id, conversation_id, contact_id, kind,
            created_at{t} AS created_at FROM op.event;""")
    return db


@dataclass
class Ways:
    """The three ways to a figure, for one period."""

    cursor: Any
    frames: dict[str, pd.DataFrame]
    conn: Connection
    workspace: Workspace
    period: Period

    def calls(self, name: str) -> tuple[Callable, Callable, Callable]:
        if name == "sms_segments":  # this month's, whatever the period
            now = utcnow()
            return (
                lambda: compliance.sms_segments(self.cursor, self.workspace, now),
                lambda: by_pandas.sms_segments(self.frames, self.workspace, now),
                lambda: by_sql.sms_segments(self.conn, self.workspace, now),
            )
        return (
            lambda: QUERIES[name](self.cursor, self.period),
            lambda: by_pandas.FIGURES[name](self.frames, self.period),
            lambda: by_sql.figure(self.conn, name, self.period),
        )


@dataclass
class Tally:
    """What the periods add up to: page totals (DuckDB, pandas, SQL), slow and unequal
    figures, figures not done in SQL."""

    totals: dict[str, list[float]] = field(default_factory=dict)
    worst: list[str] = field(default_factory=list)
    unequal: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def period(self, label: str, ways: Ways, runs: int, full: bool) -> list[str]:
        """Every figure of the page for one period; the table's rows."""
        total, lines = [0.0, 0.0, 0.0], []
        for name in [*QUERIES, "sms_segments"]:
            duck, pandas, sql = ways.calls(name)
            duck_ms, expected = p50_ms(duck, runs if full else 1)
            pandas_ms, by_frames = p50_ms(pandas, max(1, runs // 2) if full else 1)
            sql_ms, in_sql = p50_ms(sql, max(1, runs // 2), budget=5.0)
            equal = same(expected, by_frames)
            if isinstance(in_sql, str):
                self.skipped[name], sql_cell, ratio = in_sql, "not in SQL", ""
            else:
                equal = equal and same(expected, in_sql)
                sql_cell, ratio = f"{sql_ms:.0f}", f"{sql_ms / duck_ms:.0f}x"
                total[2] += sql_ms
            total[0] += duck_ms
            total[1] += pandas_ms
            if duck_ms > QUERY_MS and full:
                self.worst.append(f"{name} ({label}) {duck_ms:.0f} ms")
            if not equal:
                self.unequal.append(f"{name} ({label})")
            lines.append(
                f"| {label} | {name} | {duck_ms:.1f} | {pandas_ms:.0f} | "
                f"{pandas_ms / duck_ms:.1f}x | {sql_cell} | {ratio} | {'yes' if equal else 'NO'} |"
            )
            print(lines[-1], flush=True)
        self.totals[label] = total
        lines.append(
            f"| **{label}** | **whole page** | **{total[0]:.0f}** | **{total[1]:.0f}** | "
            f"**{total[1] / total[0]:.1f}x** | {total[2]:.0f} (the queries done in SQL) | | |"
        )
        return lines


def study(backend: str, url: str, runs: int, full: bool) -> tuple[list[str], list[str]]:
    """Time everything on the generated database at `url`: the report's tables, verdicts.
    `full`: DuckDB and pandas timed `runs` times (else once, to check SQL against)."""
    with Session(get_engine(url)) as session:
        first = session.execute(select(func.min(Workspace.id))).scalar_one()
        workspace = session.get(Workspace, first)
        count = select(func.count())
        sizes = [session.execute(count.select_from(m)).scalar_one() for m in (Message, Event)]
    snapshot = Snapshot(get_engine(url))
    started = time.perf_counter()
    snapshot.refresh()
    load = time.perf_counter() - started
    added = add_activity(url, workspace.id)
    started = time.perf_counter()
    snapshot.refresh()
    refresh = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    snapshot.refresh()
    idle = (time.perf_counter() - started) * 1000
    cursor = snapshot.fresh(max_age=1e9)
    tables = ("message", "event", "conversation", "contact")
    frames = {t: cursor.execute(f"SELECT * FROM {t}").df() for t in tables}
    lines = [
        f"{backend}: {sizes[0]:,} messages, {sizes[1]:,} events. Snapshot first load "
        f"{load:.1f} s; refresh after {added} new rows {refresh:.0f} ms (nothing new: "
        f"{idle:.0f} ms; it reads the last day's messages again)",
        "",
        "| period | query | DuckDB p50 ms | pandas p50 ms | pandas/DuckDB | SQL p50 ms | "
        "SQL/DuckDB | equal |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    today = utcnow().astimezone(ZoneInfo(workspace.timezone)).date()
    tally = Tally()
    with get_engine(url).connect() as conn:
        for label, days, channel in PERIODS:
            period = Period.of(workspace, today - timedelta(days=days - 1), today, channel)
            lines += tally.period(label, Ways(cursor, frames, conn, workspace, period), runs, full)
    totals, worst, unequal, skipped = tally.totals, tally.worst, tally.unequal, tally.skipped
    lines += ["", *(f"Not in SQL: {name}: {why}" for name, why in skipped.items())]
    lines += direct(url, cursor, workspace, today)
    verdicts = []
    if full:
        page = max(t[0] for t in totals.values())
        ratio = min(t[1] / t[0] for t in totals.values())
        verdicts = [
            f"{'PASS' if page < PAGE_MS else 'FAIL'} {backend}: whole analytics page under "
            f"{PAGE_MS} ms (slowest period {page:.0f} ms)",
            f"{'PASS' if not worst else 'FAIL'} {backend}: each query under {QUERY_MS} ms"
            + (f" (over: {', '.join(worst)})" if worst else ""),
            f"{'PASS' if ratio >= PANDAS_RATIO else 'FAIL'} {backend}: DuckDB at least "
            f"{PANDAS_RATIO}x faster than pandas (whole page, lowest period: {ratio:.1f}x)",
        ]
    verdicts.append(
        f"{'PASS' if not unequal else 'FAIL'} {backend}: every figure equal across the ways"
        + (f" (differ: {', '.join(unequal)})" if unequal else "")
    )
    return lines, verdicts


def direct(url: str, cursor: Any, workspace: Workspace, today: Any) -> list[str]:
    """(e): the heavy queries with DuckDB reading the operational database directly."""
    reader = direct_reader(url)
    if reader is None:
        return ["", "DuckDB on the operational database: scanner package not installed"]
    period = Period.of(workspace, today - timedelta(days=89), today)
    lines = ["", "| DuckDB reading the database directly (90 days) | p50 ms | on the snapshot ms |"]
    lines.append("|---|---:|---:|")
    for name in DIRECT:
        direct_ms, result = p50_ms(lambda n=name: QUERIES[n](reader.cursor(), period), 3)
        snap_ms, expected = p50_ms(lambda n=name: QUERIES[n](cursor, period), 3)
        note = "" if same(expected, result) else " (results differ!)"
        lines.append(f"| {name}{note} | {direct_ms:.0f} | {snap_ms:.1f} |")
    return lines


def generated(url: str, size: int) -> str:
    print(f"[{make_url(url).get_backend_name()} {size:,}] generating ...", flush=True)
    upgrade(url)
    generate_workspace(url, size, 10)
    vacuum_analyze(url)
    return url


def main(argv: list[str] | None = None) -> None:
    started = time.monotonic()
    parser = argparse.ArgumentParser(description="Analytics: DuckDB against pandas and SQL.")
    parser.add_argument("--size", type=int, default=100_000, help="conversations")
    parser.add_argument("--quick", action="store_true", help="10,000 conversations")
    parser.add_argument("--postgres-url", help="admin URL; a scratch database is used")
    parser.add_argument("--runs", type=int, default=5, help="calls per DuckDB figure (median)")
    parser.add_argument("--url", action="append", help="an already generated database instead")
    args = parser.parse_args(argv)
    size = 10_000 if args.quick else args.size
    print(machine(args.postgres_url), flush=True)
    tables, verdicts = [], []

    def run(backend: str, url: str, full: bool) -> None:
        lines, said = study(backend, url, args.runs, full)
        tables.append("\n".join(lines))
        verdicts.extend(said)
        dispose_engines()

    for i, url in enumerate(args.url or []):
        run(make_url(url).get_backend_name(), url, full=i == 0)
    if not args.url:
        with tempfile.TemporaryDirectory(prefix="inbox-analytics-") as directory:
            run("SQLite", generated(f"sqlite:///{Path(directory) / 'a.db'}", size), True)
        if args.postgres_url:
            with postgres_database(args.postgres_url) as url:
                run("PostgreSQL", generated(url, size), False)
    print_report(tables, verdicts, started)


if __name__ == "__main__":
    main()
