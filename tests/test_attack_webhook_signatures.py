"""Forged and replayed webhook signatures: a request ingest did not get from the provider
holding the secret is a 403 and writes nothing, and one it did get, sent again, stores nothing
new. Twilio (HMAC over the public URL and the form, on every Twilio endpoint), Mailgun (HMAC
over timestamp and token, a fresh timestamp, a token used once across every worker), and HTTP
Basic auth for SendGrid, raw MIME and voice transcripts. Every test runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from twilio.request_validator import HMAC_SHA256, RequestValidator

from data import outbox
from data.events import Actor
from data.models import Message, WebhookNonce
from ingest.app import create_app
from tests.email_providers import (
    MAILGUN_KEY,
    eml,
    mailgun_mime_post,
    mailgun_post,
    mailgun_signature,
    sendgrid_post,
)
from tests.email_providers import WEBHOOK_SECRET as EMAIL_SECRET
from tests.factories import make_workspace, text_in
from tests.twilio_webhooks import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CUSTOMER,
    MESSAGING,
    NOTHING,
    OUR_NUMBER,
    PUBLIC_URL,
    SHARED_KEY,
    STATUS,
    TRANSCRIPT,
    VOICE,
    Configure,
    Twilio,
    basic_auth,
    call_status,
    configure_fixture,  # noqa: F401  (the `configure` fixture)
    counts,
    is_empty_twiml,
    rows,
    sms,
    status_callback,
    transcript,
    twilio_fixture,  # noqa: F401  (the `twilio` fixture)
)

MAILGUN = "/webhooks/email/mailgun"


@pytest.fixture
def client(engine: Engine, session: Session, configure: Configure) -> Iterator[TestClient]:
    """The ingest app with the email secrets set and the brightwater workspace."""
    make_workspace(session, "brightwater")
    session.commit()
    configure(mailgun_signing_key=MAILGUN_KEY, webhook_secret=EMAIL_SECRET)
    with TestClient(create_app()) as test_client:
        yield test_client


def messages(session: Session) -> list[Message]:
    session.expire_all()
    return list(session.exec(select(Message).where(Message.direction == "inbound")))


# --------------------------------------------------------------------------- Twilio: forged


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


def test_a_signature_for_one_webhook_is_refused_on_another(twilio: Twilio, engine: Engine) -> None:
    payload = sms()
    signed_for_status = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + STATUS, payload)

    response = twilio.client.post(
        MESSAGING, data=payload, headers={"X-Twilio-Signature": signed_for_status}
    )

    assert response.status_code == 403
    assert counts(engine) == NOTHING


def test_a_signature_over_a_query_string_is_refused_without_it(
    twilio: Twilio, engine: Engine
) -> None:
    payload = sms()
    url = f"{PUBLIC_URL}{MESSAGING}?workspace=acme"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, payload)

    response = twilio.client.post(
        MESSAGING, data=payload, headers={"X-Twilio-Signature": signature}
    )

    assert response.status_code == 403
    assert counts(engine) == NOTHING


def test_a_webhook_settings_signature_is_refused_when_no_shared_key_is_configured(
    twilio: Twilio, engine: Engine
) -> None:
    settings = {"X-Twilio-Webhooks-Signature-Settings": "key=whsk_id_1,algorithm=HMAC_SHA256"}

    response = twilio.post(
        MESSAGING, sms(), secret=SHARED_KEY, algorithm=HMAC_SHA256, headers=settings
    )

    assert response.status_code == 403
    assert counts(engine) == NOTHING


@pytest.mark.parametrize("path", [STATUS, VOICE])
def test_status_and_voice_callbacks_need_a_valid_signature_too(
    twilio: Twilio, engine: Engine, session: Session, path: str
) -> None:
    inbound = text_in(session, "Are you open?", sender=CUSTOMER, to=OUR_NUMBER)
    reply = outbox.enqueue(session, inbound.conversation, "Yes.", Actor.ai())
    reply.provider_id = "SM" + "d" * 32
    session.commit()
    before = counts(engine)
    payload = (
        status_callback(reply.provider_id, "delivered")
        if path == STATUS
        else call_status("completed", 1, CallDuration="60")
    )

    unsigned = twilio.client.post(path, data=payload)
    forged = twilio.post(path, payload, secret="f" * 32)

    assert (unsigned.status_code, forged.status_code) == (403, 403)
    assert counts(engine) == before
    session.expire_all()
    assert session.get(Message, reply.id).status == "queued"


# --------------------------------------------------------------------------- Twilio: replayed


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


def test_a_captured_signed_request_replayed_many_times_stores_one_message(
    twilio: Twilio, engine: Engine
) -> None:
    # No idempotency header this time: what an attacker who captured the request would send.
    answers = [twilio.post(MESSAGING, sms("Please call me back")) for _ in range(5)]

    assert [a.status_code for a in answers] == [200] * 5
    assert all(is_empty_twiml(a) for a in answers)
    assert counts(engine)["message"] == 1


# --------------------------------------------------------------------------- Mailgun


def test_a_replayed_mailgun_token_is_refused_with_403_and_stores_nothing(client, session) -> None:
    post = mailgun_post(eml("no_message_id.eml"), token="a" * 50)
    assert client.post("/webhooks/email/mailgun", **post).status_code == 200
    replay = mailgun_post(eml("outlook_reply.eml"), token="a" * 50)
    response = client.post("/webhooks/email/mailgun", **replay)
    assert response.status_code == 403 and "already used" in response.json()["detail"]
    assert len(messages(session)) == 1


def test_a_forged_mailgun_signature_is_refused_with_403(client, session) -> None:
    post = mailgun_post(eml("gmail_reply.eml"), key="not-the-signing-key")
    assert client.post("/webhooks/email/mailgun", **post).status_code == 403
    assert messages(session) == []


def test_a_stale_mailgun_timestamp_is_refused_with_403(client, session) -> None:
    post = mailgun_post(eml("gmail_reply.eml"), timestamp=str(int(time.time()) - 3600))
    response = client.post("/webhooks/email/mailgun", **post)
    assert response.status_code == 403 and "Stale" in response.json()["detail"]


def test_a_forged_mailgun_post_is_refused_before_its_content_is_judged(client, session) -> None:
    post = mailgun_mime_post(eml("malformed.eml"))
    post["content"] = post["content"].replace(
        b'name="signature"\r\n\r\n', b'name="signature"\r\n\r\n0'
    )
    assert client.post("/webhooks/email/mailgun", **post).status_code == 403


def test_a_mailgun_signature_moved_onto_another_token_is_refused(client, session) -> None:
    post = mailgun_post(eml("gmail_reply.eml"), token="b" * 50)
    post["data"]["token"] = "c" * 50  # the signature of token b…, sent with token c…

    response = client.post(MAILGUN, **post)

    assert response.status_code == 403 and "Invalid" in response.json()["detail"]
    assert messages(session) == []


def test_a_mailgun_timestamp_from_the_future_is_refused(client, session) -> None:
    post = mailgun_post(eml("gmail_reply.eml"), timestamp=str(int(time.time()) + 3600))

    response = client.post(MAILGUN, **post)

    assert response.status_code == 403 and "Stale" in response.json()["detail"]
    assert messages(session) == []


@pytest.mark.parametrize("missing", ["timestamp", "token", "signature"])
def test_a_mailgun_post_without_its_signature_fields_is_refused(client, session, missing) -> None:
    post = mailgun_post(eml("gmail_reply.eml"))
    del post["data"][missing]

    assert client.post(MAILGUN, **post).status_code == 403
    assert messages(session) == []


def test_a_mailgun_token_used_at_one_worker_is_refused_at_another(client, session) -> None:
    token, timestamp = "d" * 50, str(int(time.time()))
    assert client.post(MAILGUN, **mailgun_post(eml("no_message_id.eml"), token=token)).is_success

    with TestClient(create_app()) as other_worker:
        replay = mailgun_post(eml("outlook_reply.eml"), token=token, timestamp=timestamp)
        response = other_worker.post(MAILGUN, **replay)

    assert response.status_code == 403 and "already used" in response.json()["detail"]
    assert len(messages(session)) == 1
    assert len(session.exec(select(WebhookNonce)).all()) == 1


def test_a_mailgun_signature_check_is_exactly_mailguns_scheme(client, session) -> None:
    # Guards the tests above: the signature they forge is the one Mailgun documents.
    post = mailgun_post(eml("gmail_reply.eml"), token="e" * 50, timestamp="1700000000")
    assert post["data"]["signature"] == mailgun_signature("1700000000", "e" * 50)


# --------------------------------------------------------------------------- HTTP Basic


def test_a_sendgrid_post_without_the_webhook_secret_is_refused_with_403(client, session) -> None:
    post = sendgrid_post(eml("outlook_reply.eml"))
    response = client.post("/webhooks/email/sendgrid", auth=("inbox", "guess"), **post)
    assert response.status_code == 403 and messages(session) == []


def test_a_raw_post_with_a_wrong_secret_is_refused_before_its_content_is_judged(client) -> None:
    response = client.post(
        "/webhooks/email/raw",
        content=eml("malformed.eml"),
        headers={"Content-Type": "message/rfc822"},
        auth=("inbox", "guess"),
    )
    assert response.status_code == 403


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


CREDENTIALS = {
    "none": {},
    "wrong password": _basic("inbox", "guess"),
    "empty password": _basic("inbox", ""),
    "the secret as the user name": _basic(EMAIL_SECRET, ""),
    "a prefix of the secret": _basic("inbox", EMAIL_SECRET[:-1]),
    "bearer scheme": {"Authorization": f"Bearer {EMAIL_SECRET}"},
    "not base64": {"Authorization": "Basic %%%not-base64%%%"},
    "not UTF-8": {"Authorization": "Basic " + base64.b64encode(b"inbox:\xff\xfe").decode()},
}


def _post_basic(client: TestClient, endpoint: str, headers: dict[str, str]) -> httpx.Response:
    if endpoint == "sendgrid":
        post = sendgrid_post(eml("outlook_reply.eml"))
        return client.post(
            "/webhooks/email/sendgrid",
            content=post["content"],
            headers={**post["headers"], **headers},
        )
    if endpoint == "raw":
        return client.post(
            "/webhooks/email/raw",
            content=eml("outlook_reply.eml"),
            headers={"Content-Type": "message/rfc822", **headers},
        )
    return client.post(TRANSCRIPT, json=transcript(to="+15125550100"), headers=headers)


@pytest.mark.parametrize("endpoint", ["sendgrid", "raw", "transcript"])
@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_basic_auth_endpoints_refuse_anything_but_the_webhook_secret(
    client, engine, endpoint, credentials
) -> None:
    response = _post_basic(client, endpoint, CREDENTIALS[credentials])

    assert response.status_code == 403
    assert counts(engine) == NOTHING


@pytest.mark.parametrize("endpoint", ["sendgrid", "raw", "transcript"])
def test_basic_auth_endpoints_accept_the_webhook_secret(client, engine, endpoint) -> None:
    # Guards the test above: the same requests with the right secret are stored.
    response = _post_basic(client, endpoint, _basic("inbox", EMAIL_SECRET))

    assert response.status_code == 200, response.text
    assert counts(engine)["message"] + counts(engine)["call"] == 1
