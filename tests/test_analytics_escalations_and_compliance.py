"""Escalation, sentiment and compliance analytics on a hand-made workspace: escalation rate
and reasons, the sentiment trend, opt-outs by channel, and the SMS segments billed this month.

Chicago; period Monday 10 to Sunday 16 March 2025. Conversations (local times):

- E1 SMS Mon 09:00 (sentiment +0.5), escalated 09:30 (can't answer); opted out 12:00, back
  in Tue 09:00; an AI reply that carries a score (not a customer's: ignored).
- E2 SMS Mon 10:00 (-0.25), never escalated; opted out Wed 12:00.
- E3 WhatsApp Mon 11:00 (not scored), escalated on the 20th (after the period); opted out
  Mon 13:00.
- E4 SMS Tue 09:00 (-0.8), escalated 09:30 (asked for a person) and Wed 10:00 (no reason:
  manual); opted out Sun 23:30 (Monday in UTC).
- E5 email Wed 09:00 (+0.35), never escalated.
- E6 SMS Wed 5 March (+0.1), escalated Tue 11:00 (negative sentiment).
- an opt-out Event with no conversation, Tue 08:00.

plus another workspace's escalated, scored, opted-out conversation on Monday.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from data.analytics import compliance, escalations
from data.usage import count_sms_usage
from tests.analytics_data import Rows, at, records, snapshot


def _conversation(rows: Rows, channel: str, starts: str, sentiment: float | None):
    conversation = rows.conversation(rows.contact(starts), channel, starts)
    rows.message(conversation, starts, sentiment=sentiment)
    return conversation


def _escalated(rows: Rows, conversation, when: str, reason: str | None) -> None:
    data = {"reason": reason} if reason else {}
    rows.event("escalated", when, conversation=conversation, actor="ai", **data)


@pytest.fixture
def acme(session: Session, engine: Engine) -> Rows:
    rows = Rows(session)
    e1 = _conversation(rows, "sms", "2025-03-10 09:00", 0.5)
    rows.message(e1, "2025-03-10 09:01", "ai", sentiment=0.9)
    _escalated(rows, e1, "2025-03-10 09:30", "cant_answer")
    rows.event("opted_out", "2025-03-10 12:00", conversation=e1, channel="sms")
    rows.event("opted_in", "2025-03-11 09:00", conversation=e1, channel="sms")
    e2 = _conversation(rows, "sms", "2025-03-10 10:00", -0.25)
    rows.event("opted_out", "2025-03-12 12:00", conversation=e2, channel="sms")
    e3 = _conversation(rows, "whatsapp", "2025-03-10 11:00", None)
    _escalated(rows, e3, "2025-03-20 10:00", "asked_for_person")
    rows.event("opted_out", "2025-03-10 13:00", conversation=e3, channel="whatsapp")
    e4 = _conversation(rows, "sms", "2025-03-11 09:00", -0.8)
    _escalated(rows, e4, "2025-03-11 09:30", "asked_for_person")
    _escalated(rows, e4, "2025-03-12 10:00", None)
    rows.event("opted_out", "2025-03-16 23:30", conversation=e4, channel="sms")
    _conversation(rows, "email", "2025-03-12 09:00", 0.35)
    e6 = _conversation(rows, "sms", "2025-03-05 09:00", 0.1)
    _escalated(rows, e6, "2025-03-11 11:00", "negative_sentiment")
    rows.event("opted_out", "2025-03-11 08:00", contact=rows.contact("2025-03-11 08:00"))
    other = Rows(session, "other")
    x = _conversation(other, "sms", "2025-03-10 09:00", -0.9)
    _escalated(other, x, "2025-03-10 09:30", "negative_sentiment")
    other.event("opted_out", "2025-03-10 12:00", conversation=x, channel="sms")
    session.commit()
    return rows


def test_escalation_rate_of_the_conversations_started_each_day(acme: Rows, engine: Engine):
    frame = escalations.escalation_rate(snapshot(engine), acme.period("2025-03-10", "2025-03-16"))
    assert list(frame.columns) == ["bucket", "conversations", "escalated", "rate"]
    # E3 was escalated after the period, E4 twice; E6 started before the period
    assert records(frame) == [
        ("2025-03-10", 3, 2, 0.6667),
        ("2025-03-11", 1, 1, 1.0),
        ("2025-03-12", 1, 0, 0.0),
    ]
    week = acme.period("2025-03-10", "2025-03-16", grain="week")
    assert records(escalations.escalation_rate(snapshot(engine), week)) == [
        ("2025-03-10", 5, 3, 0.6)
    ]
    sms = acme.period("2025-03-10", "2025-03-16", channel="sms")
    assert records(escalations.escalation_rate(snapshot(engine), sms)) == [
        ("2025-03-10", 2, 1, 0.5),
        ("2025-03-11", 1, 1, 1.0),
    ]


def test_escalation_reasons_count_each_escalation_on_its_day(acme: Rows, engine: Engine):
    frame = escalations.reasons(snapshot(engine), acme.period("2025-03-10", "2025-03-16"))
    assert list(frame.columns) == ["bucket", "reason", "escalations"]
    assert records(frame) == [
        ("2025-03-10", "cant_answer", 1),
        ("2025-03-11", "asked_for_person", 1),
        ("2025-03-11", "negative_sentiment", 1),  # E6 started earlier: its escalation counts
        ("2025-03-12", "manual", 1),  # no reason given
    ]
    whatsapp = acme.period("2025-03-10", "2025-03-16", channel="whatsapp")
    assert records(escalations.reasons(snapshot(engine), whatsapp)) == []


def test_sentiment_trend_averages_the_customers_scored_messages(acme: Rows, engine: Engine):
    frame = escalations.sentiment_trend(snapshot(engine), acme.period("2025-03-10", "2025-03-16"))
    assert list(frame.columns) == ["bucket", "average_sentiment", "scored_messages"]
    assert records(frame) == [
        ("2025-03-10", 0.125, 2),
        ("2025-03-11", -0.8, 1),
        ("2025-03-12", 0.35, 1),
    ]
    week = acme.period("2025-03-10", "2025-03-16", grain="week")
    assert records(escalations.sentiment_trend(snapshot(engine), week)) == [
        ("2025-03-10", -0.05, 4)
    ]
    sms = acme.period("2025-03-10", "2025-03-16", channel="sms")
    assert records(escalations.sentiment_trend(snapshot(engine), sms)) == [
        ("2025-03-10", 0.125, 2),
        ("2025-03-11", -0.8, 1),
    ]


def test_opt_outs_by_day_and_channel(acme: Rows, engine: Engine):
    frame = compliance.opt_outs(snapshot(engine), acme.period("2025-03-10", "2025-03-16"))
    assert list(frame.columns) == ["bucket", "channel", "opt_outs"]
    assert records(frame) == [
        ("2025-03-10", "sms", 1),
        ("2025-03-10", "whatsapp", 1),
        ("2025-03-11", "unknown", 1),  # no conversation to tell the channel
        ("2025-03-12", "sms", 1),
        ("2025-03-16", "sms", 1),  # Sunday 23:30 local
    ]
    sms = acme.period("2025-03-10", "2025-03-16", channel="sms")
    assert records(compliance.opt_outs(snapshot(engine), sms)) == [
        ("2025-03-10", "sms", 1),
        ("2025-03-12", "sms", 1),
        ("2025-03-16", "sms", 1),
    ]


def test_sms_segments_this_month_count_queued_and_sent_not_failed(session: Session, engine: Engine):
    rows = Rows(session, sms_allowance=100)
    contact = rows.contact("2025-02-20 09:00")
    sms = rows.conversation(contact, "sms", "2025-02-20 09:00")
    email = rows.conversation(contact, "email", "2025-02-20 09:00")
    whatsapp = rows.conversation(contact, "whatsapp", "2025-02-20 09:00")
    rows.message(sms, "2025-02-28 23:30", "ai", segments=3)  # March in UTC, February here
    rows.message(sms, "2025-03-01 00:30", "ai", segments=2)
    rows.message(sms, "2025-03-10 10:00", "ai", status="failed", segments=5)
    rows.message(sms, "2025-03-15 10:00", "operator", status="queued", segments=1)
    rows.message(sms, "2025-03-16 10:00", "ai", status="delivered", segments=4)
    rows.message(sms, "2025-03-16 11:00")  # the customer's
    # an alert to staff by SMS about an email conversation is billed too
    rows.message(
        email, "2025-03-17 10:00", "automation", channel="sms", purpose="alert", segments=2
    )
    rows.message(whatsapp, "2025-03-17 10:00", "ai", segments=7)
    other = Rows(session, "other")
    other_sms = other.conversation(other.contact("2025-03-01 09:00"), "sms", "2025-03-01 09:00")
    other.message(other_sms, "2025-03-10 10:00", "ai", segments=50)
    session.commit()

    now = at("2025-03-20 02:00")
    frame = compliance.sms_segments(snapshot(engine), rows.workspace, now)
    assert list(frame.columns) == ["month_start", "used", "allowance", "share"]
    assert records(frame) == [("2025-03-01T06:00:00", 9, 100, 0.09)]
    assert count_sms_usage(session, rows.workspace, now).used == 9  # the pipeline's rule
    april = compliance.sms_segments(snapshot(engine), rows.workspace, at("2025-04-01 00:00"))
    assert records(april) == [("2025-04-01T05:00:00", 0, 100, 0.0)]
