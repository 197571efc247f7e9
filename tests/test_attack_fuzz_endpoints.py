"""No request, however odd, makes ingest answer 5xx: schemathesis generates requests for every
operation in the live API description (`/openapi.json`, so endpoints added later are covered
without touching this file) and sends them over HTTP to a real uvicorn server in front of a
migrated SQLite database holding the demo workspace.

Verification is off (no secrets set), so generated requests reach parsing and storage instead of
stopping at a 403."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlmodel import Session

from data.db import dispose_engines, get_engine
from data.demo import seed
from data.settings import get_settings
from ingest.app import create_app

pytestmark = pytest.mark.timeout(120)

MAX_EXAMPLES = 30


@pytest.fixture
def ingest_url(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The ingest app served by uvicorn on a free port, on a demo-seeded SQLite file."""
    database = tmp_path / "inbox.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    monkeypatch.setenv("INBOX_DATABASE_URL", url)
    get_settings.cache_clear()
    with Session(get_engine(url)) as session:
        seed.seed(session)
        session.commit()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "ingest did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    dispose_engines()


def no_5xx_for(operation: schemathesis.APIOperation) -> str | None:
    """Up to MAX_EXAMPLES generated requests (fitting the schema and not) against one operation;
    the first 5xx found (shrunk by Hypothesis) as text, or None."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=[not_a_server_error])

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:  # schemathesis' report: how to replay
        return f"{operation.label}: {failure}"
    return None


def test_no_generated_request_makes_ingest_answer_5xx(ingest_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{ingest_url}/openapi.json")
    schema.config.update(base_url=ingest_url)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"POST /webhooks/twilio/messaging", "GET /healthz"} <= {op.label for op in operations}

    failures = [found for op in operations if (found := no_5xx_for(op)) is not None]

    assert failures == [], "\n\n".join(failures)
