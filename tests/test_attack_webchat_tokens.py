"""A web-chat visitor token reads and writes its own visitor's conversation and nothing else:
not another visitor's, not another workspace's, not after it expires or is tampered with, and
nothing a visitor puts in a request (ids, emails, cursors) chooses another conversation.
Through the real ingest app, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from data.models import Contact, Event, Message
from ingest.webchat import tokens
from tests.factories import make_workspace
from tests.webchat_visitors import (
    ALICE,
    BOB,
    KEY,
    ORIGIN,
    acme_fixture,  # noqa: F401  (the `acme` fixture)
    allow_origins,
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

# --------------------------------------------------------------------------- guessing


def test_a_session_without_a_visitor_id_makes_a_long_random_one(client) -> None:
    first = open_session(client, visitor=None).json()["visitor_id"]
    second = open_session(client, visitor=None).json()["visitor_id"]
    assert first != second and first.startswith("v_") and len(first) == 34


def test_a_guessable_visitor_id_is_refused(client) -> None:
    response = open_session(client, visitor="v_1")
    assert response.status_code == 422
    assert "visitor_id" in response.json()["detail"]


def test_a_visitor_id_is_never_derived_from_what_the_visitor_typed(client) -> None:
    # Two sessions opened by the "same" person (same email typed later) are two visitors.
    first = open_session(client, visitor=None).json()
    second = open_session(client, visitor=None).json()
    send(client, first["token"], "Hi", email="pat@example.com")
    send(client, second["token"], "Hi again", email="pat@example.com")

    assert [m["body"] for m in poll(client, second["token"], "0").json()["messages"]] == [
        "Hi again"
    ]


# --------------------------------------------------------------------------- other visitors


def test_another_visitors_client_id_is_refused_without_revealing_it(client, engine) -> None:
    payload = {"body": "Mine", "client_id": "cm_shared_0001"}
    assert client.post("/chat/messages", json=payload, headers=auth(token_for(client))).is_success
    theirs = client.post("/chat/messages", json=payload, headers=auth(token_for(client, BOB)))
    assert theirs.status_code == 409
    assert "id" not in theirs.json()
    assert len(stored(engine, Message.provider_id == "cm_shared_0001")) == 1


def test_a_token_reads_only_its_own_visitors_messages(client, engine) -> None:
    alice, bob = token_for(client, ALICE), token_for(client, BOB)
    send(client, alice, "Alice's private question")
    send(client, bob, "Bob's private question")
    reply(engine, BOB, "Answer for Bob only")
    alice_sees = [m["body"] for m in poll(client, alice, "0").json()["messages"]]
    assert alice_sees == ["Alice's private question"]
    bob_sees = [m["body"] for m in poll(client, bob, "0").json()["messages"]]
    assert bob_sees == ["Bob's private question", "Answer for Bob only"]


def test_ids_in_a_message_do_not_choose_the_conversation_it_lands_in(client, engine) -> None:
    send(client, token_for(client, BOB), "Bob's question")
    bobs = conversation_of(engine, BOB)
    alice = token_for(client, ALICE)

    response = send(
        client,
        alice,
        "Posted with Bob's ids",
        conversation_id=bobs.id,
        contact_id=bobs.contact_id,
        visitor_id=BOB,
        widget_key="wk_other_widget",
    )

    assert response.status_code == 201
    [message] = stored(engine, Message.body == "Posted with Bob's ids")
    assert message.conversation_id == conversation_of(engine, ALICE).id != bobs.id
    assert message.from_address == ALICE
    bob_sees = [m["body"] for m in poll(client, token_for(client, BOB), "0").json()["messages"]]
    assert bob_sees == ["Bob's question"]


def test_ids_in_the_poll_do_not_choose_the_conversation_it_reads(client, engine) -> None:
    send(client, token_for(client, BOB), "Bob's secret")
    bobs = conversation_of(engine, BOB)
    alice = token_for(client, ALICE)
    send(client, alice, "Alice's question")

    response = client.get(
        "/chat/messages",
        params={
            "after": "0",
            "conversation_id": bobs.id,
            "visitor_id": BOB,
            "token": token_for(client, BOB),
        },
        headers=auth(alice),
    )

    assert response.status_code == 200
    assert "Bob" not in response.text
    assert [m["body"] for m in response.json()["messages"]] == ["Alice's question"]


def test_a_cursor_from_another_conversation_reveals_none_of_it(client, engine) -> None:
    bob = token_for(client, BOB)
    first = send(client, bob, "Bob one").json()
    send(client, bob, "Bob two")
    alice = token_for(client, ALICE)
    send(client, alice, "Alice one")

    for cursor in ("0", str(first["id"] - 1), str(first["id"])):
        bodies = [m["body"] for m in poll(client, alice, cursor).json()["messages"]]
        assert not any(body.startswith("Bob") for body in bodies)


def test_the_lead_form_changes_only_the_tokens_own_visitor(client, engine) -> None:
    send(client, token_for(client, BOB), "Bob here")
    alice = token_for(client, ALICE)

    response = client.post(
        "/chat/lead",
        json={"name": "Mallory", "email": "mallory@example.com", "visitor_id": BOB},
        headers=auth(alice),
    )

    assert response.status_code == 200
    with Session(engine) as s:
        people = {c.visitor_id: c for c in s.exec(select(Contact))}
    assert people[BOB].name is None and people[BOB].email is None
    assert (people[ALICE].name, people[ALICE].email) == ("Mallory", "mallory@example.com")


def test_typing_a_known_customers_email_does_not_join_their_contact(client, engine) -> None:
    alice, bob = token_for(client, ALICE), token_for(client, BOB)
    send(client, alice, "Hi", email="owner@example.com")
    send(client, bob, "Hi, I'm definitely the owner", email="owner@example.com")
    reply(engine, BOB, "Reply for whoever Bob is")
    with Session(engine) as s:
        people = {c.visitor_id: c for c in s.exec(select(Contact))}
        assert people[ALICE].email == "owner@example.com"
        assert people[BOB].email is None and people[BOB].id != people[ALICE].id
        kept = s.exec(select(Event).where(Event.contact_id == people[BOB].id)).all()
        assert any(e.data.get("not_applied") == {"email": "owner@example.com"} for e in kept)
    # Bob sees his own chat, Alice does not see Bob's.
    assert [m["body"] for m in poll(client, alice).json()["messages"]] == ["Hi"]
    assert len(poll(client, bob).json()["messages"]) == 2


# --------------------------------------------------------------------------- forged tokens


@pytest.mark.parametrize("mangle", ["flip", "truncate", "garbage", "empty"])
def test_a_tampered_token_is_401(client, mangle) -> None:
    token = token_for(client)
    send(client, token, "hello")
    bad = {
        "flip": token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:],
        "truncate": token[: len(token) // 2],
        "garbage": "not.a.token",
        "empty": "",
    }[mangle]
    assert poll(client, bad).status_code == 401
    assert send(client, bad).status_code == 401


def test_no_token_is_401_with_a_bearer_challenge(client) -> None:
    response = client.get("/chat/messages", headers={"Origin": ORIGIN})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_expired_token_is_401(client, monkeypatch) -> None:
    token = token_for(client)
    monkeypatch.setattr(tokens, "TOKEN_TTL", timedelta(seconds=-1))
    assert poll(client, token).status_code == 401


def test_a_token_signed_elsewhere_is_401(client) -> None:
    forged, _ = tokens.issue("another installation's secret", tokens.Visitor(1, KEY, ALICE))
    assert poll(client, forged).status_code == 401


def test_a_token_for_another_workspaces_widget_is_401(client, engine, session, acme) -> None:
    other = make_workspace(session, "globex", "+15125550200")
    allow_origins(session, "wk_globex_widget", ORIGIN)
    session.commit()
    globex_token = token_for(client, ALICE, "wk_globex_widget")
    send(client, globex_token, "Globex question")
    send(client, token_for(client, ALICE), "Acme question")
    # The same visitor id on two businesses' widgets: each token sees its own workspace only.
    assert [m["body"] for m in poll(client, globex_token).json()["messages"]] == ["Globex question"]
    # A correctly signed token that pairs Acme's workspace with Globex's widget is refused.
    with Session(engine) as s:
        secret = tokens.signing_secret(s)
        s.commit()
    mixed, _ = tokens.issue(secret, tokens.Visitor(acme.id, "wk_globex_widget", ALICE))
    assert poll(client, mixed).status_code == 401
    assert send(client, mixed).status_code == 401
    assert other.id != acme.id


def test_an_expired_token_can_neither_post_nor_fill_the_lead_form(
    client, engine, monkeypatch
) -> None:
    token = token_for(client)
    monkeypatch.setattr(tokens, "TOKEN_TTL", timedelta(seconds=-1))

    assert send(client, token).status_code == 401
    assert client.post("/chat/lead", json={"name": "Late"}, headers=auth(token)).status_code == 401
    assert stored(engine) == []


def test_a_token_with_another_visitors_payload_under_its_signature_is_401(client) -> None:
    alice, bob = token_for(client, ALICE), token_for(client, BOB)
    send(client, bob, "Bob's secret")
    # itsdangerous tokens are payload.timestamp.signature: Bob's payload, Alice's signature.
    spliced = ".".join([bob.split(".")[0], *alice.split(".")[1:]])

    assert poll(client, spliced).status_code == 401
    assert send(client, spliced).status_code == 401


def test_a_token_for_an_unknown_workspace_is_401(client, engine) -> None:
    with Session(engine) as s:
        secret = tokens.signing_secret(s)
        s.commit()
    ghost, _ = tokens.issue(secret, tokens.Visitor(999_999, KEY, ALICE))

    assert poll(client, ghost).status_code == 401
    assert send(client, ghost).status_code == 401
    assert stored(engine) == []


def test_a_token_in_the_query_string_is_not_accepted(client) -> None:
    token = token_for(client)

    response = client.get("/chat/messages", params={"token": token}, headers={"Origin": ORIGIN})

    assert response.status_code == 401
