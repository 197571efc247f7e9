"""Ingest throughput and latency: signed Twilio SMS webhooks per second into SQLite and into
PostgreSQL, against a bare FastAPI endpoint measured in the same run on the same server settings.

Every server is a real process (`inbox ingest`, or uvicorn running `bench.bare_app`: uvloop,
httptools, one worker, logging at WARNING, on this host) and the load is the real simulator
(`inbox.simulate.run_simulation`, open loop, requests signed with the auth token the ingest
verifies). For each server:

- peak: the offered rate doubles from START_RATE until a step fails, then is bisected; a step
  passes when every request is answered 2xx and the answered rate (2xx per second of the
  step's wall time) is at least 95% of the offered rate. The peak is the highest passing rate.
- latency: p50 and p99 over a longer run at half the peak.

Targets (the issue's): ingest at least 40% of the bare endpoint's peak; p99 under 50 ms at
half of peak. The load generator shares the machine with the server, so the bare endpoint's
peak is also the ceiling of what can be measured here.

    python -m bench.ingest [--quick] [--postgres-url postgresql://postgres@127.0.0.1/postgres]

With --postgres-url (an admin URL) a database is created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlmodel import Session

from bench.scratch import machine, postgres_database, print_report
from data import workspaces
from data.db import dispose_engines, get_engine
from data.demo import seed
from data.demo.content import BUSINESS
from data.migrate import upgrade
from inbox.simulate import SimulationReport, SimulationSecrets, SimulationTargets, run_simulation

REPO = Path(__file__).resolve().parent.parent
AUTH_TOKEN = "bench0auth0token0000000000000000"
ACCOUNT_SID = "AC" + "be" * 16
START_RATE = 100.0
MAX_RATE = 6400.0
BISECT_STEPS = 2
PASS_SHARE = 0.95
CONCURRENCY = 16
TARGET_SHARE = 0.40
TARGET_P99_MS = 50.0
READY_SECONDS = 60


@dataclass(frozen=True)
class Durations:
    step_seconds: float
    latency_seconds: float


FULL = Durations(step_seconds=3.0, latency_seconds=10.0)
QUICK = Durations(step_seconds=1.0, latency_seconds=3.0)


@dataclass
class Step:
    rate: float
    report: SimulationReport

    @property
    def answered_rate(self) -> float:
        elapsed = self.report.elapsed_seconds
        return self.report.accepted / elapsed if elapsed > 0 else 0.0

    @property
    def passed(self) -> bool:
        clean = self.report.errors == 0 and self.report.rejected == 0
        return clean and self.answered_rate >= PASS_SHARE * self.rate

    def line(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        return (
            f"    offered {self.rate:7.0f}/s  answered {self.answered_rate:7.1f}/s  "
            f"errors {self.report.errors + self.report.rejected:4d}  "
            f"p50 {self.report.p50():6.1f} ms  p99 {self.report.p99():7.1f} ms  {verdict}"
        )


@dataclass
class Result:
    name: str
    peak: float = 0.0
    steps: list[Step] = field(default_factory=list)
    latency: SimulationReport | None = None


# --- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**settings: str) -> dict[str, str]:
    """This environment without the developer's INBOX_* settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
    return {**env, "PYTHONUNBUFFERED": "1", **settings}


