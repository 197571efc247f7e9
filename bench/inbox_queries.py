"""The inbox search's two plans as a term gets more common: the figures behind
`COMMON_TERM_MATCHES` in data/inbox.py. (The timing of the console's queries as a workspace
grows, which this module used to do, is `bench/console.py`.)

On a generated workspace (default 100k conversations, 10 messages each; SQLite, and
PostgreSQL with --postgres-url), phrases of the message texts are picked at growing numbers
of matching messages, with a last name, a first name and a full name, and
`list_inbox(search=term)` (first page, 50 rows) is timed three ways: starting from the indexes
with every match collected (no threshold), the inbox-order scan, and as the threshold decides.
Each figure is the median of --runs calls.

    python -m bench.inbox_queries [--size 100000] [--postgres-url URL] [--runs 7]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import union_all
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, func, select

import data.inbox as inbox
from bench.console import vacuum_analyze
from bench.generate import generate_workspace
from bench.scratch import machine, postgres_database, print_report
from data.db import dispose_engines, get_engine
from data.migrate import upgrade
from data.models import Contact, Conversation, Message
from data.search import indexes_lifted

#: Matching messages wanted, roughly (the texts decide what exists).
TARGETS = [100, 300, 600, 1000, 1500, 2500, 4000, 6000, 10000, 25000, 50000]
PLANS = {"from indexes": 10**9, "scan": -1}


def pick_terms(session: Session, ws: int) -> list[str]:
    """Phrases of 1-3 words (6+ characters) nearest to each target count, then names."""
    counts: Counter[str] = Counter()
    bodies = session.exec(
        select(Message.body, func.count()).where(Message.workspace_id == ws).group_by(Message.body)
    )
    for body, n in bodies:
        words = re.findall(r"[A-Za-z']+", body)
        phrases = {" ".join(words[i : i + k]) for k in (1, 2, 3) for i in range(len(words))}
        for phrase in phrases:
            if len(phrase) >= 6:
                counts[phrase] += n
    ranked = sorted(counts.items(), key=lambda kv: kv[1])
    terms = list(dict.fromkeys(min(ranked, key=lambda kv: abs(kv[1] - t))[0] for t in TARGETS))
    name = session.exec(
        select(Contact.name).where(Contact.workspace_id == ws, col(Contact.name).is_not(None))
    ).first()
    assert name is not None
    first, _, last = name.partition(" ")
    return [*terms, last, first, name]


def hits(session: Session, ws: int, term: str) -> int:
    """Contacts' conversations, subjects and messages matching `term` (what the plan from
    the indexes collects)."""
    t = inbox._Term(term, session)
    query = union_all(
        inbox._contact_hits(ws, t), inbox._subject_hits(ws, t), inbox._message_hits(ws, t)
    )
    return session.exec(select(func.count()).select_from(query.subquery())).one()


def _median_ms(url: str, ws: int, term: str, runs: int) -> float:
    timings = []
    for _ in range(runs):
        with Session(get_engine(url)) as session:
            started = time.perf_counter()
            inbox.list_inbox(session, ws, search=term)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def study(backend: str, url: str, size: int | None, runs: int) -> str:
    """The table for one database: generated with `size` conversations, or as it is."""
    if size is not None:
        print(f"[{backend} {size:,}] migrating and generating ...", flush=True)
        upgrade(url)
        with indexes_lifted(get_engine(url)):  # rebuilt once after: ~10x faster on SQLite
            generate_workspace(url, size, 10)
        vacuum_analyze(url)
    with Session(get_engine(url)) as session:
        ws = session.exec(select(func.min(Message.workspace_id))).one()
        size = session.exec(select(func.count()).select_from(Conversation)).one()
        terms = [(term, hits(session, ws, term)) for term in pick_terms(session, ws)]
    lines = [
        f"{backend}, {size:,} conversations (threshold {inbox.COMMON_TERM_MATCHES:,} hits)",
        "",
        "| term | hits | from indexes ms | scan ms | as chosen ms |",
        "|---|---:|---:|---:|---:|",
    ]
    threshold = inbox.COMMON_TERM_MATCHES
    for term, count in sorted(terms, key=lambda tc: tc[1]):
        figures = []
        for forced in PLANS.values():
            inbox.COMMON_TERM_MATCHES = forced
            try:
                figures.append(_median_ms(url, ws, term, runs))
            finally:
                inbox.COMMON_TERM_MATCHES = threshold
        figures.append(_median_ms(url, ws, term, runs))
        cells = [f"{term!r}", f"{count:,}"] + [f"{ms:.1f}" for ms in figures]
        lines.append("| " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    dispose_engines()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    started = time.monotonic()
    parser = argparse.ArgumentParser(description="The search plans by how common a term is.")
    parser.add_argument("--size", type=int, default=100_000, help="conversations")
    parser.add_argument("--postgres-url", help="admin URL; a scratch database is used")
    parser.add_argument("--runs", type=int, default=7, help="calls per figure (median)")
    parser.add_argument("--url", action="append", help="an existing generated database instead")
    args = parser.parse_args(argv)
    print(machine(args.postgres_url), flush=True)
    if args.url:
        tables = [study(make_url(u).get_backend_name(), u, None, args.runs) for u in args.url]
        print_report(tables, [], started)
        return
    tables = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'search.db'}"
        tables.append(study("sqlite", url, args.size, args.runs))
    if args.postgres_url:
        with postgres_database(args.postgres_url) as url:
            tables.append(study("postgresql", url, args.size, args.runs))
    print_report(tables, [], started)


if __name__ == "__main__":
    main()
