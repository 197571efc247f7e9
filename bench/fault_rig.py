"""The stage the fault runs play on: providers that can fail on demand (a Twilio stand-in that
answers 500s and 429s while `failing`, an SMTP server that can be stopped and started again on
the same port, the OpenAI stand-in), a database holding one business, and the real `inbox
ingest` and `inbox pipeline` processes pointed at all of them (`INBOX_SENDER=live`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from sqlmodel import Session

from data import workspaces
from data.db import dispose_engines, get_engine
from data.migrate import upgrade
from inbox.simulate import SimulationSecrets, SimulationTargets
from tests.factories import make_business
from tests.local_server import LocalServer
from tests.openai_standin import OpenAIStandIn, reply_json, slow
from tests.test_processes import free_port
from tests.twilio_standin import ACCOUNT_SID, AUTH_TOKEN, TwilioStandIn, server_error, too_many

PUBLIC_URL = "https://inbox.example.com"
MAILGUN_KEY = "key-faults-0123456789abcdef"
#: Pace per sending address: high enough that the drain measures recovery, not the 1 SMS/s
#: a long code gets by default.
PACE = 200
READY_SECONDS = 60.0


class FlakyTwilio(TwilioStandIn):
    """The Twilio stand-in; while `failing`, every create is answered 500 and 429 in turn."""

    failing = False

    def __init__(self) -> None:
        self._refusals = 0
        super().__init__()

    @property  # type: ignore[override]
    def default(self) -> Any:
        if not self.failing:
            return self._healthy
        self._refusals += 1
        return server_error(500) if self._refusals % 2 else too_many()

    @default.setter
    def default(self, value: Any) -> None:
        self._healthy = value

    def created_sids(self) -> list[str]:
        return [r.sid for r in self.requests if r.status == 201 and r.sid]


class Mailbox:
    """An SMTP server (aiosmtpd) keeping every message it accepted; `stop()` closes the port
    (connections are refused) and `start()` opens it again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.received]


#: What the model says once it works: a plain acknowledgement (intent "statement"), which the
#: reply job sends as it is, so replies from the model are easy to tell from the fallback's.
MODEL_ANSWER = {
    "reply": "Thanks, we have your message and will be in touch shortly.",
    "answered_from_knowledge": False,
    "intent": "statement",
}


class SlowAI(OpenAIStandIn):
    """The OpenAI stand-in; while `failing`, it answers `delay` seconds late (past the client's
    timeout)."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.healthy = reply_json(MODEL_ANSWER)
        self.set_failing(False)

    def set_failing(self, failing: bool) -> None:
        # The handler accepts a Slow as its default at run time (it checks the type).
        self.default = slow(self.delay, self.healthy) if failing else self.healthy  # type: ignore[assignment]


def prepare_database(url: str) -> SimulationTargets:
    """Migrate `url` and store one business (the demo knowledge base, open around the clock,
    an alert phone and email) whose channels are paced at PACE a second."""
    upgrade(url)
    engine = get_engine(url)
    with Session(engine) as session:
        workspace = make_business(session, slug="faults", sms_allowance=1_000_000)
        channels = workspaces.channels(session, workspace.id)
        for channel in channels:
            channel.config = {**(channel.config or {}), "max_per_second": PACE}
            session.add(channel)
        session.commit()
        targets = SimulationTargets.from_channels(channels)
    return targets


def secrets() -> SimulationSecrets:
    return SimulationSecrets(ACCOUNT_SID, AUTH_TOKEN, MAILGUN_KEY, None)


@dataclass
class Proc:
    """One `inbox ...` subprocess in its own process group."""

    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    exits: list[int] = field(default_factory=list)

    def start(self) -> Proc:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "inbox", *self.args],
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.log.parent,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the process and everything it started (its process group)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.exits.append(self.process.wait(timeout=15))

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self.kill()
                return
        if self.process is not None and self.process.returncode is not None:
            self.exits.append(self.process.returncode)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_until(what: str, check: Any, seconds: float, poll: float = 0.1) -> float:
    """Poll `check()` until true; returns the seconds it took, raises TimeoutError after."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise TimeoutError(f"no {what} within {seconds:.0f} s")
        time.sleep(poll)
    return time.monotonic() - started


def healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


class Rig:
    """Providers, one database, one ingest and `pipelines` pipeline processes."""

    def __init__(
        self,
        workdir: Path,
        database_url: str,
        *,
        pipelines: int = 2,
        lease_seconds: float | None = None,
        ai: SlowAI | None = None,
        ai_timeout: float = 2.0,
        ai_retries: int = 1,
    ) -> None:
        self.workdir = workdir
        self.database_url = database_url
        self.twilio = FlakyTwilio()
        self.mailbox = Mailbox()
        self.ai = ai
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            "INBOX_DATABASE_URL": database_url,
            "INBOX_SENDER": "live",
            "INBOX_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "INBOX_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "INBOX_TWILIO_API_BASE_URL": "",  # set once the stand-in has its port
            "INBOX_PUBLIC_URL": PUBLIC_URL,
            "INBOX_SMTP_URL": f"smtp://127.0.0.1:{self.mailbox.port}",
            "INBOX_MAILGUN_SIGNING_KEY": MAILGUN_KEY,
            "INBOX_LOG_LEVEL": "WARNING",
        }
        if lease_seconds is not None:
            env["INBOX_PIPELINE_LEASE_SECONDS"] = f"{lease_seconds:g}"
        if ai is not None:
            env |= {
                "INBOX_AI_BACKEND": "openai",
                "INBOX_AI_BASE_URL": "",  # set once the stand-in has its port
                "INBOX_AI_API_KEY": "test",
                "INBOX_AI_TIMEOUT_SECONDS": f"{ai_timeout:g}",
                "INBOX_AI_MAX_RETRIES": str(ai_retries),
            }
        self.env = env
        self.ingest = Proc(["ingest", "--port", str(self.port)], env, workdir / "ingest.log")
        self.pipelines = [
            Proc(["pipeline"], env, workdir / f"pipeline-{n}.log") for n in range(pipelines)
        ]
        self._servers: list[LocalServer] = []
        self.drained_at: float | None = None  # time.monotonic(), set by the scenario

    def __enter__(self) -> Rig:
        self.twilio.start()
        self._servers.append(self.twilio)
        self.env["INBOX_TWILIO_API_BASE_URL"] = self.twilio.base_url
        if self.ai is not None:
            self.ai.start()
            self._servers.append(self.ai)
            self.env["INBOX_AI_BASE_URL"] = self.ai.base_url
        self.mailbox.start()
        self.ingest.start()
        for pipeline in self.pipelines:
            pipeline.start()
        self.wait_for_ingest()
        return self

    def wait_for_ingest(self) -> float:
        return wait_until("ingest health", lambda: healthy(self.base_url), READY_SECONDS, 0.2)

    def restart_ingest(self) -> None:
        self.ingest.start()
        self.wait_for_ingest()

    def dead(self) -> list[str]:
        """The processes that exited although nobody stopped them."""
        procs = [self.ingest, *self.pipelines]
        return [" ".join(p.args) for p in procs if p.process is not None and not p.alive()]

    def __exit__(self, *exc: object) -> None:
        for proc in [self.ingest, *self.pipelines]:
            proc.stop()
        self.mailbox.stop()
        for server in self._servers:
            server.stop()
        dispose_engines()
