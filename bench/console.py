"""Time the console's queries, the inbox list and the customer thread, as a workspace grows.

For each size (default 10k and 100k conversations, 10 messages each) and backend (SQLite in a
temporary directory; PostgreSQL in a scratch database per size when --postgres-url is given),
a workspace is generated with `bench.generate` into a migrated database, a few customers get a
long history (LONG_HISTORY messages each, for the thread's deep pages), PostgreSQL is vacuumed
and analysed (the state autovacuum keeps a live table in), SQLite gets the statistics the
pipeline's hourly upkeep job gives it (`data.planner_statistics`; --sqlite-no-statistics
leaves them out, as before the pipeline's first run), and each query is run through the real
functions: `list_inbox` and `thread_page`. The baseline is a primary-key lookup measured in
the same run.

Target (the console issue): a page of the list and a thread under 50 ms p95, flat as the data
grows 10x (p50 growing less than MAX_GROWTH times).

    python -m bench.console [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
                            [--sizes 10000,100000 | --quick] [--runs 200] [--json out.json]
                            [--sqlite-no-statistics] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from bench.generate import generate_workspace
from bench.scratch import machine, postgres_database, print_report
from data import planner_statistics
from data.db import dispose_engines, get_engine
from data.inbox import COMMON_TERM_MATCHES, list_inbox
from data.migrate import upgrade
from data.models import Contact, Conversation, Message
from data.search import indexes_lifted
from data.thread import thread_page

WARMUP_RUNS = 5
#: Per query, after at least 10 runs: a slow query does not hold the whole benchmark up.
BUDGET_SECONDS = 20.0
BASELINE = "pk lookup (baseline)"
MAX_P95_MS = 50.0
MAX_GROWTH = 2.0
#: Customers given a long history, and how many messages each (the thread's deep pages).
LONG_HISTORY_CONTACTS = 5
LONG_HISTORY = 2_000
#: Searched as "common": words of the demo texts the generator reuses, in most workspaces'
#: top thousand hits (checked when the parameters are drawn).
COMMON_TERMS = ["water heater", "leak", "thanks", "drain"]
#: Searched as "no match": names nobody in the generated workspace has.
NO_MATCH_TERMS = ["Quentin Zamboni", "Ingrid Vasquez-Oyelaran", "Bartholomew Quist", "zxqv"]

Query = Callable[[Session, random.Random], object]


class Params:
    """Random parameters for the queries, drawn once per database from its real rows."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        ws = session.exec(select(Conversation.workspace_id)).first()
        assert ws is not None, "no workspace generated"
        self.workspace_id = ws
        ids = list(session.exec(select(Conversation.id).where(Conversation.workspace_id == ws)))
        self.conversation_ids = rng.sample(ids, min(len(ids), 1000))
        contacts = list(
            session.exec(select(Contact).where(Contact.workspace_id == ws).limit(20_000))
        )
        people = rng.sample(contacts, min(len(contacts), 1000))
        self.contact_ids = [c.id for c in people]
        self.names = [c.name for c in people if c.name][:20]
        # As people type a number they read somewhere: "(512) 555-0123" for "+15125550123".
        self.phones = [_typed(c.phone) for c in people if c.phone][:20]
        # Keyset cursors of deep pages: the last row of a page between 50% and 95% down.
        self.cursors = []
        for _ in range(20):
            row = session.exec(
                select(Conversation.last_message_at, Conversation.id)
                .where(Conversation.workspace_id == ws)
                .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
                .offset(int(len(ids) * rng.uniform(0.5, 0.95)))
                .limit(1)
            ).one()
            self.cursors.append((row[0], row[1]))
        self.long_history = _add_long_histories(session, ws, rng)
        self.thread_cursors = []
        for contact_id in self.long_history:
            for _ in range(4):
                row = session.exec(
                    select(Message.created_at, Message.id)
                    .where(Message.workspace_id == ws, Message.contact_id == contact_id)
                    .order_by(col(Message.created_at).desc(), col(Message.id).desc())
                    .offset(int(LONG_HISTORY * rng.uniform(0.5, 0.95)))
                    .limit(1)
                ).one()
                self.thread_cursors.append((contact_id, (row[0], row[1])))


