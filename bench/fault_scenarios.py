"""The fault scenarios, one function each: customers write in through ingest (SMS and email
webhooks, retried by the providers until answered), the fault is injected mid-run and held for
the outage, then cleared; the run waits for everything pending to finish and reconciles.

| name | the fault | cleared by |
| --- | --- | --- |
| ingest-kill | SIGKILL of `inbox ingest` (its process group) | starting it again (systemd) |
| pipeline-kill | SIGKILL of one of two `inbox pipeline` processes | starting it again |
| postgres-restart | PostgreSQL stopped (`pg_ctl stop -m fast`) | `pg_ctl start` |
| postgres-crash | PostgreSQL killed (`pg_ctl stop -m immediate`: crash recovery) | `pg_ctl start` |
| twilio-errors | the Twilio API answers 500 and 429 in turn | answering 201 again |
| smtp-down | the SMTP server stopped (connections refused) | started on the same port |
| ai-timeout | the AI backend answers slower than `ai_timeout_seconds` | answering at once |

The two PostgreSQL scenarios run on a private cluster (`bench.private_postgres`); the others on
a scratch database of the shared server."""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from bench.fault_checks import (
    Reconciliation,
    backoff_violations,
    outbound_rows,
    pending,
    reconcile_run,
)
from bench.fault_rig import PUBLIC_URL, Rig, SlowAI, prepare_database, secrets, wait_until
from bench.fault_traffic import Traffic
from bench.private_postgres import private_postgres
from bench.scratch import postgres_database
from data.db import dispose_engines, get_engine
from data.models import Message
from data.settings import Settings
from data.vocab import SenderKind
from inbox.simulate import SimulationTargets
from pipeline.dispatch import recover_stuck_sends


@dataclass(frozen=True)
class Plan:
    """The timeline: traffic for `warmup` s, the fault held `outage` s, traffic for `after`
    s more; `rate` webhooks a second throughout."""

    warmup: float
    outage: float
    after: float
    rate: float
    #: INBOX_PIPELINE_LEASE_SECONDS for the pipelines (None: the product's 120 s).
    lease: float | None = None
    #: Housekeeping's `stuck_sends` runs every minute; a short run calls it itself once the
    #: rest has drained (the same function), a full run waits for the job.
    run_housekeeping: bool = False
    ai_timeout: float = 1.0
    ai_retries: int = 1
    drain_limit: float = 300.0

    @property
    def count(self) -> int:
        return round(self.rate * (self.warmup + self.outage + self.after))


FULL = Plan(warmup=15, outage=60, after=15, rate=4, ai_timeout=5, ai_retries=2, drain_limit=600)
QUICK = Plan(warmup=3, outage=5, after=3, rate=6, lease=5, run_housekeeping=True, drain_limit=120)
TEST = Plan(warmup=2, outage=3, after=1, rate=6, lease=3, run_housekeeping=True, drain_limit=90)


@dataclass
class Result:
    name: str
    fault: str
    reconciliation: Reconciliation
    drain_seconds: float
    load_before: float
    load_after: float
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.reconciliation.passed


@contextmanager
def shared_database(admin_url: str) -> Iterator[str]:
    with postgres_database(admin_url) as url:
        yield url


def _drained(engine: Engine, traffic: Traffic, plan: Plan, surfaced: list[int]) -> bool:
    try:
        if plan.run_housekeeping:
            surfaced.append(recover_stuck_sends(engine))
        return traffic.done and not any(pending(engine).values())
    except OperationalError:  # a connection the restarted server dropped: ask again
        return False


