"""Pipeline throughput and latency: inbound messages per second through triage and reply with
one pipeline process (SQLite, PostgreSQL) and two (PostgreSQL), and the time from the
webhook's 2xx to the reply being queued.

Every pipeline is a real `inbox pipeline` process (APScheduler: the answering job every
0.25 s, dispatch with the log sender every 0.5 s; logging at WARNING) on a fresh database
holding one workspace answering from the demo knowledge base (40 entries), open around the
clock, with an alert phone and email. Messages are stored the way ingest stores them
(`data.inbound.receive`, `created_at` = the moment of the commit ingest answers 2xx after),
from customers spread over SMS, WhatsApp, web chat and email, with phrasings from
`bench/eval_data/brightwater_messages.jsonl`: mostly FAQ questions and bookings, some thanks,
people asking for a person (escalated at triage) and short greetings (fragments: unless they
answer the business, triage makes their reply wait 4 s for the rest of a burst).

- throughput: N messages are stored first, then the pipeline process(es) start. Messages per
  second = N / (time from the first triage until every message is triaged and every
  non-fragment has had its reply handled: `triaged_at` set, `reply_due_at` NULL). The time
  until the fragments are handled too is reported beside it.
- latency: then, with the same processes running, a thread stores messages open loop at half
  the one-process throughput of that database (each in its own transaction, like ingest) for
  a fixed time. Latency = the reply's `created_at` (the AI reply or the holding reply, i.e.
  queued in the outbox) minus the inbound message's `created_at`; p50/p99 over messages that
  got a reply of their own. Fragments held for a burst (a reply 4 s or more after a
  fragment) are reported separately, since they wait by design; messages whose reply was
  carried by a later message of the same burst have none.

Targets (the issue's): 200 messages/s on one process, p50 under 1 s, two processes at least
1.6x one (PostgreSQL; SQLite runs one pipeline process).

    python -m bench.pipeline [--quick] [--postgres-url postgresql://postgres@127.0.0.1/postgres]
        [--messages N] [--py-spy DIR]

With --postgres-url (an admin URL) a database is created per configuration and dropped after
it. With --py-spy DIR, the first pipeline process of each configuration is profiled with
py-spy during the throughput phase (a flame graph per configuration in DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from data import knowledge, workspaces
from data.answers.intents import read as read_intents
from data.answers.triage import is_fragment
from data.clock import as_utc
from data.db import dispose_engines, get_engine, session_scope
from data.demo import content
from data.inbound import InboundMessage, receive
from data.migrate import upgrade
from data.models import Message
from pipeline.triage import BURST_WAIT

REPO = Path(__file__).resolve().parent.parent
EVAL_SET = REPO / "bench" / "eval_data" / "brightwater_messages.jsonl"
SLUG = "bench"
NUMBER = "+15125550100"
WHATSAPP = "+15125550101"
EMAIL = f"hello@{SLUG}.example"
WIDGET = f"wk_{SLUG}_widget"
ALWAYS_OPEN = {d: [["00:00", "23:59"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

#: Share of messages per category of the evaluation set.
MIX = {"faq": 0.70, "booking": 0.12, "thanks": 0.05, "person": 0.05, "greeting": 0.08}
#: Share of customers per channel.
CHANNELS = {"sms": 0.45, "whatsapp": 0.20, "webchat": 0.15, "email": 0.20}
MESSAGES_PER_CUSTOMER = 3
INSERT_BATCH = 200
POLL_SECONDS = 0.1
READY_SECONDS = 60
TARGET_RATE = 200.0
TARGET_P50 = 1.0
TARGET_SCALE = 1.6


@dataclass(frozen=True)
class Sizes:
    messages: int
    latency_seconds: float
    drain_timeout: float


FULL = Sizes(messages=2000, latency_seconds=30.0, drain_timeout=600.0)
QUICK = Sizes(messages=400, latency_seconds=10.0, drain_timeout=300.0)


# --- the workload --------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    channel: str
    address: str
    to: str
    name: str


@dataclass(frozen=True)
class Planned:
    customer: Customer
    body: str
    fragment: bool


def phrasings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in EVAL_SET.read_text().splitlines():
        if line.strip():
            item = json.loads(line)
            found.setdefault(item["category"], []).append(item["text"])
    return found


def customers(count: int, rng: random.Random, offset: int = 0) -> list[Customer]:
    """`count` customers, channels as in CHANNELS; addresses unique from `offset`."""
    first = [f"{n}" for n in ("Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo")]
    out = []
    kinds, weights = list(CHANNELS), list(CHANNELS.values())
    for i in range(offset, offset + count):
        kind = rng.choices(kinds, weights)[0]
        name = f"{first[i % len(first)]} {i}"
        if kind == "sms":
            out.append(Customer(kind, f"+1737{i:07d}", NUMBER, name))
        elif kind == "whatsapp":
            out.append(Customer(kind, f"+1738{i:07d}", WHATSAPP, name))
        elif kind == "webchat":
            out.append(Customer(kind, f"v_bench_{i:08d}", WIDGET, name))
        else:
            out.append(Customer(kind, f"customer{i}@mail.example", EMAIL, name))
    return out


def plan(count: int, people: list[Customer], rng: random.Random) -> list[Planned]:
    texts = phrasings()
    kinds, weights = list(MIX), list(MIX.values())
    out = []
    for _ in range(count):
        body = rng.choice(texts[rng.choices(kinds, weights)[0]])
        out.append(Planned(rng.choice(people), body, is_fragment(body, read_intents(body))))
    return out


def store(session: Session, planned: Planned, prefix: str, number: int) -> None:
    """One message the way ingest stores it; fragments' provider ids start with 'F'."""
    c = planned.customer
    receive(
        session,
        InboundMessage(
            channel=c.channel,
            to_address=c.to,
            from_address=c.address,
            body=planned.body,
            provider_id=f"{'F' if planned.fragment else 'M'}{prefix}{number:09d}",
            name=c.name,
            subject="Question" if c.channel == "email" else None,
        ),
    )