def _typed(phone: str) -> str:
    digits = phone.removeprefix("+1")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def _add_long_histories(session: Session, ws: int, rng: random.Random) -> list[int]:
    """LONG_HISTORY_CONTACTS customers get LONG_HISTORY more messages in their conversation,
    one every ~6 hours back from their first: years of history to page back through."""
    chosen = []
    conversations = session.exec(
        select(Conversation).where(Conversation.workspace_id == ws).limit(1000)
    ).all()
    for conversation in rng.sample(list(conversations), LONG_HISTORY_CONTACTS):
        first = session.exec(
            select(func.min(Message.created_at)).where(Message.conversation_id == conversation.id)
        ).one()
        assert first is not None, "every generated conversation has messages"
        rows = []
        for i in range(LONG_HISTORY):
            inbound = i % 2 == 0
            rows.append(
                {
                    "workspace_id": ws,
                    "conversation_id": conversation.id,
                    "contact_id": conversation.contact_id,
                    "channel": conversation.channel,
                    "direction": "inbound" if inbound else "outbound",
                    "sender_kind": "customer" if inbound else "ai",
                    "body": f"Earlier message {i} about the boiler service",
                    "media": [],
                    "meta": {},
                    "provider_id": f"LH{conversation.id}-{i}",
                    "status": "received" if inbound else "delivered",
                    "created_at": first - timedelta(hours=6 * (i + 1)),
                }
            )
        session.connection().execute(insert(Message.__table__), rows)  # type: ignore[attr-defined]
        chosen.append(conversation.contact_id)
    session.commit()
    return chosen


def queries(p: Params) -> dict[str, Query]:
    """The queries timed, by name: the console's calls with random parameters."""
    ws = p.workspace_id
    return {
        BASELINE: lambda s, r: s.get(Conversation, r.choice(p.conversation_ids)),
        "inbox first page": lambda s, r: list_inbox(s, ws),
        "inbox deep page (keyset)": lambda s, r: list_inbox(s, ws, before=r.choice(p.cursors)),
        "channel=sms": lambda s, r: list_inbox(s, ws, channel="sms"),
        "status=escalated": lambda s, r: list_inbox(s, ws, status="escalated"),
        "search customer name": lambda s, r: list_inbox(s, ws, search=r.choice(p.names)),
        "search phone digits": lambda s, r: list_inbox(s, ws, search=r.choice(p.phones)),
        "search common word": lambda s, r: list_inbox(s, ws, search=r.choice(COMMON_TERMS)),
        "search no match": lambda s, r: list_inbox(s, ws, search=r.choice(NO_MATCH_TERMS)),
        "thread (newest page)": lambda s, r: thread_page(s, ws, r.choice(p.contact_ids)),
        "thread, long history": lambda s, r: thread_page(s, ws, r.choice(p.long_history)),
        "thread deep page (before)": lambda s, r: _deep_thread(s, ws, r.choice(p.thread_cursors)),
    }


def _deep_thread(session: Session, ws: int, cursor: tuple[int, Any]) -> object:
    contact_id, before = cursor
    return thread_page(session, ws, contact_id, before=before)


def _time(session: Session, query: Query, rng: random.Random, runs: int) -> list[float]:
    """Milliseconds per run: each run is one call in its own transaction, identity map empty,
    so the ORM's work building the rows is included, as in the console."""
    for _ in range(WARMUP_RUNS):
        query(session, rng)
        session.rollback()
        session.expunge_all()
    timings: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
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
    """p50/p95 (ms), runs and multiple of the baseline's p50 for every query at `url`."""
    rng = random.Random(seed)
    engine = get_engine(url)
    with Session(engine) as session:
        params = Params(session, rng)
        _check_terms(session, params.workspace_id)
    results: dict[str, dict[str, float]] = {}
    for name, query in queries(params).items():
        with Session(engine) as session:
            timings = _time(session, query, rng, runs)
        results[name] = {
            "p50_ms": statistics.median(timings),
            "p95_ms": _percentile(timings, 0.95),
            "runs": len(timings),
        }
    base = results[BASELINE]["p50_ms"]
    for figures in results.values():
        figures["x_baseline"] = figures["p50_ms"] / base
    return results


def _check_terms(session: Session, ws: int) -> None:
    """Say so if a "common" term is not common here (or a "no match" term matches)."""
    for term in COMMON_TERMS + NO_MATCH_TERMS:
        hits = session.exec(
            select(func.count()).where(
                Message.workspace_id == ws, col(Message.body).ilike(f"%{term}%")
            )
        ).one()
        common = term in COMMON_TERMS
        if (hits > COMMON_TERM_MATCHES) != common and (common or hits):
            print(f"  note: {term!r} has {hits:,} matching messages here", flush=True)


