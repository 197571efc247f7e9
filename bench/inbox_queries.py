"""Time the inbox queries the console runs, on workspaces of growing size.

For each size (default 10k and 100k conversations, 10 messages each) and backend (SQLite in a
temporary directory; PostgreSQL in a fresh database per size when --postgres-url is given,
dropped at the end), a workspace is generated with `bench.generate`, the database is analysed,
and each query is run through the real functions in `data/` (`list_inbox`, `contact_thread`):
a few warm-up runs, then ~200 timed runs with random parameters (fewer for the text search if
it is slow). The baseline is a primary-key lookup, `session.get(Conversation, id)`, measured in
the same run; the goal is that every query stays flat as the data grows 10x.

    python -m bench.inbox_queries [--postgres-url postgresql://postgres@127.0.0.1/test]
                                  [--sizes 10000,100000 | --quick] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, select

from bench.generate import generate_workspace, normalise_url
from data.conversations import contact_thread
from data.db import dispose_engines, get_engine
from data.inbox import list_inbox
from data.migrate import upgrade
from data.models import Contact, Conversation

WARMUP_RUNS = 5
SEARCH_BUDGET_SECONDS = 20.0
BASELINE = "pk lookup (baseline)"
#: The flatness goal: at the largest size, p95 under this and growth under MAX_GROWTH.
MAX_P95_MS = 50.0
MAX_GROWTH = 3.0

Query = Callable[[Session, random.Random], object]


class _Params:
    """Random parameters for the queries, drawn once per database from its real rows."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        ws = session.exec(select(Conversation.workspace_id)).first()
        assert ws is not None, "no workspace generated"
        self.workspace_id = ws
        ids = list(session.exec(select(Conversation.id).where(Conversation.workspace_id == ws)))
        self.conversation_ids = rng.sample(ids, min(len(ids), 1000))
        contacts = list(session.exec(select(Contact.id).where(Contact.workspace_id == ws)))
        self.contact_ids = rng.sample(contacts, min(len(contacts), 1000))
        names = session.exec(
            select(Contact.name).where(Contact.workspace_id == ws, col(Contact.name).is_not(None))
        )
        self.names = rng.sample(sorted(set(names)), 20)
        # Keyset cursors of deep pages: the last row of a page between 50% and 95% down.
        self.cursors = []
        for _ in range(20):
            offset = int(len(ids) * rng.uniform(0.5, 0.95))
            row = session.exec(
                select(Conversation.last_message_at, Conversation.id)
                .where(Conversation.workspace_id == ws)
                .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
                .offset(offset)
                .limit(1)
            ).one()
            self.cursors.append((row[0], row[1]))


def _queries(p: _Params) -> dict[str, Query]:
    ws = p.workspace_id
    return {
        BASELINE: lambda s, r: s.get(Conversation, r.choice(p.conversation_ids)),
        "inbox first page": lambda s, r: list_inbox(s, ws),
        "inbox deep page (keyset)": lambda s, r: list_inbox(s, ws, before=r.choice(p.cursors)),
        "channel=sms": lambda s, r: list_inbox(s, ws, channel="sms"),
        "status=escalated": lambda s, r: list_inbox(s, ws, status="escalated"),
        "channel=sms+status=escalated": lambda s, r: list_inbox(
            s, ws, channel="sms", status="escalated"
        ),
        "contact_thread": lambda s, r: contact_thread(s, ws, r.choice(p.contact_ids)),
        "search customer name": lambda s, r: list_inbox(s, ws, search=r.choice(p.names)),
    }


def _time(
    session: Session, query: Query, rng: random.Random, runs: int, budget: float
) -> list[float]:
    """Milliseconds per run: each run is one call in its own transaction, identity map empty."""
    for _ in range(WARMUP_RUNS):
        query(session, rng)
        session.rollback()
        session.expunge_all()
    timings: list[float] = []
    deadline = time.perf_counter() + budget
    while len(timings) < runs and (len(timings) < 10 or time.perf_counter() < deadline):
        started = time.perf_counter()
        query(session, rng)
        timings.append((time.perf_counter() - started) * 1000)
        session.rollback()
        session.expunge_all()
    return timings


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(url: str, runs: int, seed: int = 7) -> dict[str, dict[str, float]]:
    """p50/p95 (ms) and runs of every query on the generated workspace at `url`."""
    rng = random.Random(seed)
    engine = get_engine(url)
    with Session(engine) as session:
        params = _Params(session, rng)
    results: dict[str, dict[str, float]] = {}
    for name, query in _queries(params).items():
        budget = SEARCH_BUDGET_SECONDS if name.startswith("search") else math.inf
        with Session(engine) as session:
            timings = _time(session, query, rng, runs, budget)
        results[name] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": _percentile(timings, 0.95),
            "runs": len(timings),
        }
    base = results[BASELINE]["p50_ms"]
    for figures in results.values():
        figures["x_baseline"] = figures["p50_ms"] / base
    return results


