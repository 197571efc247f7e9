"""Twilio's webhooks into the real ingest app: inbound SMS, MMS and WhatsApp, message status
callbacks, call status, recording and transcription callbacks, and the JSON voice transcript.

Payloads carry the fields Twilio documents for each webhook and are signed the way Twilio
signs them over the public URL (tests/twilio_webhooks.py). Every test runs on SQLite and on
PostgreSQL. Forged, replayed and misdirected signatures: test_attack_webhook_signatures.py."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from data import outbox
from data.events import Actor
from data.models import Call, Contact, Conversation, Event, Message
from tests.factories import text_in
from tests.twilio_webhooks import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALL_SID,
    CUSTOMER,
    MESSAGING,
    NOTHING,
    OUR_NUMBER,
    OUR_WHATSAPP,
    PUBLIC_URL,
    RECORDING_URL,
    SERVICE_SID,
    STATUS,
    TRANSCRIPT,
    VOICE,
    WEBHOOK_SECRET,
    Twilio,
    basic_auth,
    call_status,
    configure_fixture,  # noqa: F401  (the `configure` fixture)
    counts,
    is_empty_twiml,
    mms,
    rows,
    sms,
    status_callback,
    transcript,
    transcription_callback,
    twilio_fixture,  # noqa: F401  (the `twilio` fixture)
    whatsapp,
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


def test_a_message_to_a_number_no_workspace_has_is_404_and_stores_nothing(
    twilio: Twilio, engine: Engine
) -> None:
    response = twilio.post(MESSAGING, sms(To="+15125559876"))

    assert response.status_code == 404
    assert "+15125559876" in response.json()["detail"]
    assert counts(engine) == NOTHING


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
