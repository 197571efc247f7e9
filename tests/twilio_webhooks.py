"""Twilio's webhooks as Twilio sends them, for tests: the documented payloads (inbound SMS, MMS
and WhatsApp, message status, call status and transcription callbacks, the JSON voice
transcript), a client that signs each request the way Twilio does
(`RequestValidator.compute_signature`) over the public URL, and the `twilio` fixture: the real
ingest app with one workspace, checking signatures against that URL (which has a path prefix,
as behind a reverse proxy)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select
from twilio.request_validator import RequestValidator

from data.models import Call, Contact, Conversation, Event, Message
from data.settings import get_settings
from ingest.app import create_app
from tests.factories import make_workspace

PUBLIC_URL = "https://inbox.example.com/hooks"
ACCOUNT_SID = "AC3f9c2e1d0b8a7f6e5d4c3b2a1f0e9d8c"
AUTH_TOKEN = "9d1c6f0e8b7a4c3d2e1f0a9b8c7d6e5f"
SHARED_KEY = "whsk_Yc5XQ1b9s0W2nP7rT4uV8zA3"
WEBHOOK_SECRET = "transcripts-are-private"
SERVICE_SID = "MG9752274e9e519418a7406176694466fa"

OUR_NUMBER = "+15125550100"  # SMS and voice (tests.factories.make_workspace)
OUR_WHATSAPP = "+15125550101"
CUSTOMER = "+15125550123"

MESSAGING = "/webhooks/twilio/messaging"
STATUS = "/webhooks/twilio/status"
VOICE = "/webhooks/twilio/voice"
TRANSCRIPT = "/webhooks/voice/transcript"


# --- Twilio's documented payloads --------------------------------------------------------


def sms(body: str = "Hi, do you fix leaking water heaters?", **fields: str) -> dict[str, str]:
    """An inbound SMS as Twilio posts it to a number's messaging webhook."""
    sid = fields.pop("MessageSid", "SM1e0a7c3e5b2d4f6a8c9e1b3d5f7a9c2e")
    return {
        "ToCountry": "US",
        "ToState": "TX",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "AUSTIN",
        "FromZip": "78704",
        "SmsSid": sid,
        "FromState": "TX",
        "SmsStatus": "received",
        "FromCity": "AUSTIN",
        "Body": body,
        "FromCountry": "US",
        "To": OUR_NUMBER,
        "MessagingServiceSid": SERVICE_SID,
        "ToZip": "78701",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": CUSTOMER,
        "ApiVersion": "2010-04-01",
        **fields,
    }


def mms(*media: tuple[str, str], **fields: str) -> dict[str, str]:
    sid = "MM7b2c4e6a8d0f1e3c5a7b9d1f3e5a7c9b"
    payload = sms("Here's the leak", MessageSid=sid, NumMedia=str(len(media)), **fields)
    for index, (url, content_type) in enumerate(media):
        payload[f"MediaUrl{index}"] = url
        payload[f"MediaContentType{index}"] = content_type
    return payload


def whatsapp(
    body: str = "Hola! Is anyone available this weekend?", **fields: str
) -> dict[str, str]:
    """An inbound WhatsApp message: addresses carry the `whatsapp:` prefix."""
    sid = "SMa4c6e8f0b2d4f6a8c0e2b4d6f8a0c2e4"
    return {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Rosa Delgado",
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": CUSTOMER.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": f"whatsapp:{OUR_WHATSAPP}",
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:{CUSTOMER}",
        "ApiVersion": "2010-04-01",
        **fields,
    }


def status_callback(sid: str, status: str, **fields: str) -> dict[str, str]:
    """A message status callback for an outbound message we sent from our number."""
    return {
        "SmsSid": sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": CUSTOMER,
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": OUR_NUMBER,
        "ApiVersion": "2010-04-01",
        **fields,
    }


CALL_SID = "CAf3a1c5e7b9d2f4a6c8e0b2d4f6a8c0e2"
RECORDING_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE5c1e"


