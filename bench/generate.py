"""Build a large, realistic workspace fast, for benchmarks: one workspace (through `data/`),
then contacts, conversations, messages and events by SQLAlchemy Core executemany, 10k rows per
statement and transaction, in time order. Ids are given here (past each table's maximum), so rows
point at each other without reading anything back; PostgreSQL's sequences are moved past them.

    python -m bench.generate --url sqlite:///var/bench.db --conversations 100000
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
import zlib
from collections.abc import Iterable
from itertools import islice
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Engine

from bench.generate_rows import (
    OPERATORS,
    Plan,
    contact_rows,
    conversation_rows,
    event_rows,
    message_rows,
)
from data import users, workspaces
from data.db import get_engine, session_scope
from data.migrate import upgrade
from data.models import Contact, Conversation, Event, Message

BATCH_ROWS = 10_000


def normalise_url(url: str) -> str:
    """`url` with the psycopg (3) driver for PostgreSQL, as the settings do."""
    scheme, _, rest = url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme in ("postgresql", "postgres") else url


def _create_workspace(engine: Engine, slug: str) -> SimpleNamespace:
    """Workspace, channels (kind -> (id, address)), operators ((id, name)), next free ids."""
    code = zlib.crc32(slug.encode()) % 4_000_000 * 2 + 2_000_000  # even; WhatsApp is code + 1
    with session_scope(engine) as session:
        workspace = workspaces.create(session, slug, f"{slug.title()} Plumbing & Heating")
        channels = {}
        for kind, address, provider in [
            ("sms", f"+1737{code}", "twilio"), ("voice", f"+1737{code}", "twilio"),
            ("whatsapp", f"+1737{code + 1}", "twilio"),
            ("email", f"hello@{slug}.example", "mailgun"),
            ("webchat", f"wk_{slug}"[:56] + "_widget", "widget"),
        ]:  # fmt: skip
            channel = workspaces.add_channel(session, workspace, kind, address, provider)
            channels[kind] = (channel.id, channel.address)
        operators = []
        for name in OPERATORS:
            email, password = f"{name.split()[0].lower()}@{slug}.example", secrets.token_hex(16)
            user = users.create(session, workspace.id, email, password, "operator", name)
            operators.append((user.id, name))
        workspace_id = workspace.id
    with engine.connect() as conn:
        base = {
            t.name: (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1
            for t in (Contact.__table__, Conversation.__table__, Message.__table__, Event.__table__)
        }
    return SimpleNamespace(id=workspace_id, channels=channels, operators=operators, base=base)


def _insert(engine: Engine, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert `rows` with executemany, BATCH_ROWS per statement and transaction."""
    count, rows = 0, iter(rows)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB for index pages
            conn.commit()
        while batch := list(islice(rows, BATCH_ROWS)):
            with conn.begin():
                conn.execute(insert(table), batch)
            count += len(batch)
    return count


def generate_workspace(
    url: str,
    conversations: int,
    messages_per_conversation: float = 10,
    slug: str = "bench",
    seed: int = 1,
) -> dict[str, Any]:
    """Write workspace `slug` with `conversations` conversations (and as many contacts),
    about `messages_per_conversation` messages each, into the migrated database at `url`.
    Returns the row counts, the elapsed seconds and the rows written per second."""
    started = time.perf_counter()
    engine = get_engine(normalise_url(url))
    target = _create_workspace(engine, slug)
    plan = Plan(random.Random(seed), conversations, messages_per_conversation, time.time())
    planned = time.perf_counter() - started
    counts = {
        name: _insert(engine, model.__table__, rows(plan, target))
        for name, model, rows in (
            ("contacts", Contact, contact_rows),
            ("conversations", Conversation, conversation_rows),
            ("messages", Message, message_rows),
            ("events", Event, event_rows),
        )
    }
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # the sequences move past the ids given here
            for table in target.base:
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.perf_counter() - started
    rows = sum(counts.values())
    return {
        "backend": engine.dialect.name,
        "workspace_id": target.id,
        **counts,
        "rows": rows,
        "plan_seconds": round(planned, 2),
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate a large benchmark workspace.")
    parser.add_argument("--url", required=True, help="sqlite:///path or postgresql://...")
    parser.add_argument("--conversations", type=int, required=True)
    parser.add_argument("--messages-per-conversation", type=float, default=10)
    parser.add_argument("--slug", default="bench")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    upgrade(normalise_url(args.url))
    print(json.dumps(generate_workspace(**vars(args)), indent=2))


if __name__ == "__main__":
    main()
