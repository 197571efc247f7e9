"""The running product as real processes: `inbox ingest` answers health and API description
over HTTP, and `inbox up` starts ingest, the pipeline and the console, stops all of them on
Ctrl-C, and stops the rest when one dies. Every process is started here, found by its id, and
killed by its id if a test leaves it behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

import inbox
from data import outbox
from data.db import get_engine, session_scope
from data.events import Actor
from data.migrate import head_revision
from data.models import Message
from tests.conftest import truncate_all
from tests.factories import make_workspace, text_in

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

READY_SECONDS = 60
STOP_SECONDS = 15


# --- processes -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            found |= {int(child) for child in listing.read_text().split()}
    return found


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in children(todo.pop()) - found:
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Program:
    """One `inbox ...` process and where its output goes."""

    process: subprocess.Popen
    log: Path
    seen: set[int]

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def remember_children(self) -> set[int]:
        self.seen |= descendants(self.process.pid)
        return self.seen

    def wait_for(self, what: str, check: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return
            if self.process.poll() is not None:
                pytest.fail(f"exited ({self.process.returncode}) before {what}:\n{self.output}")
            self.remember_children()
            time.sleep(0.2)
        pytest.fail(f"no {what} within {seconds} s:\n{self.output}")


@contextmanager
def start(
    args: list[str], tmp_path: Path, cwd: Path | None = None, **env: str
) -> Iterator[Program]:
    """`python -m inbox ARGS` in its own session; afterwards nothing it started is left."""
    log = tmp_path / f"{'-'.join(args[:1])}-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "inbox", *args],
            cwd=cwd or tmp_path,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    program = Program(process, log, set())
    try:
        yield program
    finally:
        leftovers = program.remember_children() if process.poll() is None else program.seen
        for pid in [process.pid, *leftovers]:
            if alive(pid) and command_line(pid).startswith(sys.executable):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)


def get(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=2)
    except httpx.TransportError:
        return None


def answers(url: str, status: int | None = 200) -> Callable[[], bool]:
    def check() -> bool:
        response = get(url)
        return response is not None and (status is None or response.status_code == status)

    return check


# --- inbox ingest --------------------------------------------------------------------------


@contextmanager
def ingest(tmp_path: Path, database_url: str) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with start(["ingest", "--port", str(port)], tmp_path, INBOX_DATABASE_URL=database_url) as p:
        p.wait_for("ingest answering", answers(f"{base}/healthz", status=None), READY_SECONDS)
        yield base
        p.process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal: the exit status is -15.
        assert p.process.wait(timeout=STOP_SECONDS) in (0, -signal.SIGTERM), p.output
        assert "Application shutdown complete." in p.output


def test_ingest_health_is_ok_on_a_migrated_database(tmp_path: Path, db_url: str) -> None:
    with ingest(tmp_path, db_url) as base:
        response = httpx.get(f"{base}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "schema": head_revision()}


def test_ingest_health_is_503_with_a_reason_on_an_unmigrated_database(tmp_path: Path) -> None:
    with ingest(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}") as base:
        response = httpx.get(f"{base}/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == f"schema None != {head_revision()}"


def test_ingest_describes_its_api_at_docs_and_openapi_json(tmp_path: Path, db_url: str) -> None:
    with ingest(tmp_path, db_url) as base:
        docs = httpx.get(f"{base}/docs")
        spec = httpx.get(f"{base}/openapi.json")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    assert "/openapi.json" in docs.text
    assert spec.status_code == 200
    assert "/healthz" in spec.json()["paths"]


# --- inbox up ------------------------------------------------------------------------------


@dataclass
class Up:
    program: Program
    ingest_url: str
    console_url: str
    database_url: str


@contextmanager
def inbox_up(tmp_path: Path, database_url: str | None = None, *options: str) -> Iterator[Up]:
    """`inbox up [options]` on `database_url` (default: a fresh SQLite file) and free ports,
    once ingest and console answer."""
    ingest_port, console_port = free_port(), free_port()
    database_url = database_url or f"sqlite:///{tmp_path / 'inbox.db'}"
    settings = {
        "INBOX_DATABASE_URL": database_url,
        "INBOX_INGEST_PORT": str(ingest_port),
        "INBOX_CONSOLE_PORT": str(console_port),
    }
    with start(["up", *options], tmp_path, **settings) as program:
        up = Up(
            program,
            f"http://127.0.0.1:{ingest_port}",
            f"http://127.0.0.1:{console_port}",
            database_url,
        )
        program.wait_for("ingest health", answers(f"{up.ingest_url}/healthz"), READY_SECONDS)
        program.wait_for(
            "console health", answers(f"{up.console_url}/_stcore/health"), READY_SECONDS
        )
        program.remember_children()
        yield up


def stop_with_ctrl_c(up: Up) -> int:
    up.program.process.send_signal(signal.SIGINT)
    return up.program.process.wait(timeout=STOP_SECONDS)


def test_up_starts_ingest_pipeline_and_console_and_prints_their_urls(tmp_path: Path) -> None:
    with inbox_up(tmp_path) as up:
        assert answers(f"{up.console_url}/")(), "the console page answers 200"
        commands = [command_line(pid) for pid in up.program.seen]
        assert any("-m inbox ingest" in command for command in commands), commands
        assert any("-m inbox pipeline" in command for command in commands), commands
        assert any("streamlit run" in command for command in commands), commands
        assert f"Ingest:  {up.ingest_url}" in up.program.output
        assert f"Console: {up.console_url}" in up.program.output


def test_up_stops_every_child_on_ctrl_c_and_exits_0(tmp_path: Path) -> None:
    with inbox_up(tmp_path) as up:
        started = set(up.program.seen)
        assert len(started) >= 3
        assert stop_with_ctrl_c(up) == 0, up.program.output
        assert [pid for pid in started if alive(pid)] == []
        assert "Stopped." in up.program.output
        assert get(f"{up.ingest_url}/healthz") is None


def test_up_runs_the_pipeline_that_sends_queued_messages(tmp_path: Path) -> None:
    with inbox_up(tmp_path) as up:
        engine = get_engine(up.database_url)
        # A write transaction as the product opens one (BEGIN IMMEDIATE): the pipeline writes
        # to the same SQLite file meanwhile, and a read that turns into a write can find it
        # changed ("database is locked" at once, not after the busy timeout).
        with session_scope(engine, write=True) as session:
            make_workspace(session)
            inbound = text_in(session, "Can someone look at my boiler?")
            reply = outbox.enqueue(session, inbound.conversation, "Yes, tomorrow 9am.", Actor.ai())

        def sent() -> bool:
            with Session(engine) as session:
                return session.get(Message, reply.id).status == "sent"

        up.program.wait_for("the queued reply to be sent", sent, 20)
        with Session(engine) as session:
            assert session.get(Message, reply.id).provider_id.startswith("log-")
        assert stop_with_ctrl_c(up) == 0, up.program.output
        engine.dispose()


@pytest.mark.postgres
def test_up_runs_several_ingest_workers_and_pipelines_on_postgresql_that_share_the_work(
    tmp_path: Path, postgres_url: str
) -> None:
    engine = get_engine(postgres_url)
    truncate_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        make_workspace(session)
        session.commit()
    with inbox_up(tmp_path, postgres_url, "--ingest-workers", "2", "--pipeline-workers", "3") as up:
        commands = [command_line(pid) for pid in up.program.seen]
        assert sum("-m inbox pipeline" in command for command in commands) == 3, commands
        # uvicorn's supervisor and its two worker processes
        assert sum("multiprocessing" in command for command in commands) >= 2, commands
        with Session(engine, expire_on_commit=False) as session:
            replies = []
            for n in range(10):  # SMS from one number go at about one a second
                inbound = text_in(session, f"Question {n}", sender=f"+1512555{n:04d}")
                replies.append(
                    outbox.enqueue(session, inbound.conversation, f"Answer {n}", Actor.ai()).id
                )
            session.commit()

        def all_sent() -> bool:
            with Session(engine) as session:
                rows = session.exec(select(Message).where(col(Message.id).in_(replies))).all()
                return all(row.status == "sent" for row in rows)

        up.program.wait_for("every queued reply to be sent", all_sent, 30)
        assert stop_with_ctrl_c(up) == 0, up.program.output
        # The log sender writes one line per send, whichever pipeline sent it.
        sends = [f"send sms message {reply_id} " for reply_id in replies]
        assert [up.program.output.count(line) for line in sends] == [1] * 10, up.program.output
        assert [pid for pid in up.program.seen if alive(pid)] == []
    engine.dispose()


def test_up_stops_the_others_and_exits_non_zero_when_one_child_dies(tmp_path: Path) -> None:
    with inbox_up(tmp_path) as up:
        started = set(up.program.seen)
        [ingest_pid] = [pid for pid in started if "-m inbox ingest" in command_line(pid)]
        os.kill(ingest_pid, signal.SIGKILL)
        code = up.program.process.wait(timeout=STOP_SECONDS)
        assert code != 0
        assert [pid for pid in started if alive(pid)] == []
        assert "ingest exited with code -9; stopping the others." in up.program.output
        assert get(f"{up.console_url}/_stcore/health") is None


SOURCE_TREE = Path(inbox.__file__).resolve().parent.parent


def test_up_children_use_the_database_a_relative_url_names_in_the_working_directory(
    tmp_path: Path,
) -> None:
    # The relative path is built so that both ways of resolving it stay inside tmp_path:
    # from `workdir` it is a file under tmp_path/tmp/..., from the source tree it is
    # tmp_path/children.db. Nothing is ever written into the checkout.
    workdir = tmp_path.joinpath(*["w"] * (len(SOURCE_TREE.parts) - 1))
    workdir.mkdir(parents=True)
    relative = os.path.relpath(tmp_path / "children.db", SOURCE_TREE)
    ingest_port = free_port()
    settings = {
        "INBOX_DATABASE_URL": f"sqlite:///{relative}",
        "INBOX_INGEST_PORT": str(ingest_port),
        "INBOX_CONSOLE_PORT": str(free_port()),
    }
    with start(["up"], tmp_path, cwd=workdir, **settings) as program:
        healthz = f"http://127.0.0.1:{ingest_port}/healthz"
        program.wait_for("ingest answering", answers(healthz, status=None), READY_SECONDS)
        assert (workdir / relative).exists(), "`inbox up` migrated the working directory's file"
        response = httpx.get(healthz)
        assert response.status_code == 200, response.json()
        assert not (tmp_path / "children.db").exists()


def test_up_children_read_the_env_file_of_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("INBOX_LOG_LEVEL=WARNING\n")
    with inbox_up(tmp_path) as up:
        assert stop_with_ctrl_c(up) == 0, up.program.output
    assert "INFO" not in up.program.output