def call_status(status: str, sequence: int, **fields: str) -> dict[str, str]:
    """A call status callback for an inbound call to our number."""
    return {
        "Called": OUR_NUMBER,
        "ToState": "TX",
        "CallerCountry": "US",
        "Direction": "inbound",
        "Timestamp": f"Tue, 14 May 2024 16:2{sequence}:05 +0000",
        "CallbackSource": "call-progress-events",
        "CallerState": "TX",
        "ToZip": "78701",
        "SequenceNumber": str(sequence),
        "CallSid": CALL_SID,
        "To": OUR_NUMBER,
        "CallerZip": "78704",
        "ToCountry": "US",
        "ApiVersion": "2010-04-01",
        "CalledZip": "78701",
        "CallStatus": status,
        "From": CUSTOMER,
        "AccountSid": ACCOUNT_SID,
        "Caller": CUSTOMER,
        **fields,
    }


def transcription_callback(text: str) -> dict[str, str]:
    """What Twilio posts to a <Record transcribeCallback> when the transcript is ready."""
    return {
        "TranscriptionSid": "TRb1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1",
        "TranscriptionText": text,
        "TranscriptionStatus": "completed",
        "TranscriptionUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}"
        "/Transcriptions/TRb1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1",
        "RecordingSid": "RE5c1e",
        "RecordingUrl": RECORDING_URL,
        "CallSid": CALL_SID,
        "AccountSid": ACCOUNT_SID,
        "From": CUSTOMER,
        "To": OUR_NUMBER,
        "CallStatus": "completed",
        "ApiVersion": "2010-04-01",
        "Direction": "inbound",
        "ForwardedFrom": "",
    }


# --- playing Twilio against the ingest ---------------------------------------------------


@dataclass
class Twilio:
    """Signs requests the way Twilio does and posts them to the ingest app."""

    client: TestClient

    def post(
        self,
        path: str,
        params: dict[str, str],
        *,
        query: str = "",
        secret: str = AUTH_TOKEN,
        algorithm: str | None = None,
        signed_url: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        target = path + (f"?{query}" if query else "")
        url = signed_url or PUBLIC_URL + target
        signature = RequestValidator(secret).compute_signature(url, params, algorithm)
        return self.client.post(
            target,
            data=params,
            headers={"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"}
            | (headers or {}),
        )


Configure = Callable[..., None]


@pytest.fixture(name="configure")
def configure_fixture(monkeypatch: pytest.MonkeyPatch) -> Configure:
    """Set INBOX_* settings for the ingest (read on each request)."""

    def apply(**settings: str) -> None:
        for name, value in settings.items():
            monkeypatch.setenv(f"INBOX_{name.upper()}", value)
        get_settings.cache_clear()

    return apply


@pytest.fixture(name="twilio")
def twilio_fixture(engine: Engine, session: Session, configure: Configure) -> Iterator[Twilio]:
    """The ingest app with one workspace, checking signatures against PUBLIC_URL."""
    make_workspace(session)
    session.commit()
    configure(public_url=PUBLIC_URL, twilio_auth_token=AUTH_TOKEN, webhook_secret=WEBHOOK_SECRET)
    with TestClient(create_app()) as client:
        yield Twilio(client)


def rows(engine: Engine, model: type[SQLModel]) -> list:
    with Session(engine) as session:
        return list(session.exec(select(model).order_by(model.id)))


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Message, Contact, Conversation, Call, Event)
        }


NOTHING = {"message": 0, "contact": 0, "conversation": 0, "call": 0, "event": 0}


def is_empty_twiml(response: httpx.Response) -> bool:
    root = ElementTree.fromstring(response.text)
    return response.headers["content-type"].startswith("application/xml") and (
        root.tag == "Response" and len(root) == 0 and not (root.text or "").strip()
    )


def basic_auth(password: str) -> dict[str, str]:
    token = base64.b64encode(f"inbox:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def transcript(**fields: object) -> dict[str, object]:
    return {
        "call_id": "va_call_8812",
        "from": CUSTOMER,
        "to": OUR_NUMBER,
        "direction": "inbound",
        "started_at": "2024-05-14T16:20:00Z",
        "duration_seconds": 184,
        "recording_url": "https://voice.example.com/recordings/va_call_8812.mp3",
        "summary": "Water heater pilot light keeps going out; wants a visit Thursday.",
        "turns": [
            {"speaker": "agent", "text": "Brightwater Plumbing, how can I help?"},
            {"speaker": "customer", "text": "My water heater's pilot light keeps going out."},
        ],
        **fields,
    }