def _drive(
    rig: Rig,
    plan: Plan,
    targets: SimulationTargets,
    inject: Callable[[], None],
    clear: Callable[[], None],
    notes: list[str],
) -> tuple[Traffic, float]:
    """Traffic, the fault, its end, then the drain; returns the traffic and the seconds from
    the fault's end to nothing pending."""
    engine = get_engine(rig.database_url)
    traffic = Traffic(rig.base_url, PUBLIC_URL, targets, secrets(), plan.count, plan.rate)
    traffic.start()
    surfaced: list[int] = []
    cleared = time.monotonic()
    try:
        time.sleep(plan.warmup)
        inject()
        time.sleep(plan.outage)
        clear()
        cleared = time.monotonic()
        wait_until(
            "drain", lambda: _drained(engine, traffic, plan, surfaced), plan.drain_limit, 0.2
        )
    except TimeoutError:
        traffic.stop()
        notes.append(f"not drained within {plan.drain_limit:.0f} s: {pending(engine)}")
    except BaseException:  # Ctrl-C, a failed injection: no provider keeps retrying
        traffic.stop()
        raise
    rig.drained_at = time.monotonic()
    if sum(surfaced):
        notes.append(f"housekeeping (run by the harness) surfaced {sum(surfaced)} stuck sends")
    return traffic, time.monotonic() - cleared


def _finish(
    name: str, fault: str, rig: Rig, traffic: Traffic, drain: float, load: float, notes: list[str]
) -> Result:
    engine = get_engine(rig.database_url)
    result = reconcile_run(engine, traffic, rig.twilio, rig.mailbox)
    result.check("no process died or wedged", rig.dead())
    result.figures["drain after clear (s)"] = round(drain, 1)
    if traffic.finished_at is not None and rig.drained_at is not None:
        # From the last webhook answered (traffic goes on `after` s past the clear, and the
        # providers' retries longer) to nothing pending.
        tail = rig.drained_at - traffic.finished_at
        result.figures["drain after last webhook (s)"] = round(max(tail, 0.0), 1)
    return Result(name, fault, result, drain, load, os.getloadavg()[0], notes)


def _standard(
    name: str,
    fault: str,
    plan: Plan,
    workdir: Path,
    url: str,
    setup: Callable[[Rig], tuple[Callable[[], None], Callable[[], None]]],
    ai: SlowAI | None = None,
    after: Callable[[Rig, Reconciliation], None] | None = None,
) -> Result:
    load = os.getloadavg()[0]
    targets = prepare_database(url)
    notes: list[str] = []
    rig = Rig(
        workdir,
        url,
        lease_seconds=plan.lease,
        ai=ai,
        ai_timeout=plan.ai_timeout,
        ai_retries=plan.ai_retries,
    )
    with rig:
        inject, clear = setup(rig)
        traffic, drain = _drive(rig, plan, targets, inject, clear, notes)
        result = _finish(name, fault, rig, traffic, drain, load, notes)
        if after is not None:
            after(rig, result.reconciliation)
    return result


# --- the scenarios ---------------------------------------------------------------------------


def ingest_kill(plan: Plan, workdir: Path, admin_url: str) -> Result:
    def setup(rig: Rig) -> tuple[Callable[[], None], Callable[[], None]]:
        return rig.ingest.kill, rig.restart_ingest

    with shared_database(admin_url) as url:
        return _standard("ingest-kill", "SIGKILL of inbox ingest", plan, workdir, url, setup)


def pipeline_kill(plan: Plan, workdir: Path, admin_url: str) -> Result:
    held: list[str] = []

    def setup(rig: Rig) -> tuple[Callable[[], None], Callable[[], None]]:
        victim = rig.pipelines[0]

        def leases() -> list[str]:
            with Session(get_engine(rig.database_url)) as session:
                return list(
                    session.exec(
                        select(Message.status).where(
                            col(Message.lease_owner).endswith(f":{victim.pid}")
                        )
                    )
                )

        def kill() -> None:
            # Killed at a moment it holds work (claimed messages or sends), if that comes
            # within 10 s: at a few messages a second a pipeline is mostly idle.
            deadline = time.monotonic() + 10
            while not (leased := leases()) and time.monotonic() < deadline:
                time.sleep(0.01)
            victim.kill()
            held.append(f"the killed pipeline held {len(leased)} leases: {dict(Counter(leased))}")

        return kill, victim.start

    with shared_database(admin_url) as url:
        result = _standard(
            "pipeline-kill", "SIGKILL of one of two pipelines", plan, workdir, url, setup
        )
    result.notes = held + result.notes
    return result