def vacuum_analyze(url: str, sqlite_too: bool = True) -> float:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would after a bulk load; SQLite: the planner
    statistics the pipeline refreshes hourly, unless not `sqlite_too`. Returns the seconds."""
    started = time.perf_counter()
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    elif sqlite_too:
        planner_statistics.refresh(engine)
    return time.perf_counter() - started


def run_one(
    backend: str, url: str, size: int, runs: int, sqlite_analyze: bool = True
) -> dict[str, Any]:
    """Generate `size` conversations into the empty database at `url`, then time the queries."""
    print(f"[{backend} {size:,}] migrating and generating ...", flush=True)
    upgrade(url)
    with indexes_lifted(get_engine(url)):  # rebuilt once after: ~10x faster on SQLite
        generated = generate_workspace(url, size, 10)
    analyze_seconds = vacuum_analyze(url, sqlite_analyze)
    print(
        f"[{backend} {size:,}] {generated['rows']:,} rows in {generated['seconds']:.1f}s "
        f"({generated['rows_per_second']:,} rows/s); analyze {analyze_seconds:.1f}s; timing ...",
        flush=True,
    )
    load_before = os.getloadavg()[0]
    figures = measure(url, runs)
    dispose_engines()
    return {
        "backend": backend,
        "size": size,
        "generate": generated,
        # Other processes on the machine skew timings: the 1-minute load around the timing.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "queries": figures,
    }


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _by_backend(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(results, key=lambda r: r["size"]):
        grouped.setdefault(r["backend"], []).append(r)
    return grouped


def table(backend: str, runs: list[dict[str, Any]]) -> str:
    """A Markdown table: p50/p95/x-baseline per size, then the growth of the p50."""
    header = ["query"]
    for run in runs:
        size = f"{run['size'] // 1000}k" if run["size"] >= 1000 else str(run["size"])
        header += [f"{size} p50 ms", f"{size} p95 ms", f"{size} x base"]
    if len(runs) > 1:
        header.append("growth")
    lines = [backend, "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
    for name in runs[0]["queries"]:
        cells = [name]
        for run in runs:
            figures = run["queries"][name]
            cells += [_ms(figures["p50_ms"]), _ms(figures["p95_ms"])]
            cells.append(f"{figures['x_baseline']:.1f}")
        if len(runs) > 1:
            cells.append(f"{_growth(runs, name):.2f}x")
        lines.append("| " + " | ".join(cells) + " |")
    for name in runs[0]["queries"]:
        counts = [int(run["queries"][name]["runs"]) for run in runs]
        if min(counts) < max(int(r["queries"][BASELINE]["runs"]) for r in runs):
            lines.append(f"\n{name}: {' / '.join(map(str, counts))} timed runs (time budget)")
    return "\n".join(lines)


def _growth(runs: list[dict[str, Any]], name: str) -> float:
    return runs[-1]["queries"][name]["p50_ms"] / runs[0]["queries"][name]["p50_ms"]


def verdicts(results: list[dict[str, Any]]) -> list[str]:
    """PASS/FAIL per backend and query against the target, at the largest size."""
    lines = [f"Target: p95 < {MAX_P95_MS:g} ms at the largest size, p50 growth < {MAX_GROWTH:g}x"]
    for backend, runs in _by_backend(results).items():
        largest = runs[-1]
        for name, figures in largest["queries"].items():
            if name == BASELINE:
                continue
            growth = _growth(runs, name) if len(runs) > 1 else 1.0
            ok = figures["p95_ms"] < MAX_P95_MS and growth < MAX_GROWTH
            lines.append(
                f"{'PASS' if ok else 'FAIL'}  {backend:<10} {name:<28} "
                f"p95 {_ms(figures['p95_ms'])} ms at {largest['size']:,}, p50 x{growth:.2f}"
            )
    return lines


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    started = time.monotonic()
    parser = argparse.ArgumentParser(description="Time the console's queries as data grows.")
    parser.add_argument("--postgres-url", help="admin URL; a scratch database per size")
    parser.add_argument("--sizes", default="10000,100000", help="conversations, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 2000,20000")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--sqlite-no-statistics",
        action="store_true",
        help="leave SQLite without planner statistics (as before the pipeline's first run)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)
    sizes = [2000, 20000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    info = machine(args.postgres_url)
    print(info, flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-") as directory:
        for size in [] if args.no_sqlite else sizes:
            url = f"sqlite:///{Path(directory) / f'bench-{size}.db'}"
            results.append(run_one("sqlite", url, size, args.runs, not args.sqlite_no_statistics))
    if args.postgres_url:
        for size in sizes:
            with postgres_database(args.postgres_url) as url:
                results.append(run_one("postgresql", url, size, args.runs))
    summary = [
        f"{r['backend']} {r['size']:,}: {r['generate']['messages']:,} messages, generated in "
        f"{r['generate']['seconds']:.0f} s; load average while timing "
        f"{r['load_average'][0]} -> {r['load_average'][1]}"
        for r in results
    ]
    tables = ["\n".join(summary)] + [table(b, runs) for b, runs in _by_backend(results).items()]
    print_report(tables, verdicts(results), started)
    if args.json:
        document = {"machine": info, "results": results}
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"Wrote {args.json}")
    return results


if __name__ == "__main__":
    main()