def _analyze(url: str) -> float:
    """ANALYZE (PostgreSQL: VACUUM ANALYZE, the state autovacuum keeps a live table in)."""
    started = time.perf_counter()
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def run_one(backend: str, url: str, size: int, runs: int) -> dict[str, Any]:
    print(f"[{backend} {size:,}] migrating and generating ...", flush=True)
    upgrade(url)
    generated = generate_workspace(url, size, 10)
    analyze_seconds = _analyze(url)
    print(
        f"[{backend} {size:,}] {generated['rows']:,} rows in {generated['seconds']:.1f}s "
        f"({generated['rows_per_second']:,} rows/s); analyze {analyze_seconds:.1f}s; timing ...",
        flush=True,
    )
    load_before = os.getloadavg()[0]
    queries = measure(url, runs)
    dispose_engines()
    return {
        "backend": backend,
        "size": size,
        "generate": generated,
        "analyze_seconds": round(analyze_seconds, 2),
        # Other processes on the machine skew timings: the 1-minute load around the timing.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "queries": queries,
    }


def _admin_engine(admin_url: str) -> Engine:
    return create_engine(normalise_url(admin_url), isolation_level="AUTOCOMMIT")


def run_postgres(admin_url: str, size: int, runs: int) -> dict[str, Any]:
    """The benchmark in a fresh PostgreSQL database, dropped afterwards."""
    name = f"inbox_bench_{size}_{os.getpid()}"
    admin = _admin_engine(admin_url)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(normalise_url(admin_url)).set(database=name)
    try:
        return run_one("postgresql", url.render_as_string(hide_password=False), size, runs)
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def machine(admin_url: str | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
    }
    if admin_url:
        admin = _admin_engine(admin_url)
        with admin.connect() as conn:
            info["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
        admin.dispose()
    return info


def flat_problems(results: list[dict[str, Any]]) -> list[str]:
    """The queries that miss the goal: p95 over MAX_P95_MS at the largest size, or p50
    growing more than MAX_GROWTH times from the smallest size to the largest."""
    problems = []
    for backend in dict.fromkeys(r["backend"] for r in results):
        runs = sorted((r for r in results if r["backend"] == backend), key=lambda r: r["size"])
        small, large = runs[0]["queries"], runs[-1]["queries"]
        for name, figures in large.items():
            growth = figures["p50_ms"] / small[name]["p50_ms"]
            if figures["p95_ms"] > MAX_P95_MS or (len(runs) > 1 and growth > MAX_GROWTH):
                problems.append(
                    f"{backend}: {name}: p95 {figures['p95_ms']:.1f} ms at {runs[-1]['size']:,}, "
                    f"p50 grows {growth:.1f}x"
                )
    return problems


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table(results: list[dict[str, Any]]) -> str:
    """A plain-text (Markdown) table per backend: p50/p95/x-baseline per size, then growth."""
    lines = []
    for backend in dict.fromkeys(r["backend"] for r in results):
        runs = sorted((r for r in results if r["backend"] == backend), key=lambda r: r["size"])
        header = ["query"]
        for run in runs:
            size = f"{run['size'] // 1000}k"
            header += [f"{size} p50 ms", f"{size} p95 ms", f"{size} x base"]
        if len(runs) > 1:
            header.append(f"growth {runs[0]['size'] // 1000}k->{runs[-1]['size'] // 1000}k")
        lines += [f"\n{backend}", "", "| " + " | ".join(header) + " |"]
        lines.append("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
        for name in runs[0]["queries"]:
            cells = [name]
            for run in runs:
                figures = run["queries"][name]
                cells += [_ms(figures["p50_ms"]), _ms(figures["p95_ms"])]
                cells.append(f"{figures['x_baseline']:.1f}")
            if len(runs) > 1:
                growth = runs[-1]["queries"][name]["p50_ms"] / runs[0]["queries"][name]["p50_ms"]
                cells.append(f"{growth:.2f}x")
            lines.append("| " + " | ".join(cells) + " |")
        for name in runs[0]["queries"]:
            counts = [int(run["queries"][name]["runs"]) for run in runs]
            if min(counts) < max(int(r["queries"][BASELINE]["runs"]) for r in runs):
                lines.append(f"\n{name}: {' / '.join(map(str, counts))} timed runs (time budget)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the inbox queries as data grows.")
    parser.add_argument("--postgres-url", help="admin URL; a database is created per size")
    parser.add_argument("--sizes", default="10000,100000", help="conversations, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 2000,20000")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    sizes = [2000, 20000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    info = machine(args.postgres_url)
    print("Machine: " + ", ".join(f"{key} {value}" for key, value in info.items()), flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-") as directory:
        for size in sizes:
            url = f"sqlite:///{Path(directory) / f'bench-{size}.db'}"
            results.append(run_one("sqlite", url, size, args.runs))
    if args.postgres_url:
        for size in sizes:
            results.append(run_postgres(args.postgres_url, size, args.runs))
    print("\nGeneration")
    for r in results:
        g = r["generate"]
        print(
            f"  {r['backend']:<10} {r['size']:>7,} conversations: {g['messages']:,} messages, "
            f"{g['rows']:,} rows in {g['seconds']:.1f}s = {g['rows_per_second']:,} rows/s; "
            f"load average while timing {r['load_average'][0]} -> {r['load_average'][1]}"
        )
    print(table(results))
    problems = flat_problems(results)
    print(f"\nNot flat (p95 > {MAX_P95_MS:g} ms at the largest size, or > {MAX_GROWTH:g}x growth):")
    print("\n".join(f"  {p}" for p in problems) if problems else "  none")
    if args.json:
        document = {"machine": info, "results": results, "not_flat": problems}
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nWrote {args.json}")


if __name__ == "__main__":
    main()
