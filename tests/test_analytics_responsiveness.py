"""Responsiveness analytics on a hand-made workspace: first response by the AI and by a
person, a person's reply after an escalation, resolution time, each also counted in business
hours only.

Chicago, open Monday to Friday 08:00-18:00; period Monday 10 to Friday 14 March 2025 (CDT).
Conversations (local times):

- R1 SMS: customer Mon 20:00; an alert (purpose "alert", even from the AI) 20:00:30; AI
  20:02; operator Tue 08:30.
- R2 WhatsApp: customer Tue 10:00; automation 10:00:30; AI 10:01; escalated 10:05;
  operator 10:10; closed 12:00.
- R3 SMS: customer Wed 17:00; automation 17:01; AI 17:05; escalated 17:30; operator Thu
  08:15.
- R4 email, opened by an operator Thu 08:00; customer 09:00; operator 11:00; closed Fri
  09:00, reopened 10:00, closed again 11:00.
- R5 SMS: customer Fri 7 March 09:00, closed 10:00 (before the period); closed again Tue.
- R7 web chat: customer Fri 7 March 15:00; escalated Fri 14 March 16:00, never answered.

plus another workspace's conversation answered and escalated on Monday: counted nowhere.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from data.analytics import responsiveness
from tests.analytics_data import Rows, records, snapshot

COLUMNS = [
    "responder",
    "asked",
    "answered",
    "p50_minutes",
    "p90_minutes",
    "p50_business_minutes",
    "p90_business_minutes",
]


def _conversation(rows: Rows, channel: str, starts: str, *later: tuple[str, str]):
    conversation = rows.conversation(rows.contact(starts), channel, starts)
    for when, sender in ((starts, "customer"), *later):
        rows.message(conversation, when, sender)
    return conversation


@pytest.fixture
def acme(session: Session, engine: Engine) -> Rows:
    rows = Rows(session)
    r1 = _conversation(
        rows,
        "sms",
        "2025-03-10 20:00",
        ("2025-03-10 20:02", "ai"),
        ("2025-03-11 08:30", "operator"),
    )
    rows.message(r1, "2025-03-10 20:00:30", "ai", purpose="alert")
    r2 = _conversation(
        rows,
        "whatsapp",
        "2025-03-11 10:00",
        ("2025-03-11 10:00:30", "automation"),
        ("2025-03-11 10:01", "ai"),
        ("2025-03-11 10:10", "operator"),
    )
    rows.event("escalated", "2025-03-11 10:05", conversation=r2, reason="asked_for_person")
    rows.event("closed", "2025-03-11 12:00", conversation=r2)
    r3 = _conversation(
        rows,
        "sms",
        "2025-03-12 17:00",
        ("2025-03-12 17:01", "automation"),
        ("2025-03-12 17:05", "ai"),
        ("2025-03-13 08:15", "operator"),
    )
    rows.event("escalated", "2025-03-12 17:30", conversation=r3, reason="cant_answer")
    r4 = rows.conversation(rows.contact("2025-03-13 08:00"), "email", "2025-03-13 08:00")
    for when, sender in (("08:00", "operator"), ("09:00", "customer"), ("11:00", "operator")):
        rows.message(r4, f"2025-03-13 {when}", sender)
    rows.event("closed", "2025-03-14 09:00", conversation=r4)
    rows.event("reopened", "2025-03-14 10:00", conversation=r4)
    rows.event("closed", "2025-03-14 11:00", conversation=r4)
    r5 = _conversation(rows, "sms", "2025-03-07 09:00")
    rows.event("closed", "2025-03-07 10:00", conversation=r5)
    rows.event("closed", "2025-03-11 09:00", conversation=r5)
    r7 = _conversation(rows, "webchat", "2025-03-07 15:00")
    rows.event("escalated", "2025-03-14 16:00", conversation=r7, reason="negative_sentiment")
    other = Rows(session, "other")
    x = _conversation(
        other,
        "sms",
        "2025-03-10 10:00",
        ("2025-03-10 10:01", "ai"),
        ("2025-03-10 10:02", "operator"),
    )
    other.event("escalated", "2025-03-10 10:01", conversation=x, reason="cant_answer")
    other.event("closed", "2025-03-10 11:00", conversation=x)
    session.commit()
    return rows


def test_first_response_by_the_ai_and_by_a_person(acme: Rows, engine: Engine):
    frame = responsiveness.first_response(snapshot(engine), acme.period("2025-03-10", "2025-03-14"))
    assert list(frame.columns) == COLUMNS
    # AI: R1 2 min (0 in business hours: the alert at 20:00:30 is not the answer), R2 1,
    # R3 5; R4 never. Person: R2 10, R4 120 (the outreach before the question is no
    # answer), R1 750 (30 business minutes: 08:00-08:30), R3 915 (75: 17:00-18:00,
    # 08:00-08:15); the automations' replies at 10:00:30 and 17:01 are nobody's.
    assert records(frame) == [
        ("AI", 4, 3, 2.0, 4.4, 1.0, 4.2),
        ("Person", 4, 4, 435.0, 865.5, 52.5, 106.5),
    ]


def test_first_response_on_one_channel(acme: Rows, engine: Engine):
    period = acme.period("2025-03-10", "2025-03-14", channel="sms")
    assert records(responsiveness.first_response(snapshot(engine), period)) == [
        ("AI", 2, 2, 3.5, 4.7, 2.5, 4.5),
        ("Person", 2, 2, 832.5, 898.5, 52.5, 70.5),
    ]


def test_a_message_at_eight_pm_answered_at_half_past_eight_took_thirty_business_minutes(
    acme: Rows, engine: Engine
):
    monday = acme.period("2025-03-10", "2025-03-10")
    person = records(responsiveness.first_response(snapshot(engine), monday))[1]
    assert person == ("Person", 1, 1, 750.0, 750.0, 30.0, 30.0)


def test_business_time_across_a_weekend_and_the_dst_change(session: Session, engine: Engine):
    rows = Rows(session)
    # Friday 17:00 CST to Monday 09:00 CDT: 63 hours on the clock, 2 open hours
    _conversation(rows, "sms", "2025-03-07 17:00", ("2025-03-10 09:00", "operator"))
    session.commit()
    friday = rows.period("2025-03-07", "2025-03-07")
    assert records(responsiveness.first_response(snapshot(engine), friday)) == [
        ("AI", 1, 0, None, None, None, None),
        ("Person", 1, 1, 3780.0, 3780.0, 120.0, 120.0),
    ]


def test_human_reply_after_escalation_waits_for_the_first_operator_message_after_it(
    acme: Rows, engine: Engine
):
    period = acme.period("2025-03-10", "2025-03-14")
    frame = responsiveness.human_after_escalation(snapshot(engine), period)
    assert list(frame.columns) == COLUMNS
    # R2 5 min; R3 885 (45 business: 17:30-18:00, 08:00-08:15); R7 unanswered
    assert records(frame) == [("Person after escalation", 3, 2, 445.0, 797.0, 25.0, 41.0)]


def test_resolution_runs_from_the_start_to_the_first_close(acme: Rows, engine: Engine):
    period = acme.period("2025-03-10", "2025-03-14")
    frame = responsiveness.resolution(snapshot(engine), period)
    assert list(frame.columns) == COLUMNS
    # R2 120 min; R4 from the operator's first message Thu 08:00 to Fri 09:00: 1500 (660
    # business: all Thursday, 08:00-09:00 Friday); R5 was first closed before the period
    assert records(frame) == [("Resolution", 2, 2, 810.0, 1362.0, 390.0, 606.0)]
    email = acme.period("2025-03-10", "2025-03-14", channel="email")
    assert records(responsiveness.resolution(snapshot(engine), email)) == [
        ("Resolution", 1, 1, 1500.0, 1500.0, 660.0, 660.0)
    ]


def test_overlapping_opening_hours_are_counted_once(session: Session, engine: Engine):
    rows = Rows(session, business_hours={"mon": [["08:00", "12:00"], ["10:00", "14:00"]]})
    _conversation(rows, "sms", "2025-03-10 07:00", ("2025-03-10 15:00", "operator"))
    session.commit()
    monday = rows.period("2025-03-10", "2025-03-10")
    person = records(responsiveness.first_response(snapshot(engine), monday))[1]
    assert person == ("Person", 1, 1, 480.0, 480.0, 360.0, 360.0)  # 08:00-14:00
