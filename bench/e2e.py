"""End-to-end soak: mixed signed traffic on every channel (SMS, WhatsApp, email, web chat, call
transcripts) for a fixed time at a fixed rate through real processes (`inbox ingest`, `inbox
pipeline` with the log sender), then a reconciliation that every accepted message was stored
once, triaged once and answered at most once, and nothing was sent twice or left pending.

Each configuration gets a fresh database (a SQLite file; PostgreSQL: a database created from
the admin URL and dropped after) with one workspace answering from the demo knowledge base
(`bench.e2e_run.seed`). The simulator (`inbox.simulate.run_simulation`, "mixed", open loop, at
most 16 requests in flight) sends after a 3 s warm-up; when it is done the run waits for the
pipeline to drain (nothing untriaged, no reply due, no outbox row queued or sending).

Configurations, all at the same rate: SQLite 1 ingest + 1 pipeline, PostgreSQL 1+1 and 2+2
(ingest workers + pipeline processes); PostgreSQL 2+2 against 1+1 as ratios. Then a step-up on
PostgreSQL 2+2 (fresh database each step, shorter) finds roughly the highest rate it sustains:
every request 2xx, the offered rate achieved, p99 end-to-end under P99_LIMIT and a drain under
DRAIN_LIMIT. Definitions of the figures: `bench.e2e_measure`.

    python -m bench.e2e [--quick] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
        [--seconds S] [--rate R] [--ingest-workers N --pipeline-workers M] [--no-step-up]

With --ingest-workers/--pipeline-workers only that configuration runs (PostgreSQL when a URL is
given, else SQLite, which takes 1+1). Exit status 1 if any reconciliation check fails.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.e2e_measure import Outcome, measure
from bench.e2e_run import Config, run
from bench.scratch import machine, postgres_database, print_report
from data.db import dispose_engines, get_engine


@dataclass(frozen=True)
class Plan:
    seconds: float
    rate: float
    step_seconds: float
    step_rates: tuple[float, ...]  # multiples of the rate
    drain_timeout: float


FULL = Plan(seconds=120, rate=20, step_seconds=45, step_rates=(1.5, 2, 3, 4), drain_timeout=300)
QUICK = Plan(seconds=30, rate=10, step_seconds=20, step_rates=(2, 3, 4, 6), drain_timeout=120)
P99_LIMIT = 5.0
DRAIN_LIMIT = 10.0
ACHIEVED_SHARE = 0.95


@contextmanager
def database(config: Config, admin_url: str | None, workdir: Path) -> Iterator[str]:
    if config.postgres:
        assert admin_url
        with postgres_database(admin_url) as url:
            yield url
    else:
        yield f"sqlite:///{workdir / (config.tag + '.db')}"


def soak(config: Config, admin_url: str | None, workdir: Path, drain_timeout: float) -> Outcome:
    print(f"  {config.name} at {config.rate:g}/s for {config.seconds:g} s", flush=True)
    with database(config, admin_url, workdir) as url:
        traffic = run(config, url, workdir, drain_timeout)
        outcome = measure(config, traffic, get_engine(url), workdir)
        dispose_engines()
    print(f"    {summary(outcome)}", flush=True)
    silent = ", ".join(f"{why} {n}" for why, n in outcome.without_reply.most_common())
    print(f"    without a reply of their own: {silent or 'none'}", flush=True)
    for check in outcome.checks:
        print(f"    {check.line()}", flush=True)
    return outcome


def summary(o: Outcome) -> str:
    r = o.traffic.report
    drain = f"{o.traffic.drain_seconds:.1f} s" if o.traffic.drain_seconds is not None else "TIMEOUT"
    return (
        f"offered {r.sent}, accepted {r.accepted}, rejected {r.rejected}, errors {r.errors} "
        f"(achieved {r.achieved_rate():.1f}/s; ingest p50 {r.p50():.0f} ms, p99 {r.p99():.0f} ms)"
        f"; end-to-end p50 {o.p(0.5):.2f} s, p99 {o.p(0.99):.2f} s over {len(o.latencies)} "
        f"replies; {len(o.held)} held fragments; {sum(o.without_reply.values())} without a "
        f"reply of their own, {o.calls} call transcripts; drain {drain}; load "
        f"{o.traffic.load_before:.1f} -> {o.traffic.load_after:.1f}"
    )


def sustained(o: Outcome) -> bool:
    r, drain = o.traffic.report, o.traffic.drain_seconds
    return (
        r.accepted == r.sent
        and r.achieved_rate() >= ACHIEVED_SHARE * o.config.rate
        and o.p(0.99) < P99_LIMIT
        and drain is not None
        and drain < DRAIN_LIMIT
    )


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| configuration | rate/s | offered | 2xx | other | replies sent (sms/wa/email/chat) "
        "| p50 s | p99 s | held | no own reply | drain s | job failures | load | checks |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for o in outcomes:
        r, c = o.traffic.report, o.replies
        drain = o.traffic.drain_seconds
        lines.append(
            f"| {o.config.name} | {o.config.rate:g} | {r.sent} | {r.accepted} "
            f"| {r.rejected + r.errors} | {sum(c.values())} ({c['sms']}/{c['whatsapp']}/"
            f"{c['email']}/{c['webchat']}) | {o.p(0.5):.2f} | {o.p(0.99):.2f} | {len(o.held)} "
            f"| {sum(o.without_reply.values())} | {'-' if drain is None else f'{drain:.1f}'} "
            f"| {sum(o.job_failures.values())} | {o.traffic.load_before:.1f} "
            f"| {'PASS' if o.passed else 'FAIL'} |"
        )
    return "\n".join(lines)


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return "-"
    return f"{a / b:.2f}x"


def ratios(outcomes: list[Outcome]) -> list[str]:
    by_name = {o.config.name: o for o in outcomes}
    base, two = by_name.get("PostgreSQL 1+1"), by_name.get("PostgreSQL 2+2")
    out = []
    if base and two:
        out.append(
            f"PostgreSQL 2+2 against 1+1 at {two.config.rate:g}/s: p50 "
            f"{ratio(two.p(0.5), base.p(0.5))}, p99 {ratio(two.p(0.99), base.p(0.99))}, drain "
            f"{ratio(two.traffic.drain_seconds, base.traffic.drain_seconds)}"
        )
    lite = by_name.get("SQLite 1+1")
    if base and lite:
        out.append(
            f"SQLite 1+1 against PostgreSQL 1+1: p50 {ratio(lite.p(0.5), base.p(0.5))}, "
            f"p99 {ratio(lite.p(0.99), base.p(0.99))}"
        )
    return out


def step_up(
    admin_url: str, plan: Plan, rate: float, workdir: Path, first: Outcome | None
) -> tuple[list[Outcome], float | None]:
    """PostgreSQL 2+2 at rising rates until one is not sustained; (the steps, the highest
    sustained rate)."""
    best = rate if first is not None and sustained(first) else None
    steps: list[Outcome] = []
    for factor in plan.step_rates:
        step = rate * factor
        config = Config(f"PostgreSQL 2+2 step {step:g}/s", True, 2, 2, step, plan.step_seconds)
        outcome = soak(config, admin_url, workdir, plan.drain_timeout)
        steps.append(outcome)
        if not sustained(outcome):
            break
        best = step
    return steps, best


def configurations(args: argparse.Namespace, plan: Plan) -> list[Config]:
    seconds, rate = args.seconds or plan.seconds, args.rate or plan.rate
    pg = bool(args.postgres_url)
    if args.ingest_workers or args.pipeline_workers:
        n, m = args.ingest_workers or 1, args.pipeline_workers or 1
        if not pg and (n, m) != (1, 1):
            raise SystemExit("SQLite runs one ingest worker and one pipeline: give --postgres-url")
        return [Config(f"{'PostgreSQL' if pg else 'SQLite'} {n}+{m}", pg, n, m, rate, seconds)]
    configs = [Config("SQLite 1+1", False, 1, 1, rate, seconds)]
    if pg:
        configs += [
            Config("PostgreSQL 1+1", True, 1, 1, rate, seconds),
            Config("PostgreSQL 2+2", True, 2, 2, rate, seconds),
        ]
    return configs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 s at 10/s, shorter steps")
    parser.add_argument("--postgres-url", help="PostgreSQL admin URL; databases created/dropped")
    parser.add_argument("--seconds", type=float, help="traffic per configuration")
    parser.add_argument("--rate", type=float, help="messages per second offered")
    parser.add_argument("--ingest-workers", type=int, help="run only this configuration")
    parser.add_argument("--pipeline-workers", type=int, help="run only this configuration")
    parser.add_argument("--no-step-up", action="store_true", help="skip the PostgreSQL step-up")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.monotonic()
    one, five, fifteen = os.getloadavg()
    print(machine(args.postgres_url), flush=True)
    print(f"Load average at start (uptime): {one:.2f} {five:.2f} {fifteen:.2f}", flush=True)
    configs = configurations(args, plan)
    outcomes: list[Outcome] = []
    verdicts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-e2e-") as workdir:
        work = Path(workdir)
        for config in configs:
            outcomes.append(soak(config, args.postgres_url, work, plan.drain_timeout))
        verdicts += ratios(outcomes)
        single = args.ingest_workers or args.pipeline_workers
        if args.postgres_url and not single and not args.no_step_up:
            two = next((o for o in outcomes if o.config.name == "PostgreSQL 2+2"), None)
            steps, best = step_up(args.postgres_url, plan, configs[0].rate, work, two)
            outcomes += steps
            verdicts.append(
                f"Step-up, PostgreSQL 2+2 (sustained = every request 2xx at >= "
                f"{100 * ACHIEVED_SHARE:.0f}% of the offered rate, p99 < {P99_LIMIT:g} s, drain "
                f"< {DRAIN_LIMIT:g} s): highest sustained "
                + (f"{best:g} messages/s" if best else "none of the rates tried")
            )
    failed = [o.config.name for o in outcomes if not o.passed]
    verdicts.append(
        "Reconciliation: " + ("PASS in every configuration" if not failed else f"FAIL in {failed}")
    )
    print_report([table(outcomes)], verdicts, started)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
