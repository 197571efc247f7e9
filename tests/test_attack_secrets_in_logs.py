"""Secrets never leak: `inbox ingest` and `inbox pipeline --once` run as real subprocesses with
every secret set (Twilio auth token and Webhook Settings key, the SMTP password inside its URL,
the OpenAI-compatible API key, the Mailgun signing key, the webhook secret, the web-chat
signing key) at DEBUG log level, are driven through failures (forged Twilio, Mailgun and Basic
auth webhooks, Twilio answering 401, the SMTP server refusing the login, the AI endpoint
unreachable), and no secret value appears in any log line, answer (`/healthz`,
`/openapi.json`, `/docs`, the refusals), stored delivery error, or the console's Settings page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlmodel import Session, select

from data import outbox
from data.db import dispose_engines, make_engine
from data.events import Actor
from data.migrate import upgrade
from data.models import Message
from data.settings import get_settings
from tests.browser import ROOT, free_port, ingest_process, product_env
from tests.console_helpers import (
    fresh_throttle,  # noqa: F401  (autouse)
    open_page,
    signed_in_app,
    sqlite_only,
    values,
)
from tests.factories import make_user, make_workspace, text_in
from tests.twilio_standin import TwilioStandIn

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

SECRETS = {
    "twilio_auth_token": "tw1l10-auth-t0ken-S3CRET-a1b2c3d4",
    "twilio_webhook_shared_key": "whsk_shared-S3CRET-e5f6",
    "ai_api_key": "sk-openai-S3CRET-0123456789abcdef",
    "mailgun_signing_key": "key-mailgun-S3CRET-7788",
    "webhook_secret": "webhook-basic-S3CRET-9911",
    "secret_key": "webchat-signing-S3CRET-key-of-enough-length",
}
SMTP_PASSWORD = "smtp-pa55word-S3CRET"
EVERY_SECRET = [*SECRETS.values(), SMTP_PASSWORD]


def leaked(text: str) -> list[str]:
    return [secret for secret in EVERY_SECRET if secret in text]


class _Refusing:
    """An SMTP server that refuses every login."""

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=False, handled=False)


@pytest.fixture
def smtp_port() -> int:
    port = free_port()
    controller = Controller(
        object(),
        hostname="127.0.0.1",
        port=port,
        authenticator=_Refusing(),
        auth_require_tls=False,
    )
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A workspace with an SMS and an email conversation, each with a reply due to go out."""
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        make_workspace(session, "acme")
        sms = text_in(session, "Are you open Saturday?")
        mail = text_in(
            session,
            "Quote please",
            sender="pat@customer.example",
            to="hello@acme.example",
            channel="email",
        )
        outbox.enqueue(session, sms.conversation, "Yes, 8 to noon.", Actor.ai())
        outbox.enqueue(session, mail.conversation, "Here is the quote.", Actor.ai())
        session.commit()
    engine.dispose()
    dispose_engines()
    return url


def settings_env(smtp_port: int, twilio: TwilioStandIn) -> dict[str, str]:
    return {
        **SECRETS,
        "twilio_account_sid": twilio.account_sid,
        "twilio_api_base_url": twilio.base_url,
        "smtp_url": f"smtp://mailer:{SMTP_PASSWORD}@127.0.0.1:{smtp_port}",
        "ai_backend": "openai",
        "ai_base_url": f"http://127.0.0.1:{free_port()}/v1",  # nobody listens
        "ai_max_retries": "0",
        "ai_timeout_seconds": "2",
        "sender": "live",
        "log_level": "DEBUG",
        "public_url": "https://inbox.example.com",
    }


def drive_ingest(base: str) -> list[str]:
    """Forged webhooks of every kind, and the public pages; every answer's text."""
    answers = []
    with httpx.Client(base_url=base, timeout=10) as client:
        answers.append(client.get("/healthz").text)
        answers.append(client.get("/openapi.json").text)
        answers.append(client.get("/docs").text)
        twilio = {"From": "+15125550123", "To": "+15125550100", "Body": "hi", "MessageSid": "SM1"}
        answers.append(
            client.post(
                "/webhooks/twilio/messaging", data=twilio, headers={"X-Twilio-Signature": "AAAA"}
            ).text
        )
        answers.append(
            client.post(
                "/webhooks/twilio/messaging",
                data=twilio,
                headers={
                    "X-Twilio-Signature": "AAAA",
                    "X-Twilio-Webhooks-Signature-Settings": "key=k,algorithm=HMAC_SHA256",
                },
            ).text
        )
        mailgun = {"timestamp": "1", "token": "t" * 50, "signature": "0" * 64, "recipient": "x"}
        answers.append(client.post("/webhooks/email/mailgun", data=mailgun).text)
        for path in ("/webhooks/email/raw", "/webhooks/email/sendgrid"):
            answers.append(client.post(path, content=b"x", auth=("inbox", "guess")).text)
        answers.append(client.post("/webhooks/voice/transcript", json={}).text)
        session = client.post("/chat/sessions", json={"widget_key": "wk_acme_widget"})
        answers.append(session.text)
        answers.append(client.get("/chat/messages", headers={"Authorization": "Bearer x.y.z"}).text)
    return answers


def test_no_secret_shows_in_logs_answers_or_stored_errors(
    tmp_path: Path, database: str, smtp_port: int
) -> None:
    with TwilioStandIn(auth_token="a-different-token-so-twilio-says-401") as twilio:
        settings = settings_env(smtp_port, twilio)
        with ingest_process(database, tmp_path, tmp_path / "ingest.log", **settings) as base:
            answers = drive_ingest(base)
        pipeline = subprocess.run(
            [sys.executable, "-m", "inbox", "pipeline", "--once"],
            env=product_env(database, tmp_path, **settings),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert twilio.requests, "the pipeline never called Twilio"
    ingest_log = (tmp_path / "ingest.log").read_text(errors="replace")
    engine = make_engine(database)
    with Session(engine) as session:
        errors = [
            f"{m.error_code} {m.error_message} {m.meta}"
            for m in session.exec(select(Message).where(Message.direction == "outbound"))
        ]
    engine.dispose()
    dispose_engines()

    assert pipeline.stdout + pipeline.stderr, "the pipeline logged nothing"
    assert "refused webhook" in ingest_log
    assert any("401" in e or "20003" in e for e in errors), errors  # Twilio refused the token
    assert any("535" in e or "auth" in e.lower() for e in errors), errors  # SMTP refused login
    assert leaked(ingest_log) == []
    assert leaked(pipeline.stdout + pipeline.stderr) == []
    assert leaked("\n".join(answers)) == []
    assert leaked("\n".join(errors)) == []


@sqlite_only
def test_the_console_settings_page_shows_no_secret(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(f"INBOX_{name.upper()}", value)
    monkeypatch.setenv("INBOX_SMTP_URL", f"smtp://mailer:{SMTP_PASSWORD}@mail.example:587")
    get_settings.cache_clear()
    workspace = make_workspace(session)
    owner = make_user(session, workspace, "owner")
    session.commit()

    at = open_page(signed_in_app(owner), "settings")

    shown = [
        *values(at.markdown),
        *values(at.caption),
        *values(at.text),
        *values(at.code),
        *values(at.info),
        *[str(w.value) for w in at.text_input],
        *[str(w.value) for w in at.text_area],
    ]
    assert shown and leaked("\n".join(shown)) == []