def _postgres(mode: str, plan: Plan, workdir: Path) -> Result:
    name = "postgres-restart" if mode == "fast" else "postgres-crash"
    fault = f"PostgreSQL stopped (-m {mode}) and started again"
    with private_postgres() as cluster:
        url = cluster.create_database(f"inbox_{uuid.uuid4().hex[:8]}")

        def setup(rig: Rig) -> tuple[Callable[[], None], Callable[[], None]]:
            return (lambda: cluster.stop(mode)), cluster.start  # type: ignore[arg-type]

        result = _standard(name, fault, plan, workdir, url, setup)
        dispose_engines()  # before the cluster goes
    return result


def postgres_restart(plan: Plan, workdir: Path, admin_url: str) -> Result:
    return _postgres("fast", plan, workdir)


def postgres_crash(plan: Plan, workdir: Path, admin_url: str) -> Result:
    return _postgres("immediate", plan, workdir)


def twilio_errors(plan: Plan, workdir: Path, admin_url: str) -> Result:
    def setup(rig: Rig) -> tuple[Callable[[], None], Callable[[], None]]:
        def flip(failing: bool) -> Callable[[], None]:
            return lambda: setattr(rig.twilio, "failing", failing)

        return flip(True), flip(False)

    def backoff(rig: Rig, result: Reconciliation) -> None:
        with Session(get_engine(rig.database_url)) as session:
            rows = outbound_rows(session)
        result.check("retries wait the backoff", backoff_violations(rows, rig.twilio))

    with shared_database(admin_url) as url:
        return _standard(
            "twilio-errors", "Twilio API answers 500/429", plan, workdir, url, setup, after=backoff
        )


def smtp_down(plan: Plan, workdir: Path, admin_url: str) -> Result:
    def setup(rig: Rig) -> tuple[Callable[[], None], Callable[[], None]]:
        return rig.mailbox.stop, rig.mailbox.start

    def waited(rig: Rig, result: Reconciliation) -> None:
        with Session(get_engine(rig.database_url)) as session:
            rows = outbound_rows(session)
        emails = [m for m in rows if m.channel == "email"]
        retried = [m.id for m in emails if m.attempts > 1]
        alerts = [m for m in emails if m.meta.get("purpose") == "alert"]
        result.figures |= {"emails retried": len(retried), "email alerts": len(alerts)}
        result.check("some email waited for the server", [] if retried else ["none retried"])

    with shared_database(admin_url) as url:
        return _standard("smtp-down", "SMTP server down", plan, workdir, url, setup, after=waited)


def ai_timeout(plan: Plan, workdir: Path, admin_url: str) -> Result:
    ai = SlowAI(delay=plan.ai_timeout * 3)

    def setup(rig: Rig) -> tuple[Callable[[], None], Callable[[], None]]:
        return (lambda: ai.set_failing(True)), (lambda: ai.set_failing(False))

    def sources(rig: Rig, result: Reconciliation) -> None:
        with Session(get_engine(rig.database_url)) as session:
            rows = outbound_rows(session)
        replies = Counter(
            (m.meta.get("ai") or {}).get("source", "?")
            for m in rows
            if m.sender_kind == SenderKind.AI and m.meta.get("purpose") == "ai_reply"
        )
        model = replies.pop(Settings().ai_model, 0)  # the model's replies carry its name
        result.figures |= {
            "AI calls": len(ai.requests),
            "replies from the model": model,
            "replies from the offline fallback": sum(replies.values()),
        }

    with shared_database(admin_url) as url:
        return _standard(
            "ai-timeout", "AI slower than its timeout", plan, workdir, url, setup, ai, sources
        )


SCENARIOS: dict[str, Callable[[Plan, Path, str], Result]] = {
    "ingest-kill": ingest_kill,
    "pipeline-kill": pipeline_kill,
    "postgres-restart": postgres_restart,
    "postgres-crash": postgres_crash,
    "twilio-errors": twilio_errors,
    "smtp-down": smtp_down,
    "ai-timeout": ai_timeout,
}
