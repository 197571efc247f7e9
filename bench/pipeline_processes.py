"""Starting the pipeline benchmark's `inbox pipeline` processes (and profiling one), and
reading the job failures their logs report."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
    return {**env, "PYTHONUNBUFFERED": "1", **settings}


@contextmanager
def pipelines(
    url: str, count: int, workdir: Path, name: str, **settings: str
) -> Iterator[list[subprocess.Popen]]:
    """`count` `inbox pipeline` processes (each in its own session), stopped afterwards; each
    logs to `workdir/<name>-<i>.log`. `settings` (INBOX_* variables) override the defaults."""
    env = clean_env(**{"INBOX_DATABASE_URL": url, "INBOX_LOG_LEVEL": "WARNING", **settings})
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
