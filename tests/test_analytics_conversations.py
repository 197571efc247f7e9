"""Conversation analytics on a hand-made workspace: volume by day and week and channel, the
hour-of-week heatmap in the workspace's zone across a DST change, the share answered fully by
the AI, and the share of customers' messages after hours.

Chicago, open Monday to Friday 08:00-18:00; period Friday 7 to Monday 10 March 2025 (clocks
go forward on Sunday the 9th, CST -6 to CDT -5). Conversations and their messages (local):

- V1 SMS Fri 09:00: customer, AI reply. Nobody touched it.
- V2 WhatsApp Fri 19:30: customer; an operator answers Sat 10:00.
- V3 SMS Sat 23:30: customer, AI reply; escalated Sun 09:00.
- V4 email Sun 12:00: customer; taken over Sun 13:00.
- V5 SMS Mon 08:30: customer, AI reply; customer again Mon 18:00 (closing time: after hours).
- V6 web chat Mon 10:00: only an AI message, no customer.
- V7 SMS Thu 6 March 10:00 (before the period): customer; customer again Fri 10:00.
- V8 SMS Mon 23:30 (Tuesday in UTC): customer, automation reply. Nobody touched it.
- V0 SMS Thu 6 March 23:30 (Friday in UTC): customer. Before the period.

plus another workspace's conversation, customer and operator, on Friday: counted nowhere.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from data.analytics import conversations
from tests.analytics_data import Rows, records, snapshot


def _conversation(rows: Rows, channel: str, starts: str, *later: tuple[str, str]):
    contact = rows.contact(starts)
    conversation = rows.conversation(contact, channel, starts)
    rows.message(conversation, starts)
    for when, sender in later:
        rows.message(conversation, when, sender)
    return conversation


@pytest.fixture
def acme(session: Session, engine: Engine) -> Rows:
    rows = Rows(session)
    _conversation(rows, "sms", "2025-03-07 09:00", ("2025-03-07 09:01", "ai"))
    _conversation(rows, "whatsapp", "2025-03-07 19:30", ("2025-03-08 10:00", "operator"))
    v3 = _conversation(rows, "sms", "2025-03-08 23:30", ("2025-03-08 23:31", "ai"))
    rows.event("escalated", "2025-03-09 09:00", conversation=v3, reason="cant_answer")
    v4 = _conversation(rows, "email", "2025-03-09 12:00")
    rows.event("taken_over", "2025-03-09 13:00", conversation=v4, actor="operator")
    _conversation(
        rows,
        "sms",
        "2025-03-10 08:30",
        ("2025-03-10 08:31", "ai"),
        ("2025-03-10 18:00", "customer"),
    )
    v6 = rows.conversation(rows.contact("2025-03-10 10:00"), "webchat", "2025-03-10 10:00")
    rows.message(v6, "2025-03-10 10:00", "ai")
    _conversation(rows, "sms", "2025-03-06 10:00", ("2025-03-07 10:00", "customer"))
    _conversation(rows, "sms", "2025-03-10 23:30", ("2025-03-10 23:31", "automation"))
    _conversation(rows, "sms", "2025-03-06 23:30")
    other = Rows(session, "other")
    _conversation(other, "sms", "2025-03-07 11:00", ("2025-03-07 11:05", "operator"))
    session.commit()
    return rows


def test_volume_by_day_counts_conversations_started_and_customer_messages_by_channel(
    acme: Rows, engine: Engine
):
    frame = conversations.volume(snapshot(engine), acme.period("2025-03-07", "2025-03-10"))
    assert list(frame.columns) == ["bucket", "channel", "conversations", "customer_messages"]
    assert records(frame) == [
        ("2025-03-07", "sms", 1, 2),  # V1; V1's and V7's messages (V7 started Thursday)
        ("2025-03-07", "whatsapp", 1, 1),
        ("2025-03-08", "sms", 1, 1),  # V3 at 23:30 Saturday is Sunday in UTC
        ("2025-03-09", "email", 1, 1),
        ("2025-03-10", "sms", 2, 3),  # V5 (two messages) and V8 (Tuesday in UTC)
        ("2025-03-10", "webchat", 1, 0),  # started, but no customer message
    ]


def test_volume_by_week_starts_on_monday(acme: Rows, engine: Engine):
    period = acme.period("2025-03-07", "2025-03-10", grain="week")
    assert records(conversations.volume(snapshot(engine), period)) == [
        ("2025-03-03", "email", 1, 1),
        ("2025-03-03", "sms", 2, 3),
        ("2025-03-03", "whatsapp", 1, 1),
        ("2025-03-10", "sms", 2, 3),
        ("2025-03-10", "webchat", 1, 0),
    ]


def test_volume_on_one_channel(acme: Rows, engine: Engine):
    period = acme.period("2025-03-07", "2025-03-10", channel="sms")
    assert records(conversations.volume(snapshot(engine), period)) == [
        ("2025-03-07", "sms", 1, 2),
        ("2025-03-08", "sms", 1, 1),
        ("2025-03-10", "sms", 2, 3),
    ]


def test_heatmap_places_messages_at_their_local_weekday_and_hour_either_side_of_dst(
    acme: Rows, engine: Engine
):
    frame = conversations.heatmap(snapshot(engine), acme.period("2025-03-07", "2025-03-10"))
    assert list(frame.columns) == ["weekday", "hour", "customer_messages"]
    assert records(frame) == [
        (1, 8, 1),  # Monday 08:30 CDT (13:30 UTC)
        (1, 18, 1),
        (1, 23, 1),  # Monday 23:30 CDT, Tuesday 04:30 UTC
        (5, 9, 1),
        (5, 10, 1),
        (5, 19, 1),
        (6, 23, 1),  # Saturday 23:30 CST, Sunday 05:30 UTC
        (7, 12, 1),  # Sunday noon CDT (17:00 UTC), not 11
    ]
    sms = acme.period("2025-03-07", "2025-03-10", channel="email")
    assert records(conversations.heatmap(snapshot(engine), sms)) == [(7, 12, 1)]


def test_ai_only_share_leaves_out_operator_messages_escalations_and_takeovers(
    acme: Rows, engine: Engine
):
    frame = conversations.ai_only_share(snapshot(engine), acme.period("2025-03-07", "2025-03-10"))
    assert list(frame.columns) == ["conversations", "ai_only", "share"]
    # V1, V5 and V8 (an automation's reply is no person's) of V1-V5 and V8; V6 had no
    # customer message, V7 started before the period
    assert records(frame) == [(6, 3, 0.5)]
    sms = acme.period("2025-03-07", "2025-03-10", channel="sms")
    assert records(conversations.ai_only_share(snapshot(engine), sms)) == [(4, 3, 0.75)]


def test_an_escalation_without_a_conversation_leaves_the_ai_only_share_alone(
    acme: Rows, engine: Engine
):
    # An Event may have no conversation: it must not count as touching one, nor turn
    # the untouched conversations' test into "unknown"
    acme.event("escalated", "2025-03-08 12:00", contact=acme.contact("2025-03-08 12:00"))
    acme.session.commit()
    period = acme.period("2025-03-07", "2025-03-10")
    assert records(conversations.ai_only_share(snapshot(engine), period)) == [(6, 3, 0.5)]


def test_after_hours_share_uses_the_opening_hours_in_the_workspace_zone(acme: Rows, engine: Engine):
    period = acme.period("2025-03-07", "2025-03-10")
    frame = conversations.after_hours_share(snapshot(engine), period)
    assert list(frame.columns) == ["customer_messages", "after_hours", "share"]
    # After hours: Fri 19:30, Sat 23:30, Sun 12:00, Mon 18:00 (closing), Mon 23:30. Open:
    # Fri 09:00, Fri 10:00, Mon 08:30 (13:30 UTC: open at 08:00 CDT, not 08:00 CST)
    assert records(frame) == [(8, 5, 0.625)]


def test_an_empty_period_has_no_volume_and_no_share(acme: Rows, engine: Engine):
    cursor = snapshot(engine)
    period = acme.period("2025-01-01", "2025-01-31")
    assert records(conversations.volume(cursor, period)) == []
    assert records(conversations.heatmap(cursor, period)) == []
    assert records(conversations.ai_only_share(cursor, period)) == [(0, 0, None)]
    assert records(conversations.after_hours_share(cursor, period)) == [(0, 0, None)]
