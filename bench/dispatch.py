"""Dispatch throughput and pacing: outbound SMS per second through the real dispatcher
(`pipeline.dispatch.dispatch_due`) against the local Twilio stand-in (`tests/twilio_standin.py`,
a real HTTP server driven by the official `twilio` client), showing that a per-number rate
limit holds and that no message is lost or sent twice under a storm of 429s.

Each run queues its messages with `data.outbox.enqueue` (AI replies to customers who wrote
in first, one workspace per sending number, a marker `[b<run>-<n>]` in every body), then
calls `dispatch_due(engine, senders)` (at most 50 a call) back to back while it reports work,
and every POLL seconds when it is idle, until no message of the run is `queued` or `sending`.
Production calls it every 0.5 s; POLL is shorter so the figures measure the dispatcher, not
the schedule.

- baseline: the log sender (nothing leaves the process), pace off (channel
  `max_per_second` 1e6). Messages per second.
- stand-in: the same through Twilio's REST API on 127.0.0.1 (`INBOX_SENDER=live` settings with
  `twilio_api_base_url` = the stand-in), no limit at the stand-in. Messages per second and the
  ratio to the baseline.
- paced: NUMBERS numbers, the channel's `max_per_second` = R and the stand-in refusing (429)
  a create when R have already been let through in the last second for the same From. Per
  number: the achieved rate ((creates - 1) / (last - first)), the most 201s in any 1 s
  window, and the stand-in's rate violations.
- 429 storm: pace off, the stand-in answers 429 to a random half (seeded) of the first N
  creates, then accepts everything. At the end every message must be `sent` and have exactly
  one 201 at the stand-in (counted by its marker): none lost, none doubled, none failed.

Targets: paced, achieved rate per number <= R and zero rate violations; storm, every message
sent exactly once. Throughput is reported against the baseline measured in the same run.

    python -m bench.dispatch [--quick] [--postgres-url postgresql://postgres@127.0.0.1/postgres]
        [--rate R] [--poll SECONDS]

SQLite lives in a temporary directory; with --postgres-url (an admin URL) a scratch database
is created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import bisect
import random
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from bench.dispatch_outbox import (
    drain,
    marker,
    queue_messages,
    statuses,
)
from bench.scratch import machine, postgres_database, print_report
from data.db import dispose_engines, get_engine
from data.migrate import upgrade
from data.settings import Settings
from pipeline.senders.router import Senders
from tests.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn, ok, too_many

NUMBERS = 5
CUSTOMERS_PER_NUMBER = 20
UNPACED = 1_000_000.0  # a channel max_per_second that never makes a message wait
STORM_SHARE = 0.5
SEED = 1
POLL_SECONDS = 0.05
DRAIN_LIMIT_SECONDS = 600


@dataclass(frozen=True)
class Sizes:
    throughput: int  # messages in the baseline and stand-in runs
    paced_per_number: int
    storm: int


FULL = Sizes(throughput=1000, paced_per_number=200, storm=500)
QUICK = Sizes(throughput=200, paced_per_number=20, storm=100)
#: The per-number limit: below what the dispatcher delivers per number on the machine below
#: (about 8/s each for 5 numbers), so that the pace, not the dispatcher, is what holds it.
RATE = 4


@dataclass
class Run:
    name: str
    backend: str
    messages: int
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    creates: int = 0  # Messages creates that reached the stand-in
    refused_429: int = 0
    once: int = 0  # messages with exactly one 201
    lost: int = 0  # messages with no 201, or not `sent`
    doubled: int = 0  # messages with more than one 201
    violations: int = 0
    per_number: dict[str, tuple[int, float, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


# --- senders -------------------------------------------------------------------------------


def log_senders() -> Senders:
    return Senders(Settings(sender="log"))


def live_senders(standin: TwilioStandIn) -> Senders:
    """What `INBOX_SENDER=live` builds, with Twilio's API at the stand-in."""
    return Senders(
        Settings(
            sender="live",
            twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=AUTH_TOKEN,
            twilio_api_base_url=standin.base_url,
            public_url="https://inbox.example.com",
        )
    )


