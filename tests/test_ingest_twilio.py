"""Twilio's webhooks into the real ingest app: inbound SMS, MMS and WhatsApp, message status
callbacks, call status, recording and transcription callbacks, and the JSON voice transcript.

Payloads carry the fields Twilio documents for each webhook and are signed the way Twilio
signs them (`RequestValidator.compute_signature`) over the public URL, which here has a path
prefix, as behind a reverse proxy. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select
from twilio.request_validator import HMAC_SHA256, RequestValidator

from data import outbox
from data.events import Actor
from data.models import Call, Contact, Conversation, Event, Message
from data.settings import get_settings
from ingest.app import create_app
from tests.factories import make_workspace, text_in

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


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Configure:
    """Set INBOX_* settings for the ingest (read on each request)."""

    def apply(**settings: str) -> None:
        for name, value in settings.items():
            monkeypatch.setenv(f"INBOX_{name.upper()}", value)
        get_settings.cache_clear()

    return apply


@pytest.fixture
def twilio(engine: Engine, session: Session, configure: Configure) -> Iterator[Twilio]:
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


# --- inbound messages --------------------------------------------------------------------


def test_an_sms_is_stored_with_its_contact_and_conversation_and_answered_with_empty_twiml(
    twilio: Twilio, engine: Engine
) -> None:
    response = twilio.post(MESSAGING, sms("Hi, do you fix leaking water heaters?"))

    assert response.status_code == 200
    assert is_empty_twiml(response)
    [message] = rows(engine, Message)
    [contact] = rows(engine, Contact)
    [conversation] = rows(engine, Conversation)
    assert (message.channel, message.direction, message.status) == ("sms", "inbound", "received")
    assert message.body == "Hi, do you fix leaking water heaters?"
    assert message.provider_id == "SM1e0a7c3e5b2d4f6a8c9e1b3d5f7a9c2e"
    assert (message.from_address, message.to_address) == (CUSTOMER, OUR_NUMBER)
    assert message.meta["account_sid"] == ACCOUNT_SID
    assert message.meta["messaging_service_sid"] == SERVICE_SID
    assert contact.phone == CUSTOMER
    assert (conversation.channel, conversation.contact_id) == ("sms", contact.id)
    assert (message.contact_id, message.conversation_id) == (contact.id, conversation.id)
    assert conversation.last_message_preview == "Hi, do you fix leaking water heaters?"


def test_an_mms_keeps_every_media_url_and_its_content_type(twilio: Twilio, engine: Engine) -> None:
    media_base = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM7b/Media"
    response = twilio.post(
        MESSAGING,
        mms((f"{media_base}/ME1", "image/jpeg"), (f"{media_base}/ME2", "video/mp4")),
    )

    assert response.status_code == 200
    [message] = rows(engine, Message)
    assert message.media == [
        {"url": f"{media_base}/ME1", "content_type": "image/jpeg"},
        {"url": f"{media_base}/ME2", "content_type": "video/mp4"},
    ]
    assert message.body == "Here's the leak"


def test_a_whatsapp_message_drops_the_prefixes_and_names_the_contact_by_profile_name(
    twilio: Twilio, engine: Engine
) -> None:
    response = twilio.post(MESSAGING, whatsapp())

    assert response.status_code == 200
    [message] = rows(engine, Message)
    [contact] = rows(engine, Contact)
    [conversation] = rows(engine, Conversation)
    assert message.channel == conversation.channel == "whatsapp"
    assert (message.from_address, message.to_address) == (CUSTOMER, OUR_WHATSAPP)
    assert (contact.phone, contact.name) == (CUSTOMER, "Rosa Delgado")
    assert message.meta["wa_id"] == CUSTOMER.lstrip("+")


def test_a_retry_of_the_same_message_sid_is_answered_200_and_stores_nothing_new(
    twilio: Twilio, engine: Engine
) -> None:
    retry_token = {"I-Twilio-Idempotency-Token": "2c1e7e33-6a3c-4d36-9d7b-7a0a1e0b5f11"}
    first = twilio.post(MESSAGING, sms(), headers=retry_token)
    stored = counts(engine)

    again = twilio.post(MESSAGING, sms(), headers=retry_token)

    assert (first.status_code, again.status_code) == (200, 200)
    assert is_empty_twiml(again)
    assert counts(engine) == stored
    assert stored["message"] == 1


def test_a_message_to_a_number_no_workspace_has_is_404_and_stores_nothing(
    twilio: Twilio, engine: Engine
) -> None:
    response = twilio.post(MESSAGING, sms(To="+15125559876"))

    assert response.status_code == 404
    assert "+15125559876" in response.json()["detail"]
    assert counts(engine) == NOTHING


@pytest.mark.parametrize(
    "forgery",
    ["no signature", "another account's token", "body changed after signing", "internal URL"],
)
def test_a_request_not_signed_by_our_twilio_account_is_403_and_stores_nothing(
    twilio: Twilio, engine: Engine, forgery: str
) -> None:
    payload = sms()
    if forgery == "no signature":
        response = twilio.client.post(MESSAGING, data=payload)
    elif forgery == "another account's token":
        response = twilio.post(MESSAGING, payload, secret="0" * 32)
    elif forgery == "body changed after signing":
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + MESSAGING, payload)
        response = twilio.client.post(
            MESSAGING,
            data={**payload, "Body": "STOP"},
            headers={"X-Twilio-Signature": signature},
        )
    else:  # signed for the address ingest listens on, not the one Twilio was given
        response = twilio.post(MESSAGING, payload, signed_url=f"http://testserver{MESSAGING}")

    assert response.status_code == 403
    assert response.json()["detail"]
    assert counts(engine) == NOTHING


def test_a_signature_over_the_url_with_its_query_string_validates(
    twilio: Twilio, engine: Engine
) -> None:
    response = twilio.post(MESSAGING, sms(), query="foo=1&bar=2")

    assert response.status_code == 200
    assert len(rows(engine, Message)) == 1


def test_a_request_signed_with_the_webhook_settings_shared_key_and_hmac_sha256_validates(
    twilio: Twilio, engine: Engine, configure: Configure
) -> None:
    configure(twilio_webhook_shared_key=SHARED_KEY)
    settings = {"X-Twilio-Webhooks-Signature-Settings": "key=whsk_id_1,algorithm=HMAC_SHA256"}

    response = twilio.post(
        MESSAGING, sms(), secret=SHARED_KEY, algorithm=HMAC_SHA256, headers=settings
    )

    assert response.status_code == 200
    assert len(rows(engine, Message)) == 1


def test_a_signed_request_for_another_twilio_account_is_403_when_our_account_sid_is_set(
    twilio: Twilio, engine: Engine, configure: Configure
) -> None:
    configure(twilio_account_sid=ACCOUNT_SID)

    response = twilio.post(MESSAGING, sms(AccountSid="AC" + "e" * 32))

    assert response.status_code == 403
    assert "AccountSid" in response.json()["detail"]
    assert counts(engine) == NOTHING


def test_insecure_webhooks_turns_the_signature_check_off(
    twilio: Twilio, engine: Engine, configure: Configure
) -> None:
    configure(insecure_webhooks="1")

    response = twilio.client.post(MESSAGING, data=sms())

    assert response.status_code == 200
    assert len(rows(engine, Message)) == 1


def test_stop_by_sms_opts_the_contact_out_before_the_webhook_is_answered(
    twilio: Twilio, engine: Engine
) -> None:
    response = twilio.post(MESSAGING, sms("STOP"))

    assert response.status_code == 200
    [contact] = rows(engine, Contact)
    [message] = rows(engine, Message)
    assert contact.opted_out_at is not None
    assert (contact.opted_out_keyword, contact.opted_out_channel) == ("STOP", "sms")
    assert message.meta["keyword"] == "stop"
    assert [event.kind for event in rows(engine, Event)] == ["opted_out"]


# --- message status callbacks ------------------------------------------------------------

OUTBOUND_SID = "SM0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c"


@pytest.fixture
def sent_reply(twilio: Twilio, session: Session) -> Message:
    """An AI reply the pipeline handed to Twilio, which answered with OUTBOUND_SID."""
    inbound = text_in(session, "Are you open on Saturday?", sender=CUSTOMER, to=OUR_NUMBER)
    reply = outbox.enqueue(session, inbound.conversation, "Yes, 8am to noon.", Actor.ai())
    reply.provider_id = OUTBOUND_SID
    session.add(reply)
    session.commit()
    return reply


def status_of(engine: Engine, message_id: int) -> Message:
    with Session(engine) as session:
        return session.get(Message, message_id)


def test_status_callbacks_move_an_outbound_message_forward_and_never_back(
    twilio: Twilio, engine: Engine, sent_reply: Message
) -> None:
    seen = []
    for status in ("queued", "sent", "delivered", "sent"):  # the last one arrives late
        response = twilio.post(STATUS, status_callback(OUTBOUND_SID, status))
        assert response.status_code == 204
        seen.append(status_of(engine, sent_reply.id).status)

    assert seen == ["queued", "sent", "delivered", "delivered"]
    assert status_of(engine, sent_reply.id).delivered_at is not None


def test_carrier_error_21610_opts_the_recipient_out(
    twilio: Twilio, engine: Engine, sent_reply: Message
) -> None:
    response = twilio.post(
        STATUS,
        status_callback(
            OUTBOUND_SID,
            "undelivered",
            ErrorCode="21610",
            ErrorMessage="Attempt to send to unsubscribed recipient",
        ),
    )

    assert response.status_code == 204
    message = status_of(engine, sent_reply.id)
    assert (message.status, message.error_code) == ("undelivered", "21610")
    [contact] = rows(engine, Contact)
    assert contact.opted_out_at is not None


def test_a_status_callback_with_an_unknown_message_status_is_400(
    twilio: Twilio, engine: Engine, sent_reply: Message
) -> None:
    response = twilio.post(STATUS, status_callback(OUTBOUND_SID, "teleported"))

    assert response.status_code == 400
    assert "teleported" in response.json()["detail"]
    assert status_of(engine, sent_reply.id).status == "queued"


# --- bad input ---------------------------------------------------------------------------


def _multipart_with_wrong_boundary() -> tuple[bytes, str]:
    body = b'--real\r\nContent-Disposition: form-data; name="MessageSid"\r\n\r\nSM1\r\n--real--\r\n'
    return body, "multipart/form-data; boundary=declared"


def post_bad_input(twilio: Twilio, case: str) -> httpx.Response:
    if case == "NumMedia not a number":
        return twilio.post(MESSAGING, sms(NumMedia="abc"))
    if case == "From missing":
        payload = sms()
        del payload["From"]
        return twilio.post(MESSAGING, payload)
    if case == "Body not UTF-8":
        # Signed over what the server decodes, so only the encoding is wrong.
        payload = sms("\ufffd\ufffd")
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + MESSAGING, payload)
        return twilio.client.post(
            MESSAGING,
            content=urlencode({k: v for k, v in payload.items() if k != "Body"}).encode()
            + b"&Body=%FF%FE",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
        )
    if case == "malformed multipart":
        body, content_type = _multipart_with_wrong_boundary()
        return twilio.client.post(MESSAGING, content=body, headers={"Content-Type": content_type})
    assert case == "2 MB body"
    return twilio.post(MESSAGING, sms("x" * (2 * 1024 * 1024)))


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("NumMedia not a number", 400),
        ("From missing", 400),
        ("Body not UTF-8", 400),
        ("malformed multipart", 400),
        ("2 MB body", 413),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_stores_nothing(
    twilio: Twilio, engine: Engine, case: str, status: int
) -> None:
    response = post_bad_input(twilio, case)

    assert response.status_code == status
    assert response.json()["detail"]
    assert counts(engine) == NOTHING


# --- calls -------------------------------------------------------------------------------


def test_call_status_and_transcription_callbacks_make_one_call_in_a_voice_conversation(
    twilio: Twilio, engine: Engine
) -> None:
    callbacks = [
        call_status("ringing", 0),
        call_status("in-progress", 1),
        call_status(
            "completed",
            2,
            CallDuration="95",
            RecordingUrl=RECORDING_URL,
            RecordingSid="RE5c1e",
            RecordingDuration="90",
        ),
        transcription_callback("Hi, my kitchen sink is leaking, can someone come today?"),
    ]
    for params in callbacks:
        response = twilio.post(VOICE, params)
        assert response.status_code == 200
        assert is_empty_twiml(response)

    [call] = rows(engine, Call)
    [contact] = rows(engine, Contact)
    [conversation] = rows(engine, Conversation)
    assert call.provider_id == CALL_SID
    assert (call.status, call.direction, call.duration_seconds) == ("completed", "inbound", 95)
    assert call.recording_url == RECORDING_URL
    assert call.transcript == [
        {"speaker": "customer", "text": "Hi, my kitchen sink is leaking, can someone come today?"}
    ]
    assert (call.from_address, call.to_address) == (CUSTOMER, OUR_NUMBER)
    assert contact.phone == CUSTOMER
    assert (conversation.channel, conversation.contact_id) == ("voice", contact.id)
    assert call.conversation_id == conversation.id


def test_a_late_call_progress_event_does_not_move_a_completed_call_back(
    twilio: Twilio, engine: Engine
) -> None:
    twilio.post(VOICE, call_status("completed", 3, CallDuration="42"))

    late = twilio.post(VOICE, call_status("in-progress", 2))

    assert late.status_code == 200
    [call] = rows(engine, Call)
    assert (call.status, call.duration_seconds) == ("completed", 42)


def test_a_recording_status_callback_adds_the_recording_to_the_known_call(
    twilio: Twilio, engine: Engine
) -> None:
    twilio.post(VOICE, call_status("completed", 2, CallDuration="95"))
    recording = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": CALL_SID,
        "RecordingSid": "RE5c1e",
        "RecordingUrl": RECORDING_URL,
        "RecordingStatus": "completed",
        "RecordingDuration": "90",
        "RecordingChannels": "1",
        "RecordingStartTime": "Tue, 14 May 2024 16:20:07 +0000",
        "RecordingSource": "RecordVerb",
        "RecordingTrack": "both",
    }

    response = twilio.post(VOICE, recording)

    assert response.status_code in (200, 204)
    [call] = rows(engine, Call)
    assert call.recording_url == RECORDING_URL


# --- the JSON voice transcript -----------------------------------------------------------


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


def test_a_json_transcript_stores_a_call_with_its_turns(twilio: Twilio, engine: Engine) -> None:
    response = twilio.client.post(TRANSCRIPT, json=transcript(), headers=basic_auth(WEBHOOK_SECRET))

    assert response.status_code == 200
    assert response.json() == {"status": "stored", "call_id": "va_call_8812"}
    [call] = rows(engine, Call)
    [conversation] = rows(engine, Conversation)
    assert call.provider_id == "va_call_8812"
    assert call.duration_seconds == 184
    assert [turn["speaker"] for turn in call.transcript] == ["agent", "customer"]
    assert call.summary.startswith("Water heater pilot light")
    assert conversation.channel == "voice" and call.conversation_id == conversation.id


@pytest.mark.parametrize(
    "body",
    [
        b'{"call_id": 5, "turns": "none"}',
        b"{not json",
    ],
    ids=["invalid transcript", "not JSON"],
)
def test_a_json_transcript_with_a_wrong_secret_is_403_before_the_body_is_read(
    twilio: Twilio, engine: Engine, body: bytes
) -> None:
    response = twilio.client.post(
        TRANSCRIPT,
        content=body,
        headers={"Content-Type": "application/json", **basic_auth("guessed")},
    )

    assert response.status_code == 403
    assert counts(engine) == NOTHING


def test_a_repeated_json_transcript_updates_the_call_instead_of_adding_one(
    twilio: Twilio, engine: Engine
) -> None:
    auth = basic_auth(WEBHOOK_SECRET)
    twilio.client.post(TRANSCRIPT, json=transcript(summary="", turns=[]), headers=auth)

    again = twilio.client.post(TRANSCRIPT, json=transcript(), headers=auth)

    assert again.status_code == 200
    [call] = rows(engine, Call)
    assert len(call.transcript) == 2
    assert call.summary.startswith("Water heater pilot light")
    assert len(rows(engine, Conversation)) == 1
