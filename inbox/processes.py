"""Starting the three processes: alone (`inbox ingest|pipeline|console`) or together
(`inbox up`), where Ctrl-C or SIGTERM stops all of them and one dying stops the rest.

Children run in the caller's working directory, so a relative SQLite path and the `.env` file
mean the same thing to every process `inbox up` starts as they do to `inbox up` itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import console
from data.settings import get_settings

CONSOLE_SCRIPT = Path(console.__file__).resolve().parent / "app.py"
STOP_GRACE_SECONDS = 10


def run_ingest(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    uvicorn.run(
        "ingest.app:app",
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=True,
        log_level=get_settings().log_level.lower(),
    )


def console_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(CONSOLE_SCRIPT),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # Passed here (not only in .streamlit/config.toml) because that file is read from the
        # working directory, which need not be the source tree.
        "--client.toolbarMode",
        "minimal",
    ]


def run_console(host: str, port: int) -> None:
    os.execv(sys.executable, console_command(host, port))


def up(ingest_workers: int = 1, pipeline_workers: int = 1) -> int:
    """Run ingest, the pipeline and the console until Ctrl-C; returns an exit code."""
    settings = get_settings()
    me = [sys.executable, "-m", "inbox"]
    specs = [
        ("ingest", [*me, "ingest", "--workers", str(ingest_workers)]),
        *[(f"pipeline-{i + 1}", [*me, "pipeline"]) for i in range(pipeline_workers)],
        ("console", console_command(settings.console_host, settings.console_port)),
    ]
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, command in specs:
        # Each child in its own session: Ctrl-C reaches us once and we stop them in order.
        children[name] = subprocess.Popen(command, start_new_session=True)
    print(
        f"\n  Ingest:  http://{settings.ingest_host}:{settings.ingest_port}  "
        f"(health: /healthz, API: /docs)\n"
        f"  Console: http://{settings.console_host}:{settings.console_port}\n"
        f"  Press Ctrl-C to stop.\n",
        flush=True,
    )
    code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with code {child.returncode}; stopping the others.")
                code = child.returncode or 1
                stopping = True
                break
        time.sleep(0.3)
    _stop_all(children)
    return code


def _stop_all(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in {STOP_GRACE_SECONDS}s; killing it.")
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    print("Stopped.")
