"""A PostgreSQL cluster of the fault runs' own, in a temporary directory on a free port, so a
scenario can stop and restart the database under the product without touching the machine's
shared server (port 5432, other people's tests). `initdb` and `pg_ctl` refuse to run as root,
so when this process is root they run as the `postgres` OS user, in a directory it owns."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from sqlalchemy import create_engine, text

BIN = Path(os.environ.get("INBOX_PG_BIN", "/usr/lib/postgresql/15/bin"))
OS_USER = "postgres"
StopMode = Literal["smart", "fast", "immediate"]


def missing() -> str | None:
    """Why a private cluster cannot be made here, or None when it can."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (BIN / tool).exists():
            return f"no {BIN / tool} (set INBOX_PG_BIN to PostgreSQL's bin directory)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OS_USER)
        except KeyError:
            return f"running as root and there is no {OS_USER!r} OS user for initdb"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop to the postgres user"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    """One throw-away cluster: `start()`, `stop(mode)`, `url(database)`; `remove()` deletes it."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="inbox-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            entry = pwd.getpwnam(OS_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.root.chmod(0o700)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(BIN / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", OS_USER, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd=self.root
        )

    def init(self) -> None:
        # fsync off: the scenarios test the product's recovery from a server restart, not the
        # disk's; it keeps initdb and checkpoints fast on a shared machine.
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        (self.data / "postgresql.auto.conf").write_text(
            "\n".join(
                f"{key} = '{value}'"
                for key, value in (
                    ("port", self.port),
                    ("listen_addresses", "127.0.0.1"),
                    ("unix_socket_directories", self.root),
                    ("fsync", "off"),
                    ("max_connections", 100),
                )
            )
            + "\n"
        )
        if self._as_postgres:
            entry = pwd.getpwnam(OS_USER)
            os.chown(self.data / "postgresql.auto.conf", entry.pw_uid, entry.pw_gid)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: StopMode = "fast") -> None:
        """`fast`: clients are disconnected and the server shuts down cleanly; `immediate`:
        every server process is killed at once, as in a crash (recovery runs at the next
        start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        try:
            self._run("pg_ctl", "-D", str(self.data), "status")
        except subprocess.CalledProcessError:
            return False
        return True

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return self.url(name)

    def remove(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started cluster, stopped and deleted afterwards."""
    reason = missing()
    if reason is not None:
        raise RuntimeError(f"no private PostgreSQL cluster: {reason}")
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