def prepare(url: str) -> None:
    """Migrate `url` and create the workspace."""
    upgrade(url)
    with Session(get_engine(url)) as session:
        workspace = workspaces.create(session, SLUG, "Bench Plumbing")
        workspaces.add_channel(session, workspace, "sms", NUMBER, "twilio", "AI number")
        workspaces.add_channel(session, workspace, "voice", NUMBER, "twilio", "AI number")
        workspaces.add_channel(session, workspace, "whatsapp", WHATSAPP, "twilio")
        workspaces.add_channel(session, workspace, "email", EMAIL, "mailgun")
        workspaces.add_channel(session, workspace, "webchat", WIDGET, "widget")
        workspace.business_hours = ALWAYS_OPEN
        workspace.timezone = "America/Chicago"
        workspace.alert_phone = "+15125550190"
        workspace.alert_email = f"owner@{SLUG}.example"
        workspace.sms_allowance = 10_000_000  # the allowance is not what is measured
        session.add(workspace)
        drafts = [
            knowledge.EntryDraft(k["question"], k["answer"], ",".join(k["tags"]))
            for k in content.KNOWLEDGE
        ]
        knowledge.import_entries(session, workspace.id, drafts)
        session.commit()


def preload(engine: Engine, planned: list[Planned]) -> None:
    for start in range(0, len(planned), INSERT_BATCH):
        with session_scope(engine, write=True) as session:
            for i, item in enumerate(planned[start : start + INSERT_BATCH], start):
                store(session, item, "T", i)


# --- processes -----------------------------------------------------------------------------


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
    return {**env, "PYTHONUNBUFFERED": "1", **settings}


