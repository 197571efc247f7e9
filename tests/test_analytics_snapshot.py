"""The analytics snapshot: DuckDB's copy of the live tables, filled once and brought up to
date incrementally (new rows appended, changed rows replaced by id), never more than a
minute behind."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from data.analytics.snapshot import MAX_AGE_SECONDS, MESSAGE_RECHECK, Snapshot, snapshot_for
from data.clock import utcnow
from data.models import Contact, Conversation, Message
from tests.analytics_data import Rows


def _count(cursor, table: str) -> int:
    return cursor.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _workspace(session: Session) -> tuple[Rows, Conversation, Message]:
    """A conversation started two hours ago: the customer's message, an AI reply, an
    escalation an hour ago."""
    rows = Rows(session)
    started = utcnow() - timedelta(hours=2)
    conversation = rows.conversation(rows.contact(started), "sms", started)
    customer = rows.message(conversation, started)
    rows.message(conversation, started + timedelta(seconds=30), "ai")
    rows.event("escalated", started + timedelta(hours=1), conversation=conversation)
    session.commit()
    return rows, conversation, customer


def test_the_first_load_copies_every_table_with_times_as_naive_utc(
    session: Session, engine: Engine
):
    rows = Rows(session)
    conversation = rows.conversation(rows.contact("2025-03-10 09:00"), "sms", "2025-03-10 09:00")
    rows.message(conversation, "2025-03-10 09:00", sentiment=-0.5)
    rows.message(conversation, "2025-03-10 09:01", "ai", purpose="alert", segments=2)
    rows.event("opted_out", "2025-03-10 09:02", conversation=conversation, from_="a", to="b")
    other = Rows(session, "other")
    other.conversation(other.contact("2025-03-10 09:00"), "email", "2025-03-10 09:00")
    session.commit()

    cursor = Snapshot(engine).fresh()
    assert [_count(cursor, t) for t in ("contact", "conversation", "message", "event")] == [
        2,
        2,
        2,
        1,
    ]
    assert cursor.execute(
        "SELECT direction, sender_kind, purpose, segments, sentiment, created_at::VARCHAR "
        "FROM message ORDER BY id"
    ).fetchall() == [
        ("inbound", "customer", None, None, -0.5, "2025-03-10 14:00:00"),  # 09:00 CDT
        ("outbound", "ai", "alert", 2, None, "2025-03-10 14:01:00"),
    ]
    assert cursor.execute("SELECT kind, from_value, to_value FROM event").fetchall() == [
        ("opted_out", "a", "b")
    ]


def test_new_rows_appear_after_a_refresh_and_the_copy_is_never_more_than_a_minute_old(
    session: Session, engine: Engine
):
    rows, conversation, _ = _workspace(session)
    snapshot = Snapshot(engine)
    assert _count(snapshot.fresh(), "message") == 2
    rows.message(conversation, utcnow())
    rows.event("closed", utcnow(), conversation=conversation)
    session.commit()

    assert _count(snapshot.fresh(), "message") == 2  # refreshed less than a minute ago
    snapshot._refreshed_clock -= MAX_AGE_SECONDS + 1  # a minute later
    assert _count(snapshot.fresh(), "message") == 3
    rows.message(conversation, utcnow(), "ai")
    session.commit()
    cursor = snapshot.fresh(max_age=0)
    assert (_count(cursor, "message"), _count(cursor, "event")) == (4, 2)


def test_a_changed_conversation_and_contact_are_replaced_by_id(session: Session, engine: Engine):
    _, conversation, _ = _workspace(session)
    snapshot = Snapshot(engine)
    snapshot.fresh()
    conversation.status = "closed"
    conversation.closed_at = conversation.updated_at = utcnow()
    session.add(conversation)
    contact = session.get(Contact, conversation.contact_id)
    contact.lead_status, contact.updated_at = "booked", utcnow()
    session.add(contact)
    session.commit()

    cursor = snapshot.fresh(max_age=0)
    assert cursor.execute("SELECT id, status FROM conversation").fetchall() == [
        (conversation.id, "closed")
    ]
    assert cursor.execute("SELECT id, lead_status FROM contact").fetchall() == [
        (contact.id, "booked")
    ]


def test_a_message_scored_or_failed_after_it_was_copied_is_read_again(
    session: Session, engine: Engine
):
    rows, conversation, customer = _workspace(session)
    reply = rows.message(conversation, utcnow(), "ai", status="queued", segments=3)
    session.commit()
    snapshot = Snapshot(engine)
    snapshot.fresh()
    customer.sentiment = 0.4  # triage scores it after it was stored
    reply.status = "failed"  # the provider refused it
    session.add_all([customer, reply])
    session.commit()

    cursor = snapshot.fresh(max_age=0)
    assert cursor.execute("SELECT id, sentiment, status FROM message ORDER BY id").fetchall() == [
        (customer.id, 0.4, "received"),
        (customer.id + 1, None, "sent"),
        (reply.id, None, "failed"),
    ]


def test_a_message_committed_after_a_later_one_is_not_missed(session: Session, engine: Engine):
    """On PostgreSQL, ids are handed out in insert order but rows become visible in commit
    order: a refresh between the two commits sees the later id first."""
    rows, conversation, _ = _workspace(session)
    held = rows.message(conversation, utcnow(), "ai")
    session.commit()
    later = Message(**{**held.model_dump(), "id": held.id + 10, "body": "later id, first"})
    session.add(later)
    session.commit()
    snapshot = Snapshot(engine)
    snapshot.fresh()
    earlier = Message(**{**held.model_dump(), "id": held.id + 5, "body": "earlier id, late"})
    session.add(earlier)
    session.commit()

    cursor = snapshot.fresh(max_age=0)
    ids = [row[0] for row in cursor.execute("SELECT id FROM message ORDER BY id").fetchall()]
    assert ids[-3:] == [held.id, held.id + 5, held.id + 10]


def test_a_refresh_reads_again_the_last_day_of_messages_only(session: Session, engine: Engine):
    rows = Rows(session)
    now = utcnow()
    conversation = rows.conversation(rows.contact(now), "sms", now - timedelta(days=3))
    rows.message(conversation, now - timedelta(days=3))
    rows.message(conversation, now - timedelta(days=2), "ai", status="queued")
    recent = rows.message(conversation, now - timedelta(hours=20))
    session.commit()
    snapshot = Snapshot(engine)
    snapshot.fresh()
    assert snapshot._reread_after("message", snapshot.refreshed_at, MESSAGE_RECHECK) == (
        recent.id - 1
    )
    assert snapshot._reread_after("message", None, MESSAGE_RECHECK) == 0  # the first load


def test_the_process_keeps_one_snapshot_per_database(engine: Engine):
    assert snapshot_for(engine) is snapshot_for(engine)


def test_first_messages_and_first_conversations_are_kept_up_to_date_as_rows_arrive(
    session: Session, engine: Engine
):
    rows = Rows(session)
    now = utcnow()

    def ago(hours: int):
        return now - timedelta(hours=hours)

    contact = rows.contact(ago(3))
    sms = rows.conversation(contact, "sms", ago(2))
    rows.message(sms, ago(2), "ai")
    session.commit()
    snapshot = Snapshot(engine)
    snapshot.fresh()
    # later rows with earlier times (a conversation brought in with its history)
    email = rows.conversation(contact, "email", ago(3))
    rows.message(email, ago(3))
    rows.message(sms, ago(1))
    session.commit()

    cursor = snapshot.fresh(max_age=0)
    naive = {hours: ago(hours).replace(tzinfo=None) for hours in (1, 2, 3)}
    assert cursor.execute(
        "SELECT id, first_message_at, first_inbound_at FROM conversation ORDER BY id"
    ).fetchall() == [(sms.id, naive[2], naive[1]), (email.id, naive[3], naive[3])]
    assert cursor.execute(
        "SELECT id, first_message_at, first_conversation_id, channel FROM contact"
    ).fetchall() == [(contact.id, naive[3], email.id, "email")]


def test_each_temperature_change_knows_the_one_before_it_even_when_it_arrives_late(
    session: Session, engine: Engine
):
    """The replay reads each change's predecessor from the snapshot: a change stored after a
    refresh with an earlier time than one already held puts its contact's changes in order
    again."""
    rows = Rows(session)
    now = utcnow()
    warm, quiet = rows.contact(now - timedelta(hours=5)), rows.contact(now - timedelta(hours=5))

    def change(when: timedelta, before: str, after: str) -> int:
        event = rows.event(
            "lead_temperature_changed", now - when, contact=warm, from_=before, to=after
        )
        session.commit()
        return event.id

    hot = change(timedelta(hours=1), "warm", "hot")
    snapshot = Snapshot(engine)
    snapshot.fresh()
    cold = change(timedelta(hours=3), "cool", "warm")  # committed late, happened earlier
    rows.event("lead_status_changed", now, contact=warm, from_="new", to="booked")
    session.commit()

    cursor = snapshot.fresh(max_age=0)
    assert cursor.execute(
        "SELECT id, prev_to, first_change FROM event "
        "WHERE kind = 'lead_temperature_changed' ORDER BY created_at"
    ).fetchall() == [(cold, None, True), (hot, "warm", False)]
    assert cursor.execute("SELECT id, temperature_changed FROM contact ORDER BY id").fetchall() == [
        (warm.id, True),
        (quiet.id, False),
    ]
