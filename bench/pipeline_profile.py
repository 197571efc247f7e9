"""Where the pipeline's time goes, in process: SQL statements and commits per message (by
kind and by statement), time waiting for the database against time in Python, and optionally
a cProfile of the answering job.

The workload is `bench.pipeline`'s (one workspace, the demo knowledge base, the same mix of
channels and phrasings), stored first; then the answering job (`pipeline.runner.
answer_inbound`, triage and replies) runs in this process until every message is triaged and
every non-fragment's reply handled, the way `bench.pipeline` measures throughput. Then
dispatch (the log sender) sends what was queued, as the pipeline process does meanwhile in
its own thread, and its cost per outbound message is printed too.

    python -m bench.pipeline_profile [--postgres-url ADMIN_URL] [--messages N]
        [--profile] [--top N] [--statements N]

Without --postgres-url it runs on a scratch SQLite file.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, event, text

from bench.pipeline_workload import customers, plan, preload, prepare
from bench.scratch import machine, postgres_database
from data.db import dispose_engines, get_engine
from pipeline.dispatch import dispatch_due
from pipeline.runner import answer_inbound
from pipeline.senders.router import Senders

#: Tagged so that the counts leave it out: the drain check is the benchmark's.
DRAIN_TAG = "/* drain check */"
PENDING = (
    f"{DRAIN_TAG} SELECT COUNT(*) FROM message WHERE direction = 'inbound' AND ("
    " triaged_at IS NULL OR (reply_due_at IS NOT NULL AND provider_id NOT LIKE 'F%'))"
)


@dataclass
class Counts:
    """What the engine's events saw."""

    kinds: Counter[str] = field(default_factory=Counter)
    shapes: Counter[str] = field(default_factory=Counter)
    shape_seconds: Counter[str] = field(default_factory=Counter)
    commits: int = 0
    database_seconds: float = 0.0
    _started: list[float] = field(default_factory=list)


def _shape(statement: str) -> str:
    """A statement with its parameter lists folded, to group identical ones."""
    one_line = re.sub(r"\s+", " ", statement).strip()
    return re.sub(r"\((?:%\(\w+\)s|\?)(?:, (?:%\(\w+\)s|\?))+\)", "(...)", one_line)[:160]


@contextmanager
def counting(engine: Engine) -> Iterator[Counts]:
    counts = Counts()

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith(DRAIN_TAG):
            counts._started.append(0.0)
            return
        counts.kinds[statement.split(None, 1)[0].upper()] += 1
        counts.shapes[_shape(statement)] += 1
        counts._started.append(time.perf_counter())
        context._profile_shape = _shape(statement)

    def after(conn, cursor, statement, parameters, context, executemany) -> None:
        began = counts._started.pop()
        if began:
            took = time.perf_counter() - began
            counts.database_seconds += took
            counts.shape_seconds[context._profile_shape] += took

    def commit(conn) -> None:
        counts.commits += 1

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "commit", commit)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        event.remove(engine, "commit", commit)


def remaining(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(PENDING)).scalar_one())


def dispatch(engine: Engine) -> None:
    """Send what the run queued with the log sender, as the same process would meanwhile."""
    senders = Senders()
    sent, started, cpu = 0, time.perf_counter(), time.process_time()
    with counting(engine) as counts:
        while done := dispatch_due(engine, senders):
            sent += done
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if sent:
        per = 1 / sent
        print(
            f"  dispatch (log sender): {sent} outbound in {seconds:.2f} s; "
            f"{1000 * seconds * per:.1f} ms each, this process's CPU {1000 * cpu * per:.1f} ms, "
            f"{sum(counts.kinds.values()) * per:.1f} statements, {counts.commits * per:.1f} commits"
        )


def run(url: str, messages: int, profile: bool, top: int, statements: int) -> None:
    rng = random.Random(7)
    prepare(url)
    engine = get_engine(url)
    planned = plan(messages, customers(max(messages // 3, 5), rng), rng)
    preload(engine, planned)
    profiler = cProfile.Profile() if profile else None
    rounds = 0
    with counting(engine) as counts:
        started, cpu = time.perf_counter(), time.process_time()
        with profiler or nullcontext():
            while True:
                worked = answer_inbound(engine)
                rounds += 1
                if not worked and remaining(engine) == 0:
                    break
                if not worked:
                    time.sleep(0.05)  # fragments of a burst wait 4 s by design
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    per = 1 / messages
    print(
        f"  {messages} messages in {seconds:.2f} s = {messages / seconds:.1f}/s; "
        f"{1000 * seconds * per:.1f} ms a message, of which waiting for the database "
        f"{1000 * counts.database_seconds * per:.1f} ms; this process's CPU "
        f"{1000 * cpu * per:.1f} ms ({rounds} job runs)"
    )
    kinds = ", ".join(f"{k} {v * per:.2f}" for k, v in counts.kinds.most_common())
    total = sum(counts.kinds.values())
    commits = counts.commits * per
    print(f"  statements a message: {total * per:.2f} ({kinds}); commits {commits:.2f}")
    print("    a message: statements, ms waiting")
    for shape, count in counts.shapes.most_common(statements):
        waited = 1000 * counts.shape_seconds[shape] * per
        print(f"    {count * per:5.2f} {waited:5.2f}  {shape}")
    dispatch(engine)
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
    dispose_engines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-url", help="PostgreSQL admin URL (else SQLite)")
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="cProfile the answering job")
    parser.add_argument("--top", type=int, default=30, help="functions listed by cProfile")
    parser.add_argument("--statements", type=int, default=25, help="statements listed")
    args = parser.parse_args(argv)
    print(machine(args.postgres_url), flush=True)
    if args.postgres_url:
        with postgres_database(args.postgres_url) as url:
            print("PostgreSQL")
            run(url, args.messages, args.profile, args.top, args.statements)
    else:
        with tempfile.TemporaryDirectory(prefix="inbox-pipeline-profile-") as workdir:
            print("SQLite")
            url = f"sqlite:///{Path(workdir) / 'inbox.db'}"
            run(url, args.messages, args.profile, args.top, args.statements)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