@contextmanager
def pipelines(url: str, count: int, workdir: Path, name: str) -> Iterator[list[subprocess.Popen]]:
    """`count` `inbox pipeline` processes (each in its own session), stopped afterwards."""
    env = clean_env(INBOX_DATABASE_URL=url, INBOX_LOG_LEVEL="WARNING")
    processes = []
    for i in range(count):
        log = (workdir / f"{name}-{i}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "inbox", "pipeline"],
                cwd=workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextmanager
def py_spy(pid: int, out: Path | None) -> Iterator[None]:
    if out is None:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    recorder = subprocess.Popen(
        [spy, "record", "-r", "50", "-o", str(out), "--pid", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        try:
            recorder.wait(timeout=30)
        except subprocess.TimeoutExpired:
            recorder.kill()


# --- measuring -----------------------------------------------------------------------------

PENDING = (
    "SELECT "
    " COUNT(*) FILTER (WHERE triaged_at IS NULL),"
    " COUNT(*) FILTER (WHERE triaged_at IS NOT NULL AND reply_due_at IS NOT NULL"
    "   AND provider_id NOT LIKE 'F%'),"
    " COUNT(*) FILTER (WHERE reply_due_at IS NOT NULL)"
    " FROM message WHERE direction = 'inbound' AND provider_id LIKE :prefix"
)


def pending(engine: Engine, prefix: str) -> tuple[int, int, int]:
    """(untriaged, non-fragments due a reply, all due a reply) among messages whose provider
    id matches `prefix`."""
    with engine.connect() as conn:
        row = conn.execute(text(PENDING), {"prefix": prefix}).one()
    return int(row[0]), int(row[1]), int(row[2])


def wait_drained(
    engine: Engine, prefix: str, timeout: float, processes: list[subprocess.Popen]
) -> tuple[datetime, datetime]:
    """Poll until the messages matching `prefix` are done; returns (when the non-fragments
    were, when all were)."""
    deadline = time.monotonic() + timeout
    core_done: datetime | None = None
    while True:
        untriaged, core_due, due = pending(engine, prefix)
        now = datetime.now(UTC)
        if untriaged == 0 and core_due == 0 and core_done is None:
            core_done = now
        if untriaged == 0 and due == 0:
            assert core_done is not None
            return core_done, now
        dead = [p.pid for p in processes if p.poll() is not None]
        if dead:
            raise SystemExit(f"pipeline process {dead} exited during the run")
        if time.monotonic() > deadline:
            raise SystemExit(
                f"not drained in {timeout:.0f} s: {untriaged} untriaged, {due} due a reply"
            )
        time.sleep(POLL_SECONDS)


def first_triage(engine: Engine, prefix: str) -> datetime:
    with Session(engine) as session:
        value = session.exec(
            select(func.min(Message.triaged_at)).where(col(Message.provider_id).like(prefix))
        ).one()
    return as_utc(value)


@dataclass
class Throughput:
    messages: int
    fragments: int
    seconds: float
    seconds_all: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Latency:
    rate: float
    offered: int
    answered: list[float] = field(default_factory=list)
    fragments: list[float] = field(default_factory=list)
    without_own_reply: int = 0
    behind: float = 0.0

    def p(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Result:
    name: str
    processes: int
    throughput: Throughput | None = None
    latency: Latency | None = None
    job_errors: Counter[str] = field(default_factory=Counter)


def measure_throughput(
    engine: Engine, planned: list[Planned], processes: list[subprocess.Popen], timeout: float
) -> Throughput:
    core_done, all_done = wait_drained(engine, "_T%", timeout, processes)
    started = first_triage(engine, "_T%")
    return Throughput(
        messages=len(planned),
        fragments=sum(p.fragment for p in planned),
        seconds=(core_done - started).total_seconds(),
        seconds_all=(all_done - started).total_seconds(),
    )


def open_loop(engine: Engine, planned: list[Planned], rate: float) -> float:
    """Store `planned` at `rate` per second, each in its own transaction; returns how far
    behind schedule the last one was (seconds)."""
    started = time.monotonic()
    behind = 0.0
    for i, item in enumerate(planned):
        due = started + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            behind = -delay
        # As ingest does: on SQLite a write transaction begins IMMEDIATE.
        with session_scope(engine, write=True) as session:
            store(session, item, "L", i)
    return behind


def latencies(session: Session) -> list[tuple[str, datetime, datetime | None]]:
    """(provider id, stored at, reply queued at) of the latency phase's messages."""
    reply = aliased(Message)
    return list(
        session.exec(
            select(Message.provider_id, Message.created_at, reply.created_at)
            .join(
                reply,
                (reply.answers_message_id == Message.id) & (reply.sender_kind == "ai"),
                isouter=True,
            )
            .where(Message.direction == "inbound", col(Message.provider_id).like("_L%"))
        )
    )


def measure_latency(
    engine: Engine,
    rate: float,
    seconds: float,
    rng: random.Random,
    processes: list[subprocess.Popen],
    timeout: float,
) -> Latency:
    count = max(int(rate * seconds), 10)
    people = customers(max(count // MESSAGES_PER_CUSTOMER, 5), rng, offset=1_000_000)
    planned = plan(count, people, rng)
    behind: list[float] = []
    thread = threading.Thread(target=lambda: behind.append(open_loop(engine, planned, rate)))
    thread.start()
    thread.join()
    wait_drained(engine, "_L%", timeout, processes)
    result = Latency(rate=rate, offered=count, behind=behind[0] if behind else 0.0)
    with Session(engine) as session:
        for provider_id, received, replied in latencies(session):
            if replied is None:
                result.without_own_reply += 1
                continue
            delay = (as_utc(replied) - as_utc(received)).total_seconds()
            held = provider_id.startswith("F") and delay >= BURST_WAIT.total_seconds()
            (result.fragments if held else result.answered).append(delay)
    return result


def job_errors(workdir: Path, name: str) -> Counter[str]:
    """Failed job runs in the processes' logs, by job and exception (the traceback's last
    line)."""
    found: Counter[str] = Counter()
    for log in workdir.glob(f"{name}-*.log"):
        job = None
        for line in log.read_text(errors="replace").splitlines():
            failed = re.search(r"job (\w+) failed; it runs again", line)
            if failed:
                job = failed.group(1)
            elif job and re.match(r"^[\w.]+(Error|Exception|Deadlock\w*)\b", line):
                found[f"{job}: {line[:140]}"] += 1
                job = None
    return found


def run_config(
    name: str,
    url: str,
    processes: int,
    sizes: Sizes,
    workdir: Path,
    latency_rate: float | None,
    spy_dir: Path | None,
) -> Result:
    print(f"  {name}", flush=True)
    rng = random.Random(7)
    prepare(url)
    engine = get_engine(url)
    people = customers(max(sizes.messages // MESSAGES_PER_CUSTOMER, 5), rng)
    planned = plan(sizes.messages, people, rng)
    preload(engine, planned)
    result = Result(name, processes)
    tag = name.replace(" ", "_").replace(",", "")
    with pipelines(url, processes, workdir, tag) as procs:
        spy_out = spy_dir / f"{tag}.svg" if spy_dir else None
        with py_spy(procs[0].pid, spy_out):
            result.throughput = measure_throughput(engine, planned, procs, sizes.drain_timeout)
        t = result.throughput
        print(
            f"    throughput: {t.messages} messages ({t.fragments} possible fragments) in "
            f"{t.seconds:.1f} s = {t.rate:.1f}/s; with the fragments' 4 s wait "
            f"{t.seconds_all:.1f} s",
            flush=True,
        )
        rate = latency_rate if latency_rate is not None else max(t.rate / 2, 1.0)
        result.latency = measure_latency(
            engine, rate, sizes.latency_seconds, rng, procs, sizes.drain_timeout
        )
        lat = result.latency
        print(
            f"    latency at {rate:.1f}/s: p50 {lat.p(lat.answered, 0.5):.2f} s, "
            f"p99 {lat.p(lat.answered, 0.99):.2f} s over {len(lat.answered)} replies; "
            f"held fragments p50 {lat.p(lat.fragments, 0.5):.2f} s ({len(lat.fragments)}); "
            f"{lat.without_own_reply} without a reply of their own; inserts behind "
            f"schedule by {lat.behind:.2f} s at the end",
            flush=True,
        )
    result.job_errors = job_errors(workdir, tag)
    for error, count in result.job_errors.most_common(5):
        print(f"    job failures: {count} x {error}", flush=True)
    dispose_engines()
    return result


# --- databases -----------------------------------------------------------------------------


def psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    admin_url = psycopg_url(admin_url)
    name = f"inbox_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_version(admin_url: str) -> str:
    engine = create_engine(psycopg_url(admin_url))
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
    engine.dispose()
    return str(version)


# --- the report ----------------------------------------------------------------------------


def machine(admin_url: str | None) -> str:
    postgres = postgres_version(admin_url) if admin_url else "not measured"
    load = os.getloadavg()[0]
    busy = " (other work is running: figures will be low and noisy)" if load > 0.5 else ""
    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres}; load average {load:.2f} before the run{busy}"
    )


def table(results: list[Result]) -> str:
    lines = [
        f"{'configuration':<26}{'msgs/s':>8}{'fragments':>10}{'latency at':>11}"
        f"{'p50 s':>8}{'p99 s':>8}{'replies':>8}{'job errors':>11}"
    ]
    for r in results:
        t, lat = r.throughput, r.latency
        assert t is not None and lat is not None
        lines.append(
            f"{r.name:<26}{t.rate:>8.1f}{100 * t.fragments / t.messages:>9.0f}%"
            f"{lat.rate:>9.1f}/s{lat.p(lat.answered, 0.5):>8.2f}"
            f"{lat.p(lat.answered, 0.99):>8.2f}{len(lat.answered):>8d}"
            f"{sum(r.job_errors.values()):>11d}"
        )
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    out = []
    by_name = {r.name: r for r in results}
    for r in results:
        t, lat = r.throughput, r.latency
        assert t is not None and lat is not None
        p50 = lat.p(lat.answered, 0.5)
        line = f"{r.name}: p50 {p50:.2f} s ({'met' if p50 < TARGET_P50 else 'MISSED'}, < 1 s)"
        if r.processes == 1:
            ok = t.rate >= TARGET_RATE
            line = (
                f"{r.name}: {t.rate:.1f} msgs/s ({'met' if ok else 'MISSED'}, target "
                f">= {TARGET_RATE:.0f}/s); " + line.split(": ", 1)[1]
            )
        out.append(line)
    one, two = by_name.get("PostgreSQL, 1 process"), by_name.get("PostgreSQL, 2 processes")
    if one and two and one.throughput and two.throughput and one.throughput.rate:
        ratio = two.throughput.rate / one.throughput.rate
        out.append(
            f"PostgreSQL 2 processes / 1: {ratio:.2f}x "
            f"({'met' if ratio >= TARGET_SCALE else 'MISSED'}, target >= {TARGET_SCALE}x)"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="400 messages, 10 s of latency")
    parser.add_argument(
        "--postgres-url", help="PostgreSQL admin URL; a database is created and dropped"
    )
    parser.add_argument("--messages", type=int, help="messages for the throughput phase")
    parser.add_argument("--py-spy", type=Path, help="profile each configuration into this dir")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.messages:
        sizes = Sizes(args.messages, sizes.latency_seconds, sizes.drain_timeout)
    if args.py_spy:
        args.py_spy.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(machine(args.postgres_url), flush=True)
    mix = ", ".join(f"{k} {100 * v:.0f}%" for k, v in MIX.items())
    print(
        f"Workload: {sizes.messages} messages from {sizes.messages // MESSAGES_PER_CUSTOMER} "
        f"customers ({mix}); latency {sizes.latency_seconds:g} s open loop.",
        flush=True,
    )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="inbox-bench-pipeline-") as workdir:
        work = Path(workdir)
        results.append(
            run_config(
                "SQLite, 1 process",
                f"sqlite:///{work / 'inbox.db'}",
                1,
                sizes,
                work,
                None,
                args.py_spy,
            )
        )
        if args.postgres_url:
            with postgres_database(args.postgres_url) as url:
                one = run_config("PostgreSQL, 1 process", url, 1, sizes, work, None, args.py_spy)
                results.append(one)
            assert one.latency is not None
            with postgres_database(args.postgres_url) as url:
                results.append(
                    run_config(
                        "PostgreSQL, 2 processes",
                        url,
                        2,
                        sizes,
                        work,
                        one.latency.rate,
                        args.py_spy,
                    )
                )

    print()
    print(table(results))
    print()
    for line in verdicts(results):
        print(line)
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
