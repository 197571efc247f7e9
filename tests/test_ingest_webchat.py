"""Web chat through the real ingest app: visitor sessions and tokens, messages stored once per
client id, polling both directions after a cursor, token isolation, CORS per widget, rate
limits, the lead form, and the widget script and demo page. Tokens used against another
visitor, conversation or workspace, tampered or expired: test_attack_webchat_tokens.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from data import webchat
from data.clock import utcnow
from data.events import Actor
from data.models import Channel, Contact, Event, InstanceSecret, Message
from data.settings import get_settings
from data.vocab import DeliveryStatus, EventKind
from ingest.app import create_app
from ingest.webchat import ratelimit, tokens
from tests.factories import make_user
from tests.webchat_visitors import (
    ALICE,
    BOB,
    KEY,
    ORIGIN,
    acme_fixture,  # noqa: F401  (the `acme` fixture)
    auth,
    client_fixture,  # noqa: F401  (the `client` fixture)
    conversation_of,
    open_session,
    poll,
    reply,
    send,
    stored,
    token_for,
)

# --------------------------------------------------------------------------- sessions


def test_a_session_gives_a_token_the_visitor_id_and_history(client) -> None:
    response = open_session(client)
    assert response.status_code == 200
    body = response.json()
    assert body["visitor_id"] == ALICE
    assert body["token"] and body["expires_at"].endswith("Z")
    assert body["business"] == "Acme Plumbing"
    assert body["messages"] == [] and body["cursor"] == "0"
    assert body["lead_captured"] is False

    send(client, body["token"], "First question")
    again = open_session(client).json()
    assert [m["body"] for m in again["messages"]] == ["First question"]


@pytest.mark.parametrize("key", ["wk_nobody_widget", "x", ""])
def test_an_unknown_widget_key_is_404(client, key) -> None:
    assert open_session(client, key=key).status_code in (404, 422)
    assert open_session(client, key="wk_nobody_widget").status_code == 404


def test_an_inactive_widget_is_404_and_its_tokens_stop_working(client, engine) -> None:
    token = token_for(client)
    with Session(engine) as s:
        channel = s.exec(select(Channel).where(Channel.address == KEY)).one()
        channel.active = False
        s.add(channel)
        s.commit()
    assert open_session(client).status_code == 404
    assert send(client, token).status_code == 401


# --------------------------------------------------------------------------- messages


def test_a_message_is_stored_with_its_contact_and_conversation(client, engine, acme) -> None:
    token = token_for(client)
    response = send(client, token, "Water heater is making a banging noise")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "client_id", "created_at"}
    [message] = stored(engine, Message.id == body["id"])
    assert message.workspace_id == acme.id
    assert (message.channel, message.direction, message.sender_kind) == (
        "webchat",
        "inbound",
        "customer",
    )
    assert message.from_address == ALICE and message.to_address == KEY
    assert message.provider_id == body["client_id"]
    assert message.status == DeliveryStatus.RECEIVED
    assert conversation_of(engine, ALICE).channel == "webchat"


def test_a_retried_client_id_is_200_with_the_same_id_and_stores_nothing(client, engine) -> None:
    token = token_for(client)
    payload = {"body": "Can you come today?", "client_id": "cm_retry_0001"}
    first = client.post("/chat/messages", json=payload, headers=auth(token))
    second = client.post("/chat/messages", json=payload, headers=auth(token))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert len(stored(engine, Message.provider_id == "cm_retry_0001")) == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "x" * 4001, "client_id": "cm_long_0001"}, "body"),
        ({"body": "", "client_id": "cm_empty_001"}, "body"),
        ({"body": "   \n ", "client_id": "cm_blank_001"}, "body"),
        ({"body": "hello"}, "client_id"),
        ({"body": "hello", "client_id": "x"}, "client_id"),
        ({"body": 42, "client_id": "cm_type_0001"}, "body"),
        ({"body": "hi", "client_id": "cm_email_001", "email": "not-an-email"}, "email"),
    ],
)
def test_bad_messages_are_422_naming_the_field(client, engine, payload, field) -> None:
    response = client.post("/chat/messages", json=payload, headers=auth(token_for(client)))
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert stored(engine) == []


def test_a_4000_character_message_is_accepted(client) -> None:
    assert send(client, token_for(client), "y" * 4000).status_code == 201


def test_malformed_json_and_a_bad_cursor_are_4xx(client) -> None:
    token = token_for(client)
    headers = {**auth(token), "Content-Type": "application/json"}
    assert client.post("/chat/messages", content=b"{not json", headers=headers).status_code == 422
    assert client.post("/chat/sessions", content=b"[1,2", headers=headers).status_code == 422
    assert poll(client, token, after="abc").status_code == 400
    assert poll(client, token, after="-1").status_code == 400


# --------------------------------------------------------------------------- polling


def test_polling_after_the_cursor_returns_replies_written_to_the_outbox(client, engine) -> None:
    start = open_session(client).json()
    token, cursor = start["token"], start["cursor"]
    sent = send(client, token, "Do you fix tankless heaters?").json()
    ai = reply(engine, ALICE, "Yes, we service all major tankless brands.")

    response = poll(client, token, cursor)
    assert response.status_code == 200
    body = response.json()
    assert [(m["id"], m["sender"], m["body"]) for m in body["messages"]] == [
        (sent["id"], "visitor", "Do you fix tankless heaters?"),
        (ai.id, "ai", "Yes, we service all major tankless brands."),
    ]
    assert body["messages"][0]["client_id"] == sent["client_id"]
    assert set(body["messages"][1]) == {"id", "sender", "body", "created_at"}
    assert body["cursor"].isdigit()


def test_team_replies_say_team_and_never_name_the_operator(client, engine, session, acme) -> None:
    token = token_for(client)
    send(client, token, "Can a person call me?")
    operator = make_user(session, acme, "operator", "Dana")
    session.commit()
    reply(engine, ALICE, "Hi, this is the office: calling you now.", Actor.operator(operator))
    text = poll(client, token).text
    assert '"sender":"team"' in text.replace(" ", "")
    assert "Dana" not in text and "operator" not in text


def test_failed_replies_are_not_shown(client, engine) -> None:
    token = token_for(client)
    send(client, token, "Hello?")
    failed = reply(engine, ALICE, "This one failed")
    with Session(engine) as s:
        row = s.get(Message, failed.id)
        row.status = DeliveryStatus.FAILED
        s.add(row)
        s.commit()
    shown = reply(engine, ALICE, "This one went out")
    bodies = [m["body"] for m in poll(client, token).json()["messages"]]
    assert bodies == ["Hello?", "This one went out"] and shown.id


def test_the_cursor_passes_settled_messages_and_recent_ones_come_again(client, engine) -> None:
    token = token_for(client)
    first = send(client, token, "Old question").json()
    # Rows older than the settling window are behind the cursor for good...
    with Session(engine) as s:
        row = s.get(Message, first["id"])
        row.created_at = utcnow() - webchat.SETTLE - timedelta(seconds=5)
        s.add(row)
        s.commit()
    body = poll(client, token, "0").json()
    assert body["cursor"] == str(first["id"])
    assert poll(client, token, body["cursor"]).json()["messages"] == []
    # ...recent ones may be seen again (a lower id can still commit late): the widget keeps
    # messages by id.
    recent = send(client, token, "New question").json()
    again = poll(client, token, body["cursor"]).json()
    assert [m["id"] for m in again["messages"]] == [recent["id"]]
    assert again["cursor"] == body["cursor"]


def test_the_signing_secret_is_shared_through_the_database(client, engine) -> None:
    token = token_for(client)
    with Session(engine) as s:
        assert s.get(InstanceSecret, tokens.SECRET_NAME) is not None
    # Another worker (another app) accepts the token.
    assert poll(TestClient(create_app()), token).status_code == 200


def test_inbox_secret_key_signs_tokens_when_set(engine, acme, monkeypatch) -> None:
    monkeypatch.setenv("INBOX_SECRET_KEY", "a-configured-secret-of-enough-length")
    get_settings.cache_clear()
    client = TestClient(create_app())
    token = token_for(client)
    assert tokens.verify("a-configured-secret-of-enough-length", token).visitor_id == ALICE


# --------------------------------------------------------------------------- CORS


def test_an_allowed_origin_gets_cors_headers(client) -> None:
    response = open_session(client)
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "Origin" in response.headers["vary"]
    sent = send(client, response.json()["token"])
    assert sent.headers["access-control-allow-origin"] == ORIGIN


def test_a_disallowed_origin_is_403_without_cors_headers(client, engine) -> None:
    response = open_session(client, Origin="https://evil.example")
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    token = token_for(client)
    sent = send(client, token, "from elsewhere", origin="https://evil.example")
    assert sent.status_code == 403
    assert "access-control-allow-origin" not in sent.headers
    assert stored(engine) == []


def test_origins_match_exactly(client) -> None:
    for near_miss in ("http://www.acme-plumbing.example", ORIGIN + ":8443", "null"):
        assert open_session(client, Origin=near_miss).status_code == 403
    assert open_session(client, Origin=ORIGIN.upper()).status_code == 200


def test_requests_without_an_origin_are_allowed(client) -> None:
    response = client.post("/chat/sessions", json={"widget_key": KEY, "visitor_id": ALICE})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert send(client, response.json()["token"], origin=None).status_code == 201


def test_preflight_is_answered_for_allowed_origins_only(client) -> None:
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    ok = client.options("/chat/messages", headers={"Origin": ORIGIN, **ask})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in ok.headers["access-control-allow-methods"]
    assert "Authorization" in ok.headers["access-control-allow-headers"]
    assert int(ok.headers["access-control-max-age"]) > 0
    refused = client.options("/chat/sessions", headers={"Origin": "https://evil.example", **ask})
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers


def test_errors_to_an_allowed_origin_are_readable_by_the_widget(client) -> None:
    # Without CORS headers a browser hides the status: the widget could not tell a stale
    # session (open a new one) or a rate limit (wait) from being offline.
    assert poll(client, "bad-token").headers["access-control-allow-origin"] == ORIGIN
    bad = send(client, token_for(client), "x" * 4001)
    assert bad.status_code == 422
    assert bad.headers["access-control-allow-origin"] == ORIGIN


# --------------------------------------------------------------------------- rate limits


def test_a_visitor_sending_too_fast_gets_429_with_retry_after(client, engine) -> None:
    token = token_for(client)
    limit = ratelimit.WRITES_PER_VISITOR.amount
    assert all(send(client, token).status_code == 201 for _ in range(limit))
    response = send(client, token)
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert len(stored(engine)) == limit
    # Another visitor is not held back by this one.
    assert send(client, token_for(client, BOB)).status_code == 201


def test_opening_sessions_is_limited_per_address(client) -> None:
    limit = ratelimit.SESSIONS_PER_IP.amount
    assert all(open_session(client).status_code == 200 for _ in range(limit))
    response = open_session(client)
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1


def test_rate_limits_can_be_turned_off_for_load_tests(client, monkeypatch) -> None:
    monkeypatch.setenv("INBOX_WEBCHAT_RATE_LIMITS", "0")
    get_settings.cache_clear()
    limit = ratelimit.SESSIONS_PER_IP.amount
    assert all(open_session(client).status_code == 200 for _ in range(limit + 5))


# --------------------------------------------------------------------------- lead form


def test_the_lead_form_fills_the_contacts_name_and_email(client, engine) -> None:
    token = token_for(client)
    send(client, token, "Quote for a water heater?")
    response = client.post(
        "/chat/lead",
        json={"name": " Maria Lopez ", "email": "Maria@Example.COM"},
        headers=auth(token),
    )
    assert response.status_code == 200
    with Session(engine) as s:
        contact = s.exec(select(Contact).where(Contact.visitor_id == ALICE)).one()
        assert (contact.name, contact.email) == ("Maria Lopez", "maria@example.com")
        event = s.exec(select(Event).where(Event.kind == EventKind.CONTACT_UPDATED)).one()
        assert event.actor_kind == "customer" and event.contact_id == contact.id
    assert open_session(client).json()["lead_captured"] is True


def test_name_and_email_on_a_message_fill_the_contact(client, engine) -> None:
    token = token_for(client)
    assert send(client, token, "Hi", name="Sam Ortiz", email="sam@example.com").status_code == 201
    with Session(engine) as s:
        contact = s.exec(select(Contact).where(Contact.visitor_id == ALICE)).one()
        assert (contact.name, contact.email) == ("Sam Ortiz", "sam@example.com")


def test_a_bad_lead_email_is_422_with_the_reason(client) -> None:
    token = token_for(client)
    response = client.post("/chat/lead", json={"email": "sam@"}, headers=auth(token))
    assert response.status_code == 422
    assert "email" in response.json()["detail"] and "valid" in response.json()["detail"]
    assert client.post("/chat/lead", json={"name": " "}, headers=auth(token)).status_code == 422


# --------------------------------------------------------------------------- widget and demo


def test_widget_js_is_served_as_cacheable_javascript(client) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "max-age" in response.headers["cache-control"]
    assert "data-widget-key" in response.text and "innerHTML" not in response.text
    again = client.get("/widget.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_the_demo_page_embeds_the_first_widget(client) -> None:
    response = client.get("/chat/demo")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "Acme Plumbing" in response.text
    assert f'data-widget-key="{KEY}"' in response.text
    assert "/widget.js" in response.text
    # Served from an origin the widget does not allow: the page says so.
    assert "not among this widget" in response.text


def test_the_demo_page_explains_how_to_load_the_demo_without_a_widget(engine) -> None:
    get_settings.cache_clear()
    response = TestClient(create_app()).get("/chat/demo")
    assert response.status_code == 200
    assert "inbox demo" in response.text
