"""Behaviour of the webhook simulator against a real HTTP server that verifies like an ingest."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import re
import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile
from twilio.request_validator import RequestValidator

from inbox.simulate import (
    CHANNELS,
    SimulationReport,
    SimulationSecrets,
    SimulationTargets,
    build_request,
    run_simulation,
)

PUBLIC_URL = "https://inbox.example.com"
ACCOUNT_SID = "AC" + "5f1e2d3c4b5a69788796a5b4c3d2e1f0"
AUTH_TOKEN = "b7c1f0e2d3a4b5c6d7e8f9a0b1c2d3e4"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
WEBHOOK_SECRET = "voice-transcript-secret"
WIDGET_KEY = "wk_brightwater_demo"

TARGETS = SimulationTargets(
    sms_number="+15125550100",
    whatsapp_number="+15125550101",
    email_address="hello@brightwater-plumbing.example",
    widget_key=WIDGET_KEY,
)
SECRETS = SimulationSecrets(
    twilio_account_sid=ACCOUNT_SID,
    twilio_auth_token=AUTH_TOKEN,
    mailgun_signing_key=MAILGUN_KEY,
    webhook_secret=WEBHOOK_SECRET,
)
HEX32 = re.compile(r"^[0-9a-f]{32}$")


# --------------------------------------------------------------------------- the fake ingest


@dataclass(repr=False)
class Recorder:
    """Everything the fake ingest accepted, plus how it verifies signatures."""

    public_url: str | None = PUBLIC_URL
    twilio: list[dict[str, Any]] = field(default_factory=list)
    mailgun: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    chat: list[dict[str, Any]] = field(default_factory=list)
    voice: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)
    mailgun_tokens: set[str] = field(default_factory=set)
    voice_delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def provider_ids(self) -> list[str]:
        return (
            [r["params"]["MessageSid"] for r in self.twilio]
            + [r["form"]["Message-Id"] for r in self.mailgun]
            + [r["json"]["client_id"] for r in self.chat]
            + [r["json"]["call_id"] for r in self.voice]
        )


def make_app(rec: Recorder) -> FastAPI:
    app = FastAPI()

    @app.post("/webhooks/twilio/messaging")
    async def twilio_messaging(request: Request) -> Response:
        form = await request.form()
        params = {key: str(value) for key, value in form.multi_items()}
        url = rec.public_url.rstrip("/") + request.url.path if rec.public_url else str(request.url)
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(AUTH_TOKEN).validate(url, params, signature):
            return Response(status_code=403)
        with rec.lock:
            rec.twilio.append({"params": params, "headers": dict(request.headers)})
        return Response("<Response/>", media_type="application/xml")

    @app.post("/webhooks/email/mailgun")
    async def mailgun(request: Request) -> Response:
        form = await request.form()
        fields: dict[str, str] = {}
        attachments: dict[str, bytes] = {}
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                attachments[key] = await value.read()
            else:
                fields[key] = value
        timestamp, token = fields.get("timestamp", ""), fields.get("token", "")
        expected = hmac.new(
            MAILGUN_KEY.encode(), (timestamp + token).encode(), hashlib.sha256
        ).hexdigest()
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        with rec.lock:
            replayed = token in rec.mailgun_tokens
            if (
                not fresh
                or replayed
                or not hmac.compare_digest(expected, fields.get("signature", ""))
            ):
                return Response(status_code=403)
            rec.mailgun_tokens.add(token)
            rec.mailgun.append(
                {
                    "form": fields,
                    "attachments": attachments,
                    "content_type": request.headers["content-type"],
                }
            )
        return Response("OK")

    @app.post("/chat/sessions")
    async def chat_session(request: Request) -> Response:
        payload = await request.json()
        if payload.get("widget_key") != WIDGET_KEY:
            return JSONResponse({"detail": "unknown widget"}, status_code=404)
        token = secrets.token_urlsafe(16)
        with rec.lock:
            rec.tokens[token] = payload["visitor_id"]
            rec.sessions.append({"json": payload, "origin": request.headers.get("origin")})
        return JSONResponse({"token": token, "visitor_id": payload["visitor_id"]})

    @app.post("/chat/messages")
    async def chat_message(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        visitor = rec.tokens.get(token) if scheme == "Bearer" else None
        if visitor is None:
            return Response(status_code=401)
        payload = await request.json()
        with rec.lock:
            rec.chat.append(
                {
                    "json": payload,
                    "visitor_id": visitor,
                    "origin": request.headers.get("origin"),
                }
            )
        return JSONResponse({"ok": True})

    @app.post("/webhooks/voice/transcript")
    async def voice_transcript(request: Request) -> Response:
        expected = "Basic " + base64.b64encode(f"inbox:{WEBHOOK_SECRET}".encode()).decode()
        if not hmac.compare_digest(request.headers.get("authorization", ""), expected):
            return Response(status_code=401)
        payload = await request.json()
        await asyncio.sleep(rec.voice_delay)
        with rec.lock:
            rec.voice.append({"json": payload, "content_type": request.headers["content-type"]})
        return JSONResponse({"ok": True})

    return app


@dataclass
class Ingest:
    base_url: str
    rec: Recorder


@pytest.fixture(scope="module")
def _server() -> Iterator[Ingest]:
    holder = Ingest(base_url="", rec=Recorder())

    class Proxy:  # the app always reads the current test's recorder
        def __getattr__(self, name: str) -> Any:
            return getattr(holder.rec, name)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        make_app(Proxy()),  # type: ignore[arg-type]
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=512,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "test server did not start"
        time.sleep(0.01)
    holder.base_url = f"http://127.0.0.1:{port}"
    yield holder
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def ingest(_server: Ingest) -> Ingest:
    _server.rec = Recorder()
    return _server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def simulate(ingest: Ingest, channel: str, count: int, **kwargs: Any) -> SimulationReport:
    kwargs.setdefault("rate", 400.0)
    kwargs.setdefault("targets", TARGETS)
    kwargs.setdefault("secrets", SECRETS)
    kwargs.setdefault("public_url", PUBLIC_URL)
    return run_simulation(ingest.base_url, channel, count, **kwargs)


# --------------------------------------------------------------------------- SMS and WhatsApp


def test_every_simulated_sms_carries_a_valid_twilio_signature_for_the_public_url(ingest):
    report = simulate(ingest, "sms", 40, seed=1)

    assert (report.sent, report.accepted, report.rejected, report.errors) == (40, 40, 0, 0)
    assert len(ingest.rec.twilio) == 40
    for hit in ingest.rec.twilio:
        assert hit["headers"]["user-agent"] == "TwilioProxy/1.1"
        assert hit["headers"]["i-twilio-idempotency-token"]


def test_without_a_public_url_the_signature_covers_the_url_actually_requested(ingest):
    ingest.rec.public_url = None

    report = simulate(ingest, "sms", 10, public_url=None)

    assert report.accepted == 10


def test_a_wrong_auth_token_makes_the_server_refuse_and_refusals_are_counted(ingest):
    wrong = replace(SECRETS, twilio_auth_token="0" * 32)

    report = simulate(ingest, "sms", 12, secrets=wrong)

    assert (report.accepted, report.rejected, report.errors) == (0, 12, 0)
    assert report.status_counts == {403: 12}
    assert report.accepted_ids == []
    assert ingest.rec.twilio == []


def test_sms_webhooks_carry_twilios_inbound_fields(ingest):
    simulate(ingest, "sms", 60, seed=2)

    for hit in ingest.rec.twilio:
        p = hit["params"]
        assert re.fullmatch(r"(SM|MM)[0-9a-f]{32}", p["MessageSid"])
        assert p["SmsSid"] == p["SmsMessageSid"] == p["MessageSid"]
        assert p["AccountSid"] == ACCOUNT_SID
        assert "MessagingServiceSid" not in p
        assert p["To"] == TARGETS.sms_number
        assert re.fullmatch(r"\+1512555\d{4}", p["From"]) and int(p["From"][-4:]) >= 200
        assert (p["SmsStatus"], p["ApiVersion"]) == ("received", "2010-04-01")
        assert int(p["NumSegments"]) >= 1
        assert (p["FromCity"], p["FromState"], p["FromCountry"]) == ("AUSTIN", "TX", "US")
        assert re.fullmatch(r"787\d\d", p["FromZip"]) and re.fullmatch(r"787\d\d", p["ToZip"])
        assert p["NumMedia"] in ("0", "1")


def test_some_sms_carry_a_photo_hosted_under_the_message(ingest):
    simulate(ingest, "sms", 120, seed=3)

    with_media = [h["params"] for h in ingest.rec.twilio if h["params"]["NumMedia"] == "1"]
    assert 0 < len(with_media) < 60
    for p in with_media:
        prefix = (
            f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"
            f"/Messages/{p['MessageSid']}/Media/ME"
        )
        assert p["MediaUrl0"].startswith(prefix)
        assert HEX32.match(p["MediaUrl0"].removeprefix(prefix))
        assert p["MediaContentType0"] == "image/jpeg"


def test_senders_repeat_so_conversations_form(ingest):
    simulate(ingest, "sms", 200, seed=4)

    senders = Counter(h["params"]["From"] for h in ingest.rec.twilio)
    assert len(senders) <= 200 and len(senders) < 180
    assert senders.most_common(1)[0][1] >= 2


def test_whatsapp_webhooks_carry_whatsapp_prefixes_profile_name_and_wa_id(ingest):
    report = simulate(ingest, "whatsapp", 30, seed=5)

    assert report.accepted == 30
    for hit in ingest.rec.twilio:
        p = hit["params"]
        assert p["To"] == f"whatsapp:{TARGETS.whatsapp_number}"
        assert re.fullmatch(r"whatsapp:\+1512555\d{4}", p["From"])
        assert p["WaId"] == p["From"].removeprefix("whatsapp:+")
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][A-Za-z']+", p["ProfileName"])
        assert p["MessageType"] in ("text", "image")
        assert "FromCity" not in p and "ToState" not in p


def test_a_seed_reproduces_the_conversation_but_never_the_provider_ids(ingest):
    simulate(ingest, "sms", 20, seed=42, concurrency=1)
    first = [(h["params"]["From"], h["params"]["Body"]) for h in ingest.rec.twilio]
    first_ids = {h["params"]["MessageSid"] for h in ingest.rec.twilio}
    ingest.rec.twilio.clear()

    simulate(ingest, "sms", 20, seed=42, concurrency=1)

    assert [(h["params"]["From"], h["params"]["Body"]) for h in ingest.rec.twilio] == first
    assert first_ids.isdisjoint(h["params"]["MessageSid"] for h in ingest.rec.twilio)


def test_without_an_auth_token_twilio_webhooks_are_sent_unsigned():
    unsigned = replace(SECRETS, twilio_auth_token=None)

    request = build_request("sms", 0, "http://ingest", None, TARGETS, unsigned, random.Random(1))

    assert "X-Twilio-Signature" not in request.headers
    assert request.url == "http://ingest/webhooks/twilio/messaging"


# --------------------------------------------------------------------------- email


def test_mailgun_emails_are_signed_over_timestamp_and_a_unique_token(ingest):
    report = simulate(ingest, "email", 40, seed=6)

    assert report.accepted == 40  # the server recomputed every HMAC and refused replays
    tokens = [h["form"]["token"] for h in ingest.rec.mailgun]
    assert len(set(tokens)) == 40
    assert all(re.fullmatch(r"[0-9a-f]{50}", t) for t in tokens)


def test_mailgun_emails_carry_the_forwarded_message_fields(ingest):
    simulate(ingest, "email", 30, seed=7)

    for hit in ingest.rec.mailgun:
        form = hit["form"]
        assert form["recipient"] == TARGETS.email_address
        assert re.fullmatch(r"[a-z0-9.]+@(gmail|outlook|yahoo)\.example", form["sender"])
        assert form["from"].endswith(f"<{form['sender']}>")
        assert re.fullmatch(r"<[0-9a-f]+@mail\.gmail\.example>", form["Message-Id"])
        assert form["subject"] and form["body-html"].startswith("<div")
        assert form["body-plain"].startswith(form["stripped-text"])
        headers = dict(json.loads(form["message-headers"]))
        for name in (
            "Received",
            "From",
            "To",
            "Subject",
            "Message-Id",
            "Date",
            "Mime-Version",
            "Content-Type",
        ):
            assert name in headers
        assert headers["Message-Id"] == form["Message-Id"]
        assert datetime.strptime(form["Date"], "%a, %d %b %Y %H:%M:%S %z")


def test_some_emails_are_replies_quoting_an_earlier_message_of_the_same_sender(ingest):
    simulate(ingest, "email", 60, seed=8, concurrency=1)

    seen: dict[str, dict[str, str]] = {}
    replies = 0
    for hit in ingest.rec.mailgun:
        form = hit["form"]
        if "In-Reply-To" in form:
            replies += 1
            original = seen[form["In-Reply-To"]]
            assert original["sender"] == form["sender"]
            assert form["References"].split()[-1] == form["In-Reply-To"]
            assert form["subject"].startswith("Re: ")
            body = form["body-plain"]
            assert re.search(r"^On .+, .+ wrote:$", body, re.MULTILINE)
            first_line = original["stripped-text"].splitlines()[0]
            assert f"> {first_line}" in body
        seen[form["Message-Id"]] = form
    assert 3 <= replies <= 30


def test_emails_with_attachments_are_posted_as_multipart(ingest):
    simulate(ingest, "email", 80, seed=9)

    with_files = [h for h in ingest.rec.mailgun if h["attachments"]]
    assert with_files, "about one email in ten has a photo attached"
    for hit in with_files:
        assert hit["content_type"].startswith("multipart/form-data")
        assert hit["form"]["attachment-count"] == "1"
        assert hit["attachments"]["attachment-1"].startswith(b"\xff\xd8")
    plain = [h for h in ingest.rec.mailgun if not h["attachments"]]
    assert all(h["content_type"] == "application/x-www-form-urlencoded" for h in plain)


def test_without_a_mailgun_key_emails_still_carry_timestamp_and_token():
    unsigned = replace(SECRETS, mailgun_signing_key=None)

    request = build_request("email", 0, "http://ingest", None, TARGETS, unsigned, random.Random())

    assert request.data is not None
    assert "signature" not in request.data
    assert request.data["timestamp"].isdigit() and len(request.data["token"]) == 50


# --------------------------------------------------------------------------- web chat


def test_web_chat_opens_one_session_per_visitor_and_reuses_its_token(ingest):
    report = simulate(ingest, "webchat", 120, seed=10)

    assert report.accepted == 120 and report.sent == 120
    assert len(report.latencies_ms) == 120  # session calls are setup, not counted
    visitors = [s["json"]["visitor_id"] for s in ingest.rec.sessions]
    assert len(visitors) == len(set(visitors))  # never a second session for a visitor
    assert set(visitors) == {m["visitor_id"] for m in ingest.rec.chat}
    assert len(visitors) < 120  # tokens were reused
    assert all(re.fullmatch(r"v_[0-9a-f]{16}", v) for v in visitors)
    assert all(s["json"]["widget_key"] == WIDGET_KEY for s in ingest.rec.sessions)


def test_web_chat_messages_carry_client_ids_origin_and_sometimes_the_lead_form(ingest):
    simulate(ingest, "webchat", 60, seed=11)

    client_ids = [m["json"]["client_id"] for m in ingest.rec.chat]
    assert len(set(client_ids)) == 60
    assert all(re.fullmatch(r"cm_[0-9a-f]{32}", c) for c in client_ids)
    assert all(m["origin"] == "http://127.0.0.1:8000" for m in ingest.rec.chat)
    assert all(m["json"]["body"] for m in ingest.rec.chat)
    leads = [m["json"] for m in ingest.rec.chat if "email" in m["json"]]
    assert 0 < len(leads) < 30
    assert all(lead["name"] and "@" in lead["email"] for lead in leads)


def test_a_failed_chat_session_counts_the_message_as_rejected(ingest):
    unknown_widget = replace(TARGETS, widget_key="wk_nope")

    report = simulate(ingest, "webchat", 15, targets=unknown_widget)

    assert (report.sent, report.accepted, report.rejected, report.errors) == (15, 0, 15, 0)
    assert report.status_counts == {404: 15}
    assert ingest.rec.chat == []


# --------------------------------------------------------------------------- voice


def test_voice_transcripts_arrive_as_json_with_turns_and_basic_auth(ingest):
    report = simulate(ingest, "voice", 25, seed=12)

    assert report.accepted == 25  # the server checked Basic auth on every call
    for hit in ingest.rec.voice:
        assert hit["content_type"] == "application/json"
        call = hit["json"]
        assert re.fullmatch(r"CA[0-9a-f]{32}", call["call_id"])
        assert re.fullmatch(r"\+1512555\d{4}", call["from"])
        assert call["to"] == TARGETS.sms_number and call["direction"] == "inbound"
        assert datetime.fromisoformat(call["started_at"]).utcoffset().total_seconds() == 0
        assert 30 <= call["duration_seconds"] <= 600
        assert re.fullmatch(
            rf"https://api\.twilio\.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE[0-9a-f]{{32}}",
            call["recording_url"],
        )
        assert 4 <= len(call["turns"]) <= 10
        assert {t["speaker"] for t in call["turns"]} == {"customer", "agent"}
        assert all(t["text"] for t in call["turns"])


def test_a_wrong_webhook_secret_gets_voice_refused(ingest):
    report = simulate(ingest, "voice", 5, secrets=replace(SECRETS, webhook_secret="nope"))

    assert report.status_counts == {401: 5} and report.rejected == 5


# --------------------------------------------------------------------------- the run


def test_accepted_ids_are_exactly_the_provider_ids_the_server_recorded(ingest):
    report = simulate(ingest, "mixed", 80, seed=13)

    assert report.accepted == 80
    assert len(set(report.accepted_ids)) == 80
    assert sorted(report.accepted_ids) == sorted(ingest.rec.provider_ids())


def test_mixed_traffic_only_goes_to_channels_the_workspace_has(ingest):
    whatsapp_and_email = SimulationTargets(None, "+15125550101", "hello@example.com", None)

    report = simulate(ingest, "mixed", 40, seed=14, targets=whatsapp_and_email)

    assert report.accepted == 40
    assert ingest.rec.twilio and ingest.rec.mailgun
    assert not (ingest.rec.chat or ingest.rec.sessions or ingest.rec.voice)  # voice needs SMS
    assert all(h["params"]["From"].startswith("whatsapp:") for h in ingest.rec.twilio)


def test_the_sender_holds_the_requested_rate(ingest):
    started = time.perf_counter()
    report = simulate(ingest, "sms", 60, rate=100)
    wall = time.perf_counter() - started

    assert report.accepted == 60
    assert 0.55 <= wall <= 1.5
    assert 70 <= report.achieved_rate() <= 110


def test_a_slow_server_does_not_lower_the_offered_rate(ingest):
    ingest.rec.voice_delay = 0.5

    report = simulate(ingest, "voice", 20, rate=100, concurrency=20)

    assert report.accepted == 20
    assert report.dispatch_seconds < 0.45  # all 20 went out (due over 0.19 s) before any answer


def test_the_in_flight_cap_holds_requests_back(ingest):
    ingest.rec.voice_delay = 0.2

    report = simulate(ingest, "voice", 6, rate=1000, concurrency=2)

    assert report.accepted == 6
    assert report.dispatch_seconds >= 0.35  # two at a time: 0 s, 0.2 s, 0.4 s


def test_a_refused_connection_is_counted_as_errors_not_raised():
    report = run_simulation(
        f"http://127.0.0.1:{free_port()}", "sms", 6, 300, TARGETS, SECRETS, timeout=2
    )

    assert (report.sent, report.accepted, report.rejected, report.errors) == (6, 0, 0, 6)
    assert report.error_counts == {"ConnectError": 6}
    assert report.latencies_ms == [] and report.status_counts == {}


@pytest.mark.parametrize(
    ("channel", "missing"),
    [
        ("sms", "sms_number"),
        ("whatsapp", "whatsapp_number"),
        ("email", "email_address"),
        ("webchat", "widget_key"),
        ("voice", "sms_number"),
    ],
)
def test_build_request_names_the_missing_address(channel, missing):
    targets = replace(TARGETS, **{missing: None})

    with pytest.raises(ValueError, match=missing):
        build_request(channel, 0, "http://ingest", None, targets, SECRETS, random.Random())


def test_run_simulation_refuses_a_channel_without_an_address_before_sending():
    nothing = SimulationTargets(None, None, None, None)

    with pytest.raises(ValueError, match="sms_number"):
        run_simulation(f"http://127.0.0.1:{free_port()}", "sms", 1, 10, nothing, SECRETS)
    with pytest.raises(ValueError, match="no addresses"):
        run_simulation(f"http://127.0.0.1:{free_port()}", "mixed", 1, 10, nothing, SECRETS)


def test_every_channel_builds_an_absolute_request_on_the_base_url():
    rng = random.Random(15)
    for channel in CHANNELS:
        request = build_request(channel, 0, "http://ingest:8001/", None, TARGETS, SECRETS, rng)
        assert request.url.startswith("http://ingest:8001/") and "//" not in request.url[7:]
        assert request.method == "POST" and request.provider_id


def test_the_summary_reports_counts_codes_latency_and_rate():
    report = SimulationReport(
        sent=4,
        accepted=3,
        rejected=1,
        errors=0,
        status_counts={200: 3, 403: 1},
        latencies_ms=[1.0, 2.0, 3.0, 40.0],
        accepted_ids=["a", "b", "c"],
        channel="sms",
        target_rate=50,
        dispatch_seconds=0.06,
        elapsed_seconds=0.08,
    )

    assert (report.p50(), report.p99()) == (2.0, 40.0)
    text = report.summary()
    for part in (
        "Sent 4 sms",
        "3 accepted",
        "1 rejected",
        "200×3",
        "403×1",
        "p50 2.0 ms",
        "p99 40.0 ms",
        "50.0 requests/s",
        "target 50/s",
    ):
        assert part in text
