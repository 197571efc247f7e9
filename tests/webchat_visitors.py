"""The web-chat widget's side of ingest, for tests: a workspace whose widget allows one origin,
the ingest app, and a visitor opening a session, sending and polling with their token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from data import outbox, webchat
from data.events import Actor
from data.models import Contact, Conversation, Message
from data.settings import get_settings
from ingest.app import create_app
from tests.factories import make_workspace

ORIGIN = "https://www.acme-plumbing.example"
KEY = "wk_acme_widget"
ALICE = "v_alice0123456789abcdef"
BOB = "v_bob0123456789abcdef00"


def allow_origins(session: Session, key: str, *origins: str) -> None:
    channel = webchat.widget_channel(session, key)
    assert channel is not None
    channel.config = {**channel.config, "allowed_origins": list(origins)}
    session.add(channel)


@pytest.fixture(name="acme")
def acme_fixture(session: Session):
    workspace = make_workspace(session, "acme")
    allow_origins(session, KEY, ORIGIN)
    session.commit()
    return workspace


@pytest.fixture(name="client")
def client_fixture(engine: Engine, acme) -> TestClient:
    get_settings.cache_clear()
    return TestClient(create_app())


def open_session(client: TestClient, visitor: str | None = ALICE, key: str = KEY, **headers):
    headers.setdefault("Origin", ORIGIN)
    payload = {"widget_key": key, **({"visitor_id": visitor} if visitor else {})}
    return client.post("/chat/sessions", json=payload, headers=headers)


def token_for(client: TestClient, visitor: str = ALICE, key: str = KEY) -> str:
    response = open_session(client, visitor, key)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def auth(token: str, origin: str | None = ORIGIN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **({"Origin": origin} if origin else {})}


_seq = iter(range(10**6))


def send(client: TestClient, token: str, body: str = "Hi, my sink is leaking", **fields):
    payload = {"body": body, "client_id": f"cm_test{next(_seq):08d}", **fields}
    origin = payload.pop("origin", ORIGIN)
    return client.post("/chat/messages", json=payload, headers=auth(token, origin))


def poll(client: TestClient, token: str, after: str | None = None):
    params = {"after": after} if after is not None else {}
    return client.get("/chat/messages", params=params, headers=auth(token))


def stored(engine: Engine, *where) -> list[Message]:
    with Session(engine) as s:
        return list(s.exec(select(Message).where(*where).order_by(col(Message.id))))


def conversation_of(engine: Engine, visitor: str) -> Conversation:
    with Session(engine) as s:
        contact = s.exec(select(Contact).where(Contact.visitor_id == visitor)).one()
        return s.exec(select(Conversation).where(Conversation.contact_id == contact.id)).one()


def reply(engine: Engine, visitor: str, body: str, actor: Actor | None = None) -> Message:
    with Session(engine, expire_on_commit=False) as s:
        conversation = s.get(Conversation, conversation_of(engine, visitor).id)
        message = outbox.enqueue(s, conversation, body, actor or Actor.ai())
        s.commit()
        return message