# --- the runs ------------------------------------------------------------------------------


def account(result: Run, engine: Engine, run: int, standin: TwilioStandIn | None) -> Run:
    """Fill in what happened to every message of `run`, from the database and the stand-in."""
    final = statuses(engine, run)
    result.statuses = Counter(final.values())
    if standin is None:
        result.once = result.statuses["sent"]
        result.lost = len(final) - result.once
        return result
    creates = [r for r in standin.requests if r.resource == "Messages"]
    accepted = Counter(marker(r.value("Body")) for r in creates if r.status == 201)
    result.creates = len(creates)
    result.refused_429 = sum(r.status == 429 for r in creates)
    result.violations = len(standin.rate_violations)
    for key, status in final.items():
        if accepted[key] > 1:
            result.doubled += 1
        elif accepted[key] == 1 and status == "sent":
            result.once += 1
        else:
            result.lost += 1
    by_number: dict[str, list[float]] = defaultdict(list)
    for r in creates:
        if r.status == 201:
            by_number[r.value("From") or ""].append(r.at)
    for key, times in sorted(by_number.items()):
        span = times[-1] - times[0]
        achieved = (len(times) - 1) / span if span > 0 else float("inf")
        result.per_number[key] = (len(times), achieved, busiest_second(times))
    return result


def busiest_second(times: list[float]) -> int:
    """The most arrivals in any window [t, t + 1 s) starting at an arrival."""
    times = sorted(times)
    return max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))


def baseline(engine: Engine, backend: str, run: int, sizes: Sizes, poll: float) -> Run:
    queue_messages(engine, run, sizes.throughput, UNPACED)
    result = Run("log sender (baseline)", backend, sizes.throughput)
    result.seconds = drain(engine, log_senders(), run, poll)
    return account(result, engine, run, None)


def standin_unlimited(engine: Engine, backend: str, run: int, sizes: Sizes, poll: float) -> Run:
    queue_messages(engine, run, sizes.throughput, UNPACED)
    result = Run("stand-in, no limit", backend, sizes.throughput)
    with TwilioStandIn() as standin:
        result.seconds = drain(engine, live_senders(standin), run, poll)
    return account(result, engine, run, standin)


def paced(engine: Engine, backend: str, run: int, sizes: Sizes, poll: float, rate: int) -> Run:
    total = NUMBERS * sizes.paced_per_number
    queue_messages(engine, run, total, rate)
    result = Run(f"stand-in, {rate}/s per number", backend, total)
    with TwilioStandIn() as standin:
        standin.max_per_second(rate)
        result.seconds = drain(engine, live_senders(standin), run, poll)
    return account(result, engine, run, standin)


def storm(engine: Engine, backend: str, run: int, sizes: Sizes, poll: float) -> Run:
    queue_messages(engine, run, sizes.storm, UNPACED)
    result = Run(f"429 storm ({STORM_SHARE:.0%} of first {sizes.storm})", backend, sizes.storm)
    rng = random.Random(SEED)
    with TwilioStandIn() as standin:
        standin.script(
            *(too_many() if rng.random() < STORM_SHARE else ok() for _ in range(sizes.storm))
        )
        result.seconds = drain(engine, live_senders(standin), run, poll)
    return account(result, engine, run, standin)


def measure(url: str, backend: str, sizes: Sizes, poll: float, rate: int) -> list[Run]:
    upgrade(url)
    engine = get_engine(url)
    print(f"  {backend}", flush=True)
    queue_messages(engine, 0, 50, UNPACED)  # warm-up: imports, pools, statement caches
    drain(engine, log_senders(), 0, poll)
    results = []
    steps = [
        lambda run: baseline(engine, backend, run, sizes, poll),
        lambda run: standin_unlimited(engine, backend, run, sizes, poll),
        lambda run: paced(engine, backend, run, sizes, poll, rate),
        lambda run: storm(engine, backend, run, sizes, poll),
    ]
    for run, step in enumerate(steps, start=1):
        result = step(run)
        results.append(result)
        print(f"    {line(result)}", flush=True)
    dispose_engines()
    return results


