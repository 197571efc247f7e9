"""No request, however odd, makes ingest answer 5xx. Schemathesis generates requests for every
operation in the live API description (`/openapi.json`, so endpoints added later, /chat/... and
the voice ones included, are covered without touching this file) and sends them over HTTP to a
real uvicorn server in front of a migrated SQLite database holding the demo workspace;
verification is off (no secrets set), so generated requests reach parsing and storage instead
of stopping at a 403. Hypothesis then reaches what the API description cannot say: Twilio
form posts carrying a valid signature over arbitrary field values, raw MIME bodies of arbitrary
bytes, and widget messages of arbitrary text through a real visitor token."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from data.db import dispose_engines, get_engine
from data.demo import seed
from data.settings import get_settings
from ingest.app import create_app
from tests.factories import make_workspace
from tests.twilio_webhooks import AUTH_TOKEN, MESSAGING, PUBLIC_URL, STATUS, VOICE, sms

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


# --------------------------------------------------------------------------- Hypothesis

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: Any text a form field can carry (no surrogates: they cannot be encoded in a request).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


@pytest.fixture
def app_client(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """The ingest app on SQLite with the acme workspace, every check on."""
    database = tmp_path / "inbox.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    for name, value in {
        "database_url": url,
        "public_url": PUBLIC_URL,
        "twilio_auth_token": AUTH_TOKEN,
        "webhook_secret": "fuzz-secret",
        "webchat_rate_limits": "0",
    }.items():
        monkeypatch.setenv(f"INBOX_{name.upper()}", value)
    get_settings.cache_clear()
    with Session(get_engine(url)) as session:
        make_workspace(session)
        session.commit()
    with TestClient(create_app()) as client:
        yield client
    dispose_engines()


def _signed(client: TestClient, path: str, params: dict[str, str]):
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


@PROPERTY
@given(
    path=st.sampled_from([MESSAGING, STATUS, VOICE]),
    replaced=st.dictionaries(
        st.sampled_from(
            [
                "Body",
                "From",
                "To",
                "MessageSid",
                "NumMedia",
                "MessageStatus",
                "CallStatus",
                "CallDuration",
                "ErrorCode",
                "ProfileName",
                "MediaUrl0",
                "SequenceNumber",
            ]
        ),
        ANY_TEXT,
    ),
    extra=st.dictionaries(ANY_TEXT.filter(bool), ANY_TEXT, max_size=3),
)
def test_a_validly_signed_twilio_webhook_with_any_field_values_is_never_a_5xx(
    app_client: TestClient, path: str, replaced: dict[str, str], extra: dict[str, str]
) -> None:
    params = {**sms(), "CallSid": "CA" + "1" * 32, **replaced, **extra}

    response = _signed(app_client, path, params)

    assert response.status_code < 500, response.text


@PROPERTY
@given(
    raw=st.one_of(
        st.binary(max_size=2000),
        st.builds(
            lambda headers, body: headers + b"\r\n\r\n" + body,
            st.lists(
                st.sampled_from(
                    [
                        b"From: a@b.example",
                        b"To: hello@acme.example",
                        b"Subject: =?x?q?=FF?=",
                        b"Content-Type: multipart/mixed; boundary=x",
                        b"Message-ID: <\x00>",
                        b"Content-Transfer-Encoding: base64",
                        b"Content-Type: text/plain; charset=zz",
                    ]
                ),
                max_size=6,
            ).map(b"\r\n".join),
            st.binary(max_size=1000),
        ),
    )
)
def test_any_bytes_posted_as_a_raw_email_are_never_a_5xx(
    app_client: TestClient, raw: bytes
) -> None:
    response = app_client.post(
        "/webhooks/email/raw",
        content=raw,
        headers={"Content-Type": "message/rfc822"},
        auth=("inbox", "fuzz-secret"),
    )

    assert response.status_code < 500, response.text


@PROPERTY
@given(
    body=ANY_TEXT,
    name=st.none() | ANY_TEXT,
    email=st.none() | ANY_TEXT,
    after=st.none() | st.text(max_size=30),
)
def test_any_widget_message_and_cursor_are_never_a_5xx(
    app_client: TestClient, body: str, name: str | None, email: str | None, after: str | None
) -> None:
    opened = app_client.post("/chat/sessions", json={"widget_key": "wk_acme_widget"})
    token = {"Authorization": f"Bearer {opened.json()['token']}"}
    payload = {"body": body, "client_id": f"cm_{uuid.uuid4().hex}", "name": name, "email": email}

    sent = app_client.post("/chat/messages", json=payload, headers=token)
    lead = app_client.post("/chat/lead", json={"name": name, "email": email}, headers=token)
    polled = app_client.get(
        "/chat/messages", params={"after": after} if after else {}, headers=token
    )

    assert [r.status_code < 500 for r in (sent, lead, polled)] == [True] * 3, (
        sent.text,
        lead.text,
        polled.text,
    )
