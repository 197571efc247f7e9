"""Shared pieces of the browser tests: the system Chromium driven headless by Playwright, free
ports, waiting for a condition, and the product's processes (ingest, the console) started as
real subprocesses on 127.0.0.1 until they answer their health check.

Used by test_widget_browser.py, test_console_browser.py and test_attack_markup.py."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from data import webchat
from data.demo.seed import seed

CHROMIUM = "/usr/bin/chromium"
DEMO_KEY = "wk_brightwater_demo"
ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")

#: For a module of browser tests: skipped (with the reason) where Chromium or Playwright is not.
NEEDS_BROWSER = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
    pytest.mark.skipif(
        importlib.util.find_spec("playwright") is None,
        reason="needs the playwright package (pip install -e '.[dev]')",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], T], timeout: float, what: str) -> T:
    """The first truthy value `check` returns within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def product_env(database_url: str, home: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any INBOX_* variable, plus the database, a quiet
    log level (unless given) and `settings` (INBOX_<NAME> each)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
    env |= {"INBOX_DATABASE_URL": database_url, "INBOX_LOG_LEVEL": "WARNING", "HOME": str(home)}
    env |= {f"INBOX_{name.upper()}": value for name, value in settings.items()}
    return env


@contextmanager
def serving(
    command: list[str], env: dict[str, str], health_url: str, log_path: Path, what: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` until the block ends, once `health_url` answers 200; its output goes to
    `log_path`. If it dies before answering, the log is the failure."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError(log_path.read_text(errors="replace"))
            try:
                return httpx.get(health_url, timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        try:
            wait_until(healthy, 30, f"{what} to answer {health_url}")
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def ingest_process(
    database_url: str, home: Path, log_path: Path, port: int | None = None, **settings: str
) -> Iterator[str]:
    """`inbox ingest` on `port` (else a free one), serving `database_url`; yields its base
    URL."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "inbox", "ingest", "--host", "127.0.0.1", "--port", str(port)]
    env = product_env(database_url, home, **settings)
    with serving(command, env, f"{base}/healthz", log_path, "ingest"):
        yield base


@contextmanager
def chromium(home: Path) -> Iterator[Any]:
    """Headless system Chromium (a Playwright Browser); nothing is written to the real home."""
    from playwright.sync_api import sync_playwright

    home.mkdir(parents=True, exist_ok=True)
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                ],
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if old_home is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = old_home


def allow_origin(engine: Engine, origin: str) -> None:
    """Seed the demo, and let its widget answer pages served from `origin`."""
    with Session(engine) as session:
        seed(session)
        channel = webchat.widget_channel(session, DEMO_KEY)
        assert channel is not None
        origins = channel.config.get("allowed_origins", [])
        channel.config = {**channel.config, "allowed_origins": [*origins, origin]}
        session.add(channel)
        session.commit()