# --- the report ----------------------------------------------------------------------------


def line(r: Run) -> str:
    return (
        f"{r.name}: {r.messages} messages in {r.seconds:.2f} s = {r.rate:.0f}/s; "
        f"creates {r.creates}, 429s {r.refused_429}, rate violations {r.violations}; "
        f"sent once {r.once}, lost {r.lost}, doubled {r.doubled}"
    )


def table(results: list[Run]) -> str:
    header = (
        f"{'backend':<12}{'run':<30}{'msgs':>6}{'msgs/s':>9}{'x base':>8}"
        f"{'creates':>9}{'429s':>7}{'viol.':>7}{'once':>6}{'lost':>6}{'dbl':>5}"
    )
    lines = [header]
    base: dict[str, float] = {}
    for r in results:
        if r.name.startswith("log sender"):
            base[r.backend] = r.rate
        ratio = r.rate / base[r.backend] if base.get(r.backend) else 0.0
        lines.append(
            f"{r.backend:<12}{r.name:<30}{r.messages:>6}{r.rate:>9.1f}{ratio:>8.2f}"
            f"{r.creates:>9}{r.refused_429:>7}{r.violations:>7}{r.once:>6}{r.lost:>6}"
            f"{r.doubled:>5}"
        )
    return "\n".join(lines)


def pacing_table(results: list[Run], rate: int) -> str:
    lines = [f"{'backend':<12}{'From':<14}{'201s':>6}{'achieved/s':>12}{'max in 1 s':>12}"]
    for r in results:
        for key, (count, achieved, busiest) in r.per_number.items():
            if r.name.startswith("stand-in,") and "per number" in r.name:
                lines.append(f"{r.backend:<12}{key:<14}{count:>6}{achieved:>12.2f}{busiest:>12}")
    return "\n".join(lines) + f"\n(limit: {rate}/s per number)"


def verdicts(results: list[Run], rate: int) -> list[str]:
    out = []
    for r in results:
        if "per number" in r.name:
            fastest = max(achieved for _, achieved, _ in r.per_number.values())
            busiest = max(b for _, _, b in r.per_number.values())
            held = fastest <= rate and busiest <= rate and r.violations == 0
            out.append(
                f"{r.backend} paced: fastest number {fastest:.2f}/s, at most {busiest} in any "
                f"second, {r.violations} rate violations: "
                f"{'held' if held else 'NOT HELD'} (limit {rate}/s)"
            )
        if r.name.startswith("429 storm"):
            exact = r.once == r.messages and r.lost == 0 and r.doubled == 0
            out.append(
                f"{r.backend} storm: {r.once}/{r.messages} sent exactly once, lost {r.lost}, "
                f"doubled {r.doubled}, failed {r.statuses['failed']}: "
                f"{'met' if exact else 'MISSED'}"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small runs (under a minute)")
    parser.add_argument(
        "--postgres-url", help="PostgreSQL admin URL; a database is created and dropped"
    )
    parser.add_argument("--rate", type=int, default=RATE, help=f"per-number limit (default {RATE})")
    parser.add_argument(
        "--poll", type=float, default=POLL_SECONDS, help="idle wait between dispatch calls"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started = time.monotonic()
    print(machine(args.postgres_url), flush=True)
    print(
        f"dispatch_due(limit 50) back to back, every {args.poll:g} s when idle; "
        f"{NUMBERS} sending numbers; throughput runs {sizes.throughput} messages, paced "
        f"{NUMBERS} x {sizes.paced_per_number} at {args.rate}/s, storm {sizes.storm}.",
        flush=True,
    )
    results: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-dispatch-") as workdir:
        url = f"sqlite:///{Path(workdir) / 'inbox.db'}"
        results += measure(url, "SQLite", sizes, args.poll, args.rate)
    if args.postgres_url:
        with postgres_database(args.postgres_url) as url:
            results += measure(url, "PostgreSQL", sizes, args.poll, args.rate)

    print_report(
        [table(results), pacing_table(results, args.rate)], verdicts(results, args.rate), started
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
