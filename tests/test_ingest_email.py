"""Inbound email through the real ingest app, on SQLite and PostgreSQL: Mailgun (fully parsed
and raw MIME), SendGrid Inbound Parse (parsed and raw) and raw RFC 5322 posts, each built from
a hand-written .eml fixture and signed as the provider signs. What is checked is what lands in
the database: the message, its thread, its meta, and nothing at all when a post is refused.
Forged and replayed posts: test_attack_webhook_signatures.py."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from data import outbox
from data.events import Actor
from data.inbound import InboundMessage, receive
from data.models import Contact, Message, WebhookNonce
from data.settings import get_settings
from inbox.simulate.models import SimulationSecrets, SimulationTargets
from inbox.simulate.payloads import build_request
from ingest.app import create_app
from tests.email_providers import (
    MAILGUN_KEY,
    WEBHOOK_SECRET,
    eml,
    mailgun_mime_post,
    mailgun_post,
    sendgrid_post,
)
from tests.factories import make_workspace

OURS = "hello@brightwater.example"
AUTH = ("inbox", WEBHOOK_SECRET)


@pytest.fixture
def client(engine, session: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    make_workspace(session, "brightwater")
    session.commit()
    monkeypatch.setenv("INBOX_MAILGUN_SIGNING_KEY", MAILGUN_KEY)
    monkeypatch.setenv("INBOX_WEBHOOK_SECRET", WEBHOOK_SECRET)
    get_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client


def messages(session: Session) -> list[Message]:
    session.expire_all()
    return list(session.exec(select(Message).where(Message.direction == "inbound")))


def only_message(session: Session) -> Message:
    stored = messages(session)
    assert len(stored) == 1, stored
    return stored[0]


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def raw_post(client: TestClient, raw: bytes, kind: str = "message/rfc822", **params: str):
    headers = {"Content-Type": kind}
    return client.post(
        "/webhooks/email/raw", content=raw, headers=headers, params=params, auth=AUTH
    )


# --------------------------------------------------------------------------- Mailgun


def test_the_simulators_mailgun_post_is_stored(client, session) -> None:
    targets = SimulationTargets(None, None, OURS, None)
    secrets = SimulationSecrets("AC" + "0" * 32, None, MAILGUN_KEY, None)
    request = build_request(
        "email", 0, "http://testserver", None, targets, secrets, random.Random(3)
    )
    response = client.post(
        request.url, data=request.data, files=request.files, headers=request.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "stored"
    assert only_message(session).provider_id == request.provider_id


def test_a_mailgun_post_stores_sender_name_subject_and_threading_ids(client, session) -> None:
    response = client.post("/webhooks/email/mailgun", **mailgun_post(eml("gmail_reply.eml")))
    assert response.status_code == 200, response.text
    message = only_message(session)
    contact = session.get(Contact, message.contact_id)
    assert (contact.email, contact.name) == ("dana.whitfield@gmail.example", "Dana Whitfield")
    assert message.subject == "Re: Water heater leaking at the base"
    assert message.provider_id == "<CAGx7Q1mRk4tY2h9J+0pWq6nLs8e=Vb3fZ@mail.gmail.example>"
    assert message.meta["in_reply_to"] == "<out-7f3c1a9e@brightwater.example>"
    assert message.meta["references"][-1] == "<out-7f3c1a9e@brightwater.example>"
    assert message.meta["provider"] == "mailgun" and "no_auto_reply" not in message.meta


def test_mailguns_own_stripped_text_is_what_gets_stored(client, session) -> None:
    post = mailgun_post(eml("gmail_reply.eml"), stripped_text="Thursday works. Gate code 4512.")
    assert client.post("/webhooks/email/mailgun", **post).status_code == 200
    message = only_message(session)
    assert message.body == "Thursday works. Gate code 4512."
    assert "wrote:" in message.meta["full_text"]


def test_a_mailgun_post_for_an_address_we_dont_have_is_answered_406_so_mailgun_stops_retrying(
    client, session
) -> None:
    raw = eml("no_message_id.eml").replace(OURS.encode(), b"sales@elsewhere.example")
    post = mailgun_post(raw, recipient="sales@elsewhere.example")
    response = client.post("/webhooks/email/mailgun", **post)
    assert response.status_code == 406
    assert "sales@elsewhere.example" in response.json()["detail"]
    assert messages(session) == []


def test_a_provider_retry_of_the_same_message_id_stores_nothing_new(client, session) -> None:
    first = client.post("/webhooks/email/mailgun", **mailgun_post(eml("outlook_reply.eml")))
    retry = client.post("/webhooks/email/mailgun", **mailgun_post(eml("outlook_reply.eml")))
    assert (first.json()["status"], retry.json()["status"]) == ("stored", "duplicate")
    assert retry.status_code == 200 and len(messages(session)) == 1


POSTS = {
    "mailgun": lambda client, raw: client.post("/webhooks/email/mailgun", **mailgun_post(raw)),
    "sendgrid": lambda client, raw: client.post(
        "/webhooks/email/sendgrid", auth=AUTH, **sendgrid_post(raw)
    ),
    "raw": raw_post,
}


@pytest.mark.parametrize("provider", POSTS)
def test_attachments_keep_their_metadata_but_not_their_contents(client, session, provider) -> None:
    response = POSTS[provider](client, eml("attachments.eml"))
    assert response.status_code == 200, response.text
    message = only_message(session)
    assert [(m["filename"], m["content_type"], m["size"]) for m in message.media] == [
        ("Rechnung März.pdf", "application/pdf", 142),
        ("IMG_4471.jpg", "image/jpeg", 790),
    ]
    stored = repr((message.body, message.media, message.meta))
    assert "%PDF" not in stored and "JFIF" not in stored


def test_nul_bytes_in_mailgun_fields_are_stored_cleanly_not_a_database_error(
    client, session
) -> None:
    post = mailgun_post(eml("no_message_id.eml"), stripped_text="leaking\x00 toilet")
    post["data"]["subject"] = "toilet\x00 running"
    assert client.post("/webhooks/email/mailgun", **post).status_code == 200
    message = only_message(session)
    assert (message.body, message.subject) == ("leaking toilet", "toilet running")


def test_mailguns_raw_mime_variant_is_stored(client, session) -> None:
    response = client.post("/webhooks/email/mailgun", **mailgun_mime_post(eml("iso2022jp.eml")))
    assert response.status_code == 200, response.text
    message = only_message(session)
    assert message.subject == "蛇口の水漏れ修理のお願い"
    assert "台所の蛇口から水漏れしています。" in message.body


def test_a_malformed_mailgun_post_is_answered_406_and_writes_nothing(client, session) -> None:
    response = client.post("/webhooks/email/mailgun", **mailgun_mime_post(eml("malformed.eml")))
    assert response.status_code == 406
    assert "does not start with header fields" in response.json()["detail"]
    assert messages(session) == []
    assert count(session, WebhookNonce) == 0  # the token is not used up: a retry may pass


# --------------------------------------------------------------------------- SendGrid


def test_a_gmail_reply_is_threaded_into_the_conversation_its_in_reply_to_names_and_stored_without_the_quoted_text(  # noqa: E501
    client, session
) -> None:
    # Dana first wrote from her work address; our reply went out as <out-7f3c1a9e@…>.
    first = receive(
        session,
        InboundMessage(
            "email", OURS, "dana@whitfield-law.example", "Leak!", "<first@whitfield-law.example>"
        ),
    )
    reply = outbox.enqueue(session, first.conversation, "Thursday 8-10 AM?", Actor.ai())
    reply.provider_id = "<out-7f3c1a9e@brightwater.example>"
    session.commit()
    response = client.post(
        "/webhooks/email/sendgrid", auth=AUTH, **sendgrid_post(eml("gmail_reply.eml"))
    )
    assert response.status_code == 200, response.text
    assert response.json()["conversation_id"] == first.conversation.id
    latest = next(m for m in messages(session) if m.provider_id.startswith("<CAGx7Q1m"))
    assert latest.body == (
        "Thursday morning works great. The side gate code is 4512 — the dog is friendly.\n\nDana"
    )


def test_a_windows_1252_email_keeps_its_accents(client, session) -> None:
    post = sendgrid_post(eml("windows1252_qp.eml"))
    assert b"caf\xe9" in post["content"]  # SendGrid posts the text in the email's own charset
    assert client.post("/webhooks/email/sendgrid", auth=AUTH, **post).status_code == 200
    message = only_message(session)
    assert "aujourd’hui" in message.body and "(150 € ?)" in message.body
    assert session.get(Contact, message.contact_id).name == "Renée Lefèvre"
    assert message.subject == "Fuite du chauffe-eau – café Lumière"


def test_a_japanese_email_posted_raw_by_sendgrid_is_readable(client, session) -> None:
    post = sendgrid_post(eml("iso2022jp.eml"), raw_mode=True)
    assert client.post("/webhooks/email/sendgrid", auth=AUTH, **post).status_code == 200
    message = only_message(session)
    assert (
        message.body.startswith("ブライトウォーター様") and message.meta["provider"] == "sendgrid"
    )
    assert session.get(Contact, message.contact_id).name == "山田 花子"


def test_an_html_only_email_is_stored_as_readable_text(client, session) -> None:
    post = sendgrid_post(eml("html_only.eml"))
    assert client.post("/webhooks/email/sendgrid", auth=AUTH, **post).status_code == 200
    body = only_message(session).body
    assert "We need a sewer scope and a general plumbing inspection at 2210 Lakeshore Dr" in body
    assert "- Lockbox code: 7731" in body
    assert "<" not in body and "trackOpen" not in body and "font-family" not in body


def test_an_email_bccd_to_us_is_routed_by_the_envelope_recipient(client, session) -> None:
    raw = eml("no_message_id.eml").replace(b"To: " + OURS.encode(), b"To: carl@oldmail.example")
    post = sendgrid_post(raw, envelope_to=[OURS])
    assert client.post("/webhooks/email/sendgrid", auth=AUTH, **post).status_code == 200
    assert only_message(session).to_address == OURS


def test_a_sendgrid_post_for_an_address_we_dont_have_is_404(client, session) -> None:
    post = sendgrid_post(eml("outlook_reply.eml"), envelope_to=["sales@elsewhere.example"])
    post["content"] = post["content"].replace(OURS.encode(), b"sales@elsewhere.example")
    response = client.post("/webhooks/email/sendgrid", auth=AUTH, **post)
    assert response.status_code == 404 and messages(session) == []


# --------------------------------------------------------------------------- raw MIME


def test_an_outlook_reply_is_stored_without_the_earlier_messages_it_quotes(client, session) -> None:
    assert raw_post(client, eml("outlook_reply.eml")).status_code == 200
    message = only_message(session)
    assert message.body.startswith("Hi,\n\nPlease go ahead and book the annual test")
    assert message.body.endswith("Office Manager | Harborview Dental")
    assert "-----Original Message-----" in message.meta["full_text"]
    assert message.meta["cc"] == ["maria.lopez@harborview-dental.example"]


def test_a_quoted_printable_windows_1252_message_keeps_its_accents(client, session) -> None:
    assert raw_post(client, eml("windows1252_qp.eml")).status_code == 200
    assert "le supplément d’urgence (150 € ?)" in only_message(session).body


def test_an_out_of_office_reply_is_stored_but_marked_never_auto_reply(client, session) -> None:
    assert raw_post(client, eml("out_of_office.eml")).status_code == 200
    assert only_message(session).meta["no_auto_reply"] == "Auto-Submitted: auto-replied"


def test_a_bounce_is_stored_but_marked_never_auto_reply(client, session) -> None:
    raw = eml("bounce.eml").replace(b"Auto-Submitted: auto-replied\n", b"")
    assert raw_post(client, raw).status_code == 200
    message = only_message(session)
    assert message.meta["no_auto_reply"] == "delivery status report (multipart/report)"
    assert "550 5.1.1 User unknown" in message.body and message.media == []


def test_a_mailing_list_message_is_stored_but_marked_never_auto_reply(client, session) -> None:
    assert raw_post(client, eml("mailing_list.eml")).status_code == 200
    assert only_message(session).meta["no_auto_reply"] == "Precedence: list"


def test_a_message_without_a_message_id_dedupes_on_a_hash_of_its_bytes(client, session) -> None:
    first, again = (
        raw_post(client, eml("no_message_id.eml")),
        raw_post(client, eml("no_message_id.eml")),
    )
    assert (first.json()["status"], again.json()["status"]) == ("stored", "duplicate")
    assert only_message(session).provider_id.endswith("@inbox.local>")


def test_a_malformed_mime_message_is_a_400_with_a_reason_and_writes_nothing(
    client, session
) -> None:
    response = raw_post(client, eml("malformed.eml"))
    assert response.status_code == 400
    assert "does not start with header fields" in response.json()["detail"]
    assert messages(session) == [] and count(session, Contact) == 0


def test_hostile_bytes_in_a_raw_message_are_stored_cleanly_not_a_database_error(
    client, session
) -> None:
    raw = (
        b"From: =?x-unknown?q?Ren=E9e?= <renee@cafe.example>\r\nTo: " + OURS.encode() + b"\r\n"
        b"Subject: Caf\xe9 \x00\xff\r\nMessage-ID: <" + b"x" * 300 + b"@cafe.example>\r\n"
        b"Content-Type: text/plain; charset=utf8mb4\r\n\r\nNUL\x00 here \xed\xa0\x80\r\n"
    )
    response = raw_post(client, raw)
    assert response.status_code == 200, response.text
    message = only_message(session)
    assert message.provider_id.endswith("@inbox.local>")  # the 300-character id is hashed
    assert message.subject.startswith("Café") and message.body.startswith("NUL here")
    assert "\x00" not in message.subject + message.body


def test_a_partly_broken_message_keeps_what_can_be_read(client, session) -> None:
    assert raw_post(client, eml("broken_mime.eml")).status_code == 200
    message = only_message(session)
    assert message.body.startswith("There is a brown water stain spreading on the ceiling")
    assert "InvalidBase64CharactersDefect" in message.meta["defects"]
    assert [m["filename"] for m in message.media] == ["stain.jpg"]


def test_the_to_parameter_delivers_a_message_addressed_elsewhere(client, session) -> None:
    raw = eml("no_message_id.eml").replace(b"To: " + OURS.encode(), b"To: info@alias.example")
    response = raw_post(client, raw, "application/octet-stream", to=OURS)
    assert response.status_code == 200 and only_message(session).to_address == OURS


def test_a_raw_message_for_an_address_we_dont_have_is_404(client, session) -> None:
    response = raw_post(client, eml("gmail_reply.eml"), to="nobody@brightwater.example")
    assert response.status_code == 404 and messages(session) == []


def test_a_raw_post_that_is_not_a_message_is_415(client, session) -> None:
    response = client.post("/webhooks/email/raw", data={"email": "hi"}, auth=AUTH)
    assert response.status_code == 415 and "message/rfc822" in response.json()["detail"]
