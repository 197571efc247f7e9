"""One configuration of the end-to-end soak (`bench/e2e.py`): seed a fresh database, start the
real processes (`inbox ingest [--workers N]`, M `inbox pipeline` with the log sender), send
mixed signed traffic through the simulator for a fixed time at a fixed rate, wait for the
pipeline to drain, stop everything, then measure (`bench.e2e_measure`)."""

from __future__ import annotations

import os
import random
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from bench import reconcile
from bench.ingest import clean_env, free_port, inbox_ingest, serve
from bench.pipeline_processes import pipelines
from bench.pipeline_workload import SLUG, prepare
from data import workspaces
from data.db import dispose_engines, get_engine
from inbox.simulate import SimulationReport, SimulationSecrets, SimulationTargets, run_simulation
from inbox.simulate.payloads import WIDGET_ORIGIN

ACCOUNT_SID = "AC" + "e2" * 16
#: Webhook secrets set in the ingest's environment, so every request is really verified.
SECRETS = SimulationSecrets(
    twilio_account_sid=ACCOUNT_SID,
    twilio_auth_token="e2e0auth0token000000000000000000",
    mailgun_signing_key="key-e2e0mailgun0signing0key000000",
    webhook_secret="e2e-voice-and-raw-mime-secret",
)
CONCURRENCY = 16
WARM_UP_RATE = 5.0
WARM_UP_SECONDS = 3.0
POLL_SECONDS = 0.2
STARTUP_SECONDS = 60.0
#: One workspace stands in for many businesses: at these rates the replies of one number
#: would queue behind SMS's 1/s default pace per sending address, which measures the pace,
#: not the system. (Pacing has its own benchmark, bench/dispatch.py.)
UNPACED = 1000.0


@dataclass(frozen=True)
class Config:
    name: str
    postgres: bool
    ingest_workers: int
    pipeline_workers: int
    rate: float
    seconds: float

    @property
    def tag(self) -> str:
        return "".join(c if c.isalnum() else "_" for c in self.name.lower()).strip("_")


@dataclass
class Traffic:
    """What was sent and when it drained."""

    warm_up: SimulationReport
    report: SimulationReport
    #: Seconds from the last request's answer until nothing was pending (None: timed out).
    drain_seconds: float | None
    load_before: float
    load_after: float


def seed(url: str) -> SimulationTargets:
    """Migrate, create the answering workspace (`bench.pipeline_workload.prepare`: channels on
    every provider, the demo knowledge base, open around the clock, a large SMS allowance),
    take pacing off and let the simulator's widget origin in; returns its addresses."""
    prepare(url)
    with Session(get_engine(url)) as session:
        workspace = workspaces.by_slug(session, SLUG)
        assert workspace is not None and workspace.id is not None
        for channel in workspaces.channels(session, workspace.id):
            extra: dict[str, object] = {"max_per_second": UNPACED}
            if channel.kind == "webchat":
                extra["allowed_origins"] = [WIDGET_ORIGIN]
            channel.config = {**channel.config, **extra}
            session.add(channel)
        session.commit()
        targets = SimulationTargets.from_channels(workspaces.channels(session, workspace.id))
    dispose_engines()
    return targets


def ingest_env(url: str) -> dict[str, str]:
    return clean_env(
        INBOX_DATABASE_URL=url,
        INBOX_TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        INBOX_TWILIO_AUTH_TOKEN=SECRETS.twilio_auth_token or "",
        INBOX_MAILGUN_SIGNING_KEY=SECRETS.mailgun_signing_key or "",
        INBOX_WEBHOOK_SECRET=SECRETS.webhook_secret or "",
        INBOX_SECRET_KEY="e2e-webchat-token-signing-secret",
        # The whole load comes from one address; the limits are for the public internet.
        INBOX_WEBCHAT_RATE_LIMITS="false",
        INBOX_LOG_LEVEL="WARNING",
    )


def pending(engine: Engine) -> int:
    """Work left: untriaged messages, replies due, outbox rows queued or sending."""
    with Session(engine) as session:
        return (
            len(reconcile.untriaged(session))
            + len(reconcile.replies_due(session))
            + len(reconcile.outbox_pending(session))
        )


def wait_drained(engine: Engine, timeout: float, processes: list[subprocess.Popen]) -> bool:
    """Poll until nothing is pending; False on timeout. A process that exits ends the run."""
    deadline = time.monotonic() + timeout
    while pending(engine):
        dead = [p.pid for p in processes if p.poll() is not None]
        if dead:
            raise SystemExit(f"process {dead} exited during the run")
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def wait_started(logs: list[Path], processes: list[subprocess.Popen]) -> None:
    """Until every pipeline has logged that its jobs are scheduled."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while not all(p.exists() and "pipeline started" in p.read_text() for p in logs):
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            raise SystemExit(f"a pipeline did not start; see {logs}")
        time.sleep(POLL_SECONDS)


def simulate(
    base: str, targets: SimulationTargets, rate: float, seconds: float, seed_: int
) -> SimulationReport:
    return run_simulation(
        base,
        "mixed",
        max(int(rate * seconds), 1),
        rate,
        targets,
        SECRETS,
        seed=seed_,
        timeout=30.0,
        concurrency=CONCURRENCY,
    )


def run(config: Config, url: str, workdir: Path, drain_timeout: float) -> Traffic:
    """Seed `url`, run the processes and the traffic; the logs stay in `workdir`
    (`<tag>.ingest.log`, `<tag>-<i>.log` per pipeline)."""
    targets = seed(url)
    engine = get_engine(url)
    port = free_port()
    command = [*inbox_ingest(port), "--workers", str(config.ingest_workers)]
    ingest_log = workdir / f"{config.tag}.ingest.log"
    # The pipelines log at INFO (the default): the log sender's line per send is evidence.
    workers = config.pipeline_workers
    with (
        serve(command, ingest_env(url), workdir, port, log=ingest_log) as base,
        pipelines(url, workers, workdir, config.tag, INBOX_LOG_LEVEL="INFO") as procs,
    ):
        logs = [workdir / f"{config.tag}-{i}.log" for i in range(config.pipeline_workers)]
        wait_started(logs, procs)
        # A few messages first, so imports, pools and first-time work are not in the figures.
        warm_up = simulate(base, targets, WARM_UP_RATE, WARM_UP_SECONDS, random.randrange(10**6))
        wait_drained(engine, drain_timeout, procs)
        load_before = os.getloadavg()[0]
        report = simulate(base, targets, config.rate, config.seconds, 20261125)
        stopped = time.monotonic()
        drained = wait_drained(engine, drain_timeout, procs)
        drain = time.monotonic() - stopped if drained else None
        load_after = os.getloadavg()[0]
        time.sleep(0.5)  # the last log lines
    dispose_engines()
    return Traffic(warm_up, report, drain, load_before, load_after)
