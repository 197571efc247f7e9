"""`inbox pipeline`: the APScheduler process. Each job returns how much work it did;
`--once` runs every job until none has work left, then exits (for cron and batch use)."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from data.db import error_summary, get_engine
from pipeline.automations import run_automations
from pipeline.calls import place_requested_calls
from pipeline.claims import release_answering, release_queued
from pipeline.dispatch import dispatch_due, recover_stuck_sends
from pipeline.housekeeping import forget_old_webhook_tokens, refresh_planner_statistics
from pipeline.lead_cooling import cool_silent_leads
from pipeline.reply import reply_due
from pipeline.senders.router import Senders
from pipeline.triage import triage_due

log = logging.getLogger("inbox.pipeline")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Engine], int]
    every_seconds: float
    #: A daily job's hour (server local time) instead of an interval.
    daily_at_hour: int | None = None
    #: Upkeep rather than work: also run as the process starts, and only once (first) in
    #: `run_once`, whose rounds repeat the other jobs until none has work.
    upkeep: bool = False
    #: Run before the job's next run when a run failed on the database: gives back the work
    #: it had claimed (see `pipeline.claims.release_answering`).
    recover: Callable[[Engine], int] | None = None
    #: A run that did work is followed at once by another, until one finds none or the
    #: process is stopping, instead of by the next tick: a backlog drains without a pause
    #: (up to a tick) after every run.
    again_while_busy: bool = False


#: One run of the answering job drains the queue for at most this long, then returns (its
#: work is logged, and a stopping process can stop); a busy job runs again at once.
ANSWER_TICK_SECONDS = 2.0


def answer_inbound(engine: Engine) -> int:
    """Triage, then reply, repeated while there is work: a message that arrives is answered
    within one tick instead of waiting for two schedules."""
    done = 0
    started = time.monotonic()
    while time.monotonic() - started < ANSWER_TICK_SECONDS:
        worked = triage_due(engine) + reply_due(engine)
        done += worked
        if not worked:
            break
    return done


def jobs() -> list[Job]:
    senders = Senders()
    return [
        Job("answer", answer_inbound, 0.25, recover=release_answering, again_while_busy=True),
        Job("dispatch", lambda engine: dispatch_due(engine, senders), 0.5, recover=release_queued),
        Job("calls", place_requested_calls, 1.0),
        Job("automations", run_automations, 60.0),
        Job("stuck_sends", recover_stuck_sends, 60.0),
        Job("lead_cooling", cool_silent_leads, 86400.0, daily_at_hour=3),
        Job("webhook_tokens", forget_old_webhook_tokens, 3600.0),
        Job("planner_statistics", refresh_planner_statistics, 3600.0, upkeep=True),
    ]


def run_once(engine: Engine | None = None, max_rounds: int = 1000) -> dict[str, int]:
    """Run every job until none reports work (bounded by `max_rounds`); returns totals."""
    engine = engine or get_engine()
    scheduled = jobs()
    totals = {job.name: 0 for job in scheduled}
    for job in scheduled:
        if job.upkeep:
            totals[job.name] += job.run(engine)
    for _ in range(max_rounds):
        busy = False
        for job in (job for job in scheduled if not job.upkeep):
            done = job.run(engine)
            totals[job.name] += done
            busy = busy or done > 0
        if not busy:
            break
    return totals


def run_forever() -> None:
    """Run the jobs on their schedules until SIGINT/SIGTERM."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    engine = get_engine()
    # APScheduler logs every tick at INFO; our jobs log the work they do.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    quiet_skipped_ticks()
    stopping = threading.Event()
    scheduler = BlockingScheduler()
    scheduled = jobs()
    for job in scheduled:
        trigger: dict = (
            {"trigger": "cron", "hour": job.daily_at_hour}
            if job.daily_at_hour is not None
            else {"trigger": "interval", "seconds": job.every_seconds}
        )
        scheduler.add_job(
            _logged(job, engine, stopping),
            **trigger,
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            **({"next_run_time": datetime.now(UTC)} if job.upkeep else {}),
        )
    # SIGTERM (from `inbox up`, systemd) stops the scheduler the same way Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (stopping.set(), scheduler.shutdown(wait=False)))
    log.info("pipeline started with jobs: %s", ", ".join(j.name for j in scheduled))
    try:
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
    finally:
        # The process waits for running jobs as it exits: a draining job ends its run.
        stopping.set()
    log.info("pipeline stopped")


class _SkippedTick(logging.Filter):
    """Drops APScheduler's warning that a job's tick came while its previous run was still
    working: every job runs one instance at a time by design, and a busy answering job would
    log it four times a second."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith('Execution of job "%s" skipped')


def quiet_skipped_ticks() -> None:
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, _SkippedTick) for f in scheduler_log.filters):
        scheduler_log.addFilter(_SkippedTick())


def _logged(
    job: Job, engine: Engine, stopping: threading.Event | None = None
) -> Callable[[], None]:
    failed_on_database = False

    def run() -> None:
        while one_run() and job.again_while_busy:
            if stopping is not None and stopping.is_set():
                return

    def one_run() -> int:
        """How much work one run of the job did (0 when it failed)."""
        nonlocal failed_on_database
        try:
            if failed_on_database and job.recover is not None:
                taken_back = job.recover(engine)
                if taken_back:
                    log.info("job %s: took back %d claims of its failed run", job.name, taken_back)
            failed_on_database = False
            done = job.run(engine)
        except OperationalError as error:
            failed_on_database = True
            # The database is unreachable or restarting: every tick of every job fails the same
            # way until it is back, so one line each, not a traceback (a one-minute restart
            # logged some 25,000 traceback lines a process). SQLAlchemy has dropped the dead
            # connections; the next tick reconnects.
            log.error(
                "job %s: database unavailable (%s); it runs again on its next tick",
                job.name,
                error_summary(error),
            )
            return 0
        except Exception:
            log.exception("job %s failed; it runs again on its next tick", job.name)
            return 0
        if done:
            log.info("%s: %d", job.name, done)
        return done

    return run