@contextmanager
def serve(
    command: list[str], env: dict[str, str], cwd: Path, port: int, log: Path | None = None
) -> Iterator[str]:
    """Run a server process (its own session) until the block ends; yields its base URL once
    /healthz answers 200. With `log`, its output goes to that file (a long run's tracebacks
    would fill an unread pipe and block the server)."""
    base = f"http://127.0.0.1:{port}"
    out = log.open("wb") if log else subprocess.PIPE
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL if log is None else out,
        stderr=out if log is None else subprocess.STDOUT,
        start_new_session=True,
    )
    if log is not None:
        out.close()  # the child holds its own copy

    def output() -> str:
        text = log.read_bytes() if log else process.stderr.read()
        return text.decode(errors="replace")[-2000:]

    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command} exited: {output()}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{command} did not answer /healthz in {READY_SECONDS} s")
            time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def uvicorn_bare(port: int) -> list[str]:
    """The bare app under the settings `inbox.processes.run_ingest` gives uvicorn."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--proxy-headers",
        "--log-level",
        "warning",
    ]


def inbox_ingest(port: int) -> list[str]:
    return [sys.executable, "-m", "inbox", "ingest", "--port", str(port)]


# --- databases -----------------------------------------------------------------------------


def prepare(url: str) -> SimulationTargets:
    """Migrate `url`, load the demo workspace, and return its addresses."""
    upgrade(url)
    with Session(get_engine(url)) as session:
        seed.seed(session)
        session.commit()
        workspace = workspaces.by_slug(session, BUSINESS["slug"])
        targets = SimulationTargets.from_channels(workspaces.channels(session, workspace.id))
    dispose_engines()
    return targets


# --- measuring -----------------------------------------------------------------------------


def send(base: str, rate: float, seconds: float, targets: SimulationTargets) -> SimulationReport:
    secrets = SimulationSecrets(ACCOUNT_SID, AUTH_TOKEN, None, None)
    count = max(int(rate * seconds), 20)
    return run_simulation(
        base, "sms", count, rate, targets, secrets, timeout=10.0, concurrency=CONCURRENCY
    )


def measure(name: str, base: str, targets: SimulationTargets, durations: Durations) -> Result:
    result = Result(name)
    print(f"  {name}", flush=True)
    send(base, 50, 1.0, targets)  # warm-up: imports, pools, caches

    def step(rate: float) -> bool:
        taken = Step(rate, send(base, rate, durations.step_seconds, targets))
        result.steps.append(taken)
        print(taken.line(), flush=True)
        time.sleep(0.5)  # let the server drain before the next step
        return taken.passed

    rate, failed = START_RATE, None
    while rate <= MAX_RATE:
        if not step(rate):
            failed = rate
            break
        result.peak = rate
        rate *= 2
    if failed is not None:
        low, high = result.peak, failed
        for _ in range(BISECT_STEPS):
            middle = (low + high) / 2 if low else high / 2
            if step(middle):
                low = result.peak = middle
            else:
                high = middle
    half = (result.peak or START_RATE / 2) / 2
    result.latency = send(base, half, durations.latency_seconds, targets)
    print(f"    at half of peak ({half:.0f}/s): {result.latency.summary()}", flush=True)
    return result


# --- the report ----------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    bare = results[0].peak or 1.0
    lines = [
        f"{'server':<22}{'peak req/s':>11}{'% of bare':>11}{'half-peak':>11}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}",
    ]
    for r in results:
        report = r.latency
        assert report is not None
        lines.append(
            f"{r.name:<22}{r.peak:>11.0f}{100 * r.peak / bare:>10.0f}%{r.peak / 2:>11.0f}"
            f"{report.p50():>9.1f}{report.p99():>9.1f}{report.errors + report.rejected:>8d}"
        )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    bare = results[0].peak or 1.0
    out = []
    for r in results[1:]:
        assert r.latency is not None
        share, p99 = r.peak / bare, r.latency.p99()
        out.append(
            f"{r.name}: throughput {100 * share:.0f}% of bare "
            f"({'met' if share >= TARGET_SHARE else 'MISSED'}, target >= {100 * TARGET_SHARE:.0f}%)"
            f"; p99 at half of peak {p99:.1f} ms "
            f"({'met' if p99 < TARGET_P99_MS else 'MISSED'}, target < {TARGET_P99_MS:.0f} ms)"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short steps (about a minute)")
    parser.add_argument(
        "--postgres-url", help="PostgreSQL admin URL; a database is created and dropped"
    )
    args = parser.parse_args(argv)
    durations = QUICK if args.quick else FULL
    started = time.monotonic()
    print(machine(args.postgres_url), flush=True)
    print(
        f"Load: `inbox simulate` SMS, signed (HMAC-SHA1), open loop, at most {CONCURRENCY} in "
        f"flight; {durations.step_seconds:g} s per step, {durations.latency_seconds:g} s at "
        "half of peak.",
        flush=True,
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-") as workdir:
        work = Path(workdir)
        sqlite_url = f"sqlite:///{work / 'inbox.db'}"
        targets = prepare(sqlite_url)

        port = free_port()
        with serve(uvicorn_bare(port), clean_env(), REPO, port) as base:
            results.append(measure("bare FastAPI", base, targets, durations))

        databases = [("ingest, SQLite", sqlite_url)]
        postgres = postgres_database(args.postgres_url) if args.postgres_url else nullcontext()
        with postgres as postgres_url:
            if postgres_url:
                prepare(postgres_url)
                databases.append(("ingest, PostgreSQL", postgres_url))
            for name, url in databases:
                port = free_port()
                env = clean_env(
                    INBOX_DATABASE_URL=url,
                    INBOX_TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                    INBOX_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
                    INBOX_LOG_LEVEL="WARNING",
                )
                with serve(inbox_ingest(port), env, work, port) as base:
                    results.append(measure(name, base, targets, durations))

    print_report([table(results)], verdicts(results), started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
