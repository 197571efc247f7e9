"""What every benchmark needs around the measurement: a scratch PostgreSQL database of its
own (created and dropped), and the line describing the machine and its load."""

from __future__ import annotations

import os
import platform
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data.db import dispose_engines


def psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A database of its own for this run, dropped afterwards."""
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


def machine(admin_url: str | None) -> str:
    """The machine, the software versions and the load before the run."""
    postgres = postgres_version(admin_url) if admin_url else "not measured"
    load = os.getloadavg()[0]
    busy = " (other work is running: figures will be low and noisy)" if load > 0.5 else ""
    return (
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres}; load average {load:.2f} before the run{busy}"
    )


def print_report(tables: list[str], verdicts: list[str], started: float) -> None:
    """The end of every benchmark: its tables, the verdicts against the targets, the time."""
    for table in tables:
        print()
        print(table)
    print()
    for verdict in verdicts:
        print(verdict)
    print(f"\n({time.monotonic() - started:.0f} s)")
