"""Searching the inbox: a customer's name, phone (however it is typed), email, a subject or
words of a message find their conversations, in inbox order, with the same results whether
the search starts from the substring indexes (migration 0005) or walks the inbox. Hostile and
huge search terms: test_attack_search_input.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session, col, exists, or_, select

from data import inbox
from data.db import dispose_engines, get_engine
from data.inbound import InboundMessage, receive
from data.inbox import list_inbox
from data.migrate import alembic_config, upgrade
from data.models import Contact, Conversation, Message
from data.search import ESCAPE, contains_pattern, indexes_lifted, phone_digits
from tests.conftest import (
    NO_POSTGRES,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
)
from tests.factories import make_workspace, text_in

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

#: (name, phone, channel, bodies): one conversation each, a minute apart, in this order.
PEOPLE = [
    ("José Núñez", "+15125550101", "sms", ["Mi calentador de agua está roto", "¿Pueden venir?"]),
    ("ÉMILE Zola", "+15125550102", "whatsapp", ["Leak under the sink, 50% worse today"]),
    ("Dana O'Brien", "+15125550103", "sms", ['He said "quoted" words', "path C:\\pipes\\main"]),
    ("Chris Mitchell", "+15125550123", "sms", ["water heater is leaking", "water_heater model 12"]),
    (None, "+15125550105", "sms", ["💧 drip drip", "drain cleaning please"]),
    ("Chris Mitchell", "+15125550106", "whatsapp", ["Water Heater again", "ok"]),
    ("Zoë Adams", "+15125550107", "sms", ["100% sure it's the valve", "thanks!"]),
    ("Sam Lee", "+15125550108", "sms", ["my number is 512-555-0199"]),
]

TERMS = [
    "water heater",
    "WATER",
    "heater",
    "Heater again",
    "leak",
    "Leak",
    "50%",
    "%",
    "_",
    "%%",
    "water_heater",
    "water%heater",
    "r_h",
    '"quoted"',
    '"',
    "O'Brien",
    "o'brien",
    "'",
    "josé",
    "JOSÉ",
    "Núñez",
    "núñez",
    "ñ",
    "émile",
    "ÉMILE",
    "Émile",
    "zoë",
    "ZOË",
    "💧",
    "💧 d",
    "drip drip",
    "C:\\pipes",
    "\\",
    "\\p",
    "Jo",
    "jo",
    "e",
    "zz",
    "12",
    "no such thing",
    "  water  ",
    "5125550123",
    "+1512555",
    "555-01",
    "example.com",
    "mia.chen",
    "MIA.CHEN@",
    "Quote for",
    "quote",
    "calentador de",
    "¿Pu",
    "100%",
    "0% ",
    "it's",
    "Chris Mitchell",
    "chris mitchell",
    "Mitchell",
    "hris Mit",
    "Sam",
    "sam lee",
]


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


@pytest.fixture
def ws(session: Session):
    """A small workspace: the PEOPLE on SMS/WhatsApp, and two email customers with subjects."""
    workspace = make_workspace(session)
    minute = 0
    for name, phone, channel, bodies in PEOPLE:
        to = "+15125550100" if channel == "sms" else "+15125550101"
        for body in bodies:
            minute += 1
            receive(
                session,
                InboundMessage(
                    channel=channel,
                    to_address=to,
                    from_address=phone,
                    body=body,
                    provider_id=f"P{minute}",
                    name=name,
                    received_at=_at(minute),
                ),
            )
    for sender, subject, body in [
        ("mia.chen@example.com", "Quote for a water heater", "Can you quote?"),
        ("ops@acme-100%.example", "Re: 50%_off [promo]", "Is the discount real?"),
    ]:
        minute += 1
        receive(
            session,
            InboundMessage(
                channel="email",
                to_address="hello@acme.example",
                from_address=sender,
                body=body,
                provider_id=f"E{minute}",
                subject=subject,
                received_at=_at(minute),
            ),
        )
    session.commit()
    return workspace


def _old_scan(session: Session, workspace_id: int, search: str, limit: int = 50) -> list[int]:
    """The search as it was before the indexes: every conversation checked in inbox order."""
    pattern = contains_pattern(search)
    in_messages = exists().where(
        col(Message.conversation_id) == col(Conversation.id),
        col(Message.body).ilike(pattern, escape=ESCAPE),
    )
    query = (
        select(Conversation.id)
        .join(Contact, col(Contact.id) == col(Conversation.contact_id))
        .where(
            Conversation.workspace_id == workspace_id,
            or_(
                col(Contact.name).ilike(pattern, escape=ESCAPE),
                col(Contact.phone).ilike(pattern, escape=ESCAPE),
                col(Contact.email).ilike(pattern, escape=ESCAPE),
                col(Conversation.subject).ilike(pattern, escape=ESCAPE),
                in_messages,
            ),
        )
        .order_by(col(Conversation.last_message_at).desc(), col(Conversation.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))


def _ids(session: Session, workspace_id: int, search: str, **filters) -> list[int]:
    return [r.conversation_id for r in list_inbox(session, workspace_id, search=search, **filters)]


def _all_pages(session: Session, workspace_id: int, search: str, size: int) -> list[int]:
    found: list[int] = []
    before = None
    while True:
        rows = list_inbox(session, workspace_id, search=search, before=before, limit=size)
        found += [r.conversation_id for r in rows]
        if len(rows) < size:
            return found
        before = (rows[-1].last_message_at, rows[-1].conversation_id)


def _force(monkeypatch: pytest.MonkeyPatch, plan: str) -> None:
    # A term is "common" above COMMON_TERM_MATCHES hits: -1 makes every term common (the
    # inbox-order scan), a huge value none (the plan that starts from the indexes).
    monkeypatch.setattr(inbox, "COMMON_TERM_MATCHES", -1 if plan == "scan" else 10**9)


@pytest.mark.parametrize("plan", ["indexes", "scan"])
def test_every_kind_of_term_finds_what_the_old_scan_found(
    session: Session, ws, monkeypatch: pytest.MonkeyPatch, plan: str
) -> None:
    _force(monkeypatch, plan)
    plans = _record_plans(monkeypatch)
    found_something = 0
    for term in TERMS:
        if phone_digits(term):
            continue  # the old scan did not know phones by their digits: see below
        expected = _old_scan(session, ws.id, term)
        assert _ids(session, ws.id, term) == expected, term
        assert _all_pages(session, ws.id, term, 2) == expected, term
        found_something += bool(expected)
    assert found_something > len(TERMS) // 2  # the terms do exercise the matching
    # Terms of 3+ characters went through the indexes unless the scan was forced.
    assert set(plans) == ({"scan"} if plan == "scan" else {"indexes"})


def _record_plans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    plans: list[str] = []
    real = inbox._matching_conversations

    def recording(*args, **kwargs):
        found = real(*args, **kwargs)
        plans.append("scan" if found is None else "indexes")
        return found

    monkeypatch.setattr(inbox, "_matching_conversations", recording)
    return plans


def test_a_term_is_searched_the_same_under_every_filter(session: Session, ws) -> None:
    for term in ["water", "Chris Mitchell", "50%", "quote", "e"]:
        everything = _old_scan(session, ws.id, term)
        convs = {c.id: c for c in session.exec(select(Conversation))}
        for filters in [{"channel": "sms"}, {"channel": "email"}, {"status": "active"}]:
            expected = [i for i in everything if _matches(convs[i], filters)]
            assert _ids(session, ws.id, term, **filters) == expected, (term, filters)


def _matches(conversation: Conversation, filters: dict[str, str]) -> bool:
    return all(getattr(conversation, key) == value for key, value in filters.items())


def test_searching_a_customer_name_finds_their_conversations(session: Session, ws) -> None:
    rows = list_inbox(session, ws.id, search="chris mitchell")
    assert [(r.contact_name, r.channel) for r in rows] == [
        ("Chris Mitchell", "whatsapp"),
        ("Chris Mitchell", "sms"),
    ]


@pytest.mark.parametrize(
    "typed", ["512-555-0123", "(512) 555 0123", "+1 512.555.0123", "555-0123", "5550123"]
)
def test_a_phone_typed_with_punctuation_finds_the_customer(
    session: Session, ws, typed: str
) -> None:
    rows = list_inbox(session, ws.id, search=typed)
    assert [r.contact_phone for r in rows] == ["+15125550123"]


def test_a_phone_search_finds_the_same_whichever_plan_runs(
    session: Session, ws, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = {}
    for plan in ("indexes", "scan"):
        _force(monkeypatch, plan)
        results[plan] = [_ids(session, ws.id, t) for t in ["512-555-01", "(512) 555-0123"]]
    assert results["indexes"] == results["scan"]
    assert all(results["indexes"])


def test_phone_digits_are_read_only_from_what_looks_like_a_phone() -> None:
    assert phone_digits("(512) 555-0123") == "5125550123"
    assert phone_digits("+1 512 555 0123") == "15125550123"
    assert phone_digits("5125550123") is None  # already digits: the plain search finds it
    assert phone_digits("1-2") is None  # too few digits to mean a phone
    assert phone_digits("call 512-555-0123") is None
    assert phone_digits("") is None


def test_a_common_term_walks_the_inbox_and_finds_the_same(
    session: Session, ws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "COMMON_TERM_MATCHES", 2)  # "water" has more hits than 2
    assert _ids(session, ws.id, "water") == _old_scan(session, ws.id, "water")
    assert len(_ids(session, ws.id, "water")) == 3


def test_renaming_a_customer_is_found_by_the_new_name_only(session: Session, ws) -> None:
    contact = session.exec(select(Contact).where(Contact.name == "Sam Lee")).one()
    contact.name = "Samantha Brightwell"
    session.commit()
    assert _ids(session, ws.id, "Brightwell") != []
    assert _ids(session, ws.id, "Sam Lee") == []


def test_a_deleted_message_is_no_longer_found(session: Session, ws) -> None:
    message = session.exec(select(Message).where(Message.body == "💧 drip drip")).one()
    session.delete(message)
    session.commit()
    assert _ids(session, ws.id, "drip drip") == []


def test_a_provider_retry_stores_nothing_new_and_the_index_stays_in_step(
    session: Session, ws
) -> None:
    first = text_in(session, "retried sump pump", provider_id="SMretry", sender="+15125550188")
    again = text_in(session, "retried sump pump", provider_id="SMretry", sender="+15125550188")
    session.commit()
    assert first.created and not again.created
    assert _ids(session, ws.id, "sump pump") == [first.conversation.id]
    _check_fts(session)


def test_the_fts_tables_match_their_tables_after_writes(session: Session, ws) -> None:
    for row in session.exec(select(Message).where(col(Message.body).contains("water"))):
        row.body = row.body.upper()
    contact = session.exec(select(Contact).where(Contact.name == "Zoë Adams")).one()
    contact.email = "zoe@example.org"
    session.delete(session.exec(select(Message).where(Message.body == "ok")).one())
    session.commit()
    _check_fts(session)
    assert _ids(session, ws.id, "zoe@example") == [_conversation_of(session, contact.id)]


def _conversation_of(session: Session, contact_id: int) -> int:
    return session.exec(select(Conversation.id).where(Conversation.contact_id == contact_id)).one()


def _check_fts(session: Session) -> None:
    """SQLite: FTS5's own check that an external-content index matches its table."""
    if session.get_bind().dialect.name != "sqlite":
        return
    for fts in ("message_fts", "contact_fts", "conversation_fts"):
        session.exec(text(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')"))


def _search_objects(url: str) -> set[str]:
    inspector = inspect(get_engine(url))
    names = set(inspector.get_table_names())
    for table in ("message", "contact", "conversation"):
        names |= {ix["name"] for ix in inspector.get_indexes(table)}
    return {n for n in names if n.endswith(("_fts", "_trgm"))}


def _round_trip(url: str) -> None:
    upgrade(url)
    assert len(_search_objects(url)) == 3
    with Session(get_engine(url)) as session:
        ws = make_workspace(session)
        text_in(session, "the boiler is ticking", name="Ada Byron")
        session.commit()
        assert len(_ids(session, ws.id, "boiler is")) == 1
    command.downgrade(alembic_config(url), "0004")
    assert _search_objects(url) == set()
    with Session(get_engine(url)) as session:
        # Without the indexes (or on a runtime without them) the search scans, and writes
        # no longer touch them.
        assert len(_ids(session, ws.id, "boiler is")) == 1
        text_in(session, "and now it knocks", name="Ada Byron")
        session.commit()
    upgrade(url)
    with Session(get_engine(url)) as session:
        assert len(_ids(session, ws.id, "now it knocks")) == 1  # indexed from the rows
        _check_fts(session)


def test_the_search_indexes_come_off_and_back_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'round-trip.db'}")


@pytest.mark.postgres
def test_the_search_indexes_come_off_and_back_on_postgres() -> None:
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip(NO_POSTGRES)
    admin_url = admin_url.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"inbox_search_{uuid.uuid4().hex[:8]}"
    url = create_postgres_database(admin_url, name)
    try:
        _round_trip(url)
    finally:
        dispose_engines()
        drop_postgres_database(admin_url, name)


def test_a_bulk_load_with_the_indexes_lifted_is_searchable_after(session: Session, ws) -> None:
    with indexes_lifted(session.get_bind()):
        text_in(session, "loaded while lifted: tankless unit", sender="+15125550177")
        session.commit()
    assert len(_ids(session, ws.id, "tankless unit")) == 1
    text_in(session, "and the triggers are back: expansion tank", sender="+15125550178")
    session.commit()
    assert len(_ids(session, ws.id, "expansion tank")) == 1
    _check_fts(session)
