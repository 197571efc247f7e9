"""Lead analytics on a hand-made workspace: temperature over time (replayed from the
temperature Events), by channel, outcome by first temperature, the funnel and time to booking.

The contacts (all times Chicago; period Monday 3 to Wednesday 5 March 2025); "now" is the
contact's current status and temperature, then its temperature and status Events:

- A: starts Mon 10:00 on SMS (web chat Tue); now booked, hot. Temperature Tue 09:00
  cool->warm, Wed 12:00 warm->hot. Status Tue 10:00 ->booked, 11:00 ->quoted, Wed 10:00
  ->booked.
- B: Tue 15:00, email; now new, cold; no Events.
- C: Sat 1 March, SMS; now contacted, warm. Temperature Mon 08:00 hot->warm.
- E: first message Mon 11:00 on SMS (its row made Thursday); now new, cool; no Events.
- F: Wed 09:00, SMS; now won, hot. Temperature Wed 09:30 cool->hot. Status 12:00 ->booked,
  13:00 ->won.
- G: Wed 09:00, WhatsApp; now lost, warm. Temperature Wed 11:00 cool->warm. Status 09:10
  ->contacted, 09:20 ->quoted, 14:00 ->lost.
- H: Tue 08:00, web chat; now contacted, cool. Status Tue 14:00 ->booked, 16:00 ->contacted.

plus a contact of another workspace, won and hot, at the same times, counted nowhere.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from data.analytics import leads
from tests.analytics_data import Rows, at, records, snapshot


def _temperature(rows: Rows, contact, when: str, was: str, to: str) -> None:
    rows.event("lead_temperature_changed", when, contact=contact, from_=was, to=to, actor="ai")


def _status(rows: Rows, contact, when: str, was: str, to: str) -> None:
    rows.event("lead_status_changed", when, contact=contact, from_=was, to=to, actor="operator")


def _lead(rows: Rows, starts: str, channel: str, status: str, temperature: str, **fields):
    contact = rows.contact(starts, status, temperature, **fields)
    conversation = rows.conversation(contact, channel, starts)
    rows.message(conversation, starts)
    return contact, conversation


@pytest.fixture
def acme(session: Session, engine: Engine) -> Rows:
    rows = Rows(session)
    a, _ = _lead(rows, "2025-03-03 10:00", "sms", "booked", "hot")
    a_chat = rows.conversation(a, "webchat", "2025-03-04 12:00")
    rows.message(a_chat, "2025-03-04 12:00")
    _temperature(rows, a, "2025-03-04 09:00", "cool", "warm")
    _temperature(rows, a, "2025-03-05 12:00", "warm", "hot")
    _status(rows, a, "2025-03-04 10:00", "new", "booked")
    _status(rows, a, "2025-03-04 11:00", "booked", "quoted")
    _status(rows, a, "2025-03-05 10:00", "quoted", "booked")

    _lead(rows, "2025-03-04 15:00", "email", "new", "cold")

    c, _ = _lead(rows, "2025-03-01 12:00", "sms", "contacted", "warm")
    _temperature(rows, c, "2025-03-03 08:00", "hot", "warm")

    e = rows.contact("2025-03-06 10:00", "new", "cool")
    rows.message(rows.conversation(e, "sms", "2025-03-06 10:00"), "2025-03-03 11:00")

    f, _ = _lead(rows, "2025-03-05 09:00", "sms", "won", "hot")
    _temperature(rows, f, "2025-03-05 09:30", "cool", "hot")
    _status(rows, f, "2025-03-05 12:00", "new", "booked")
    _status(rows, f, "2025-03-05 13:00", "booked", "won")

    g, _ = _lead(rows, "2025-03-05 09:00", "whatsapp", "lost", "warm")
    _temperature(rows, g, "2025-03-05 11:00", "cool", "warm")
    _status(rows, g, "2025-03-05 09:10", "new", "contacted")
    _status(rows, g, "2025-03-05 09:20", "contacted", "quoted")
    _status(rows, g, "2025-03-05 14:00", "quoted", "lost")

    h, _ = _lead(rows, "2025-03-04 08:00", "webchat", "contacted", "cool")
    _status(rows, h, "2025-03-04 14:00", "new", "booked")
    _status(rows, h, "2025-03-04 16:00", "booked", "contacted")

    other = Rows(session, "other")
    x, _ = _lead(other, "2025-03-03 10:00", "sms", "won", "hot")
    _temperature(other, x, "2025-03-03 11:00", "cold", "hot")
    _status(other, x, "2025-03-03 12:00", "new", "booked")
    session.commit()
    return rows


def test_temperature_at_each_day_end_is_replayed_from_the_events(acme: Rows, engine: Engine):
    frame = leads.temperature_over_time(snapshot(engine), acme.period("2025-03-03", "2025-03-05"))
    assert list(frame.columns) == ["bucket", "temperature", "contacts"]
    assert records(frame) == [
        # Monday night: A is still cool (its first Event's `from`), C already warm, E cool
        ("2025-03-03", "cool", 2),
        ("2025-03-03", "warm", 1),
        # Tuesday night: A warm; B cold and H cool, as they are now (no Events)
        ("2025-03-04", "cold", 1),
        ("2025-03-04", "cool", 2),
        ("2025-03-04", "warm", 2),
        ("2025-03-05", "cold", 1),
        ("2025-03-05", "cool", 2),
        ("2025-03-05", "hot", 2),
        ("2025-03-05", "warm", 2),
    ]


def test_temperature_by_week_counts_everyone_at_the_end_of_the_week(acme: Rows, engine: Engine):
    period = acme.period("2025-03-03", "2025-03-05", grain="week")
    assert records(leads.temperature_over_time(snapshot(engine), period)) == [
        ("2025-03-03", "cold", 1),
        ("2025-03-03", "cool", 2),
        ("2025-03-03", "hot", 2),
        ("2025-03-03", "warm", 2),
    ]


def test_temperature_over_time_on_one_channel_keeps_contacts_whose_first_conversation_is_on_it(
    acme: Rows, engine: Engine
):
    period = acme.period("2025-03-03", "2025-03-05", channel="sms")
    assert records(leads.temperature_over_time(snapshot(engine), period)) == [
        ("2025-03-03", "cool", 2),
        ("2025-03-03", "warm", 1),
        ("2025-03-04", "cool", 1),
        ("2025-03-04", "warm", 2),
        ("2025-03-05", "cool", 1),
        ("2025-03-05", "hot", 2),
        ("2025-03-05", "warm", 1),
    ]


def test_temperature_by_channel_counts_contacts_who_wrote_once_under_their_first_channel(
    acme: Rows, engine: Engine
):
    frame = leads.temperature_by_channel(snapshot(engine), acme.period("2025-03-03", "2025-03-05"))
    assert list(frame.columns) == ["channel", "temperature", "contacts"]
    # C wrote only before the period; A wrote on web chat too but counts once, under SMS
    assert records(frame) == [
        ("email", "cold", 1),
        ("sms", "cool", 1),
        ("sms", "hot", 2),
        ("webchat", "cool", 1),
        ("whatsapp", "warm", 1),
    ]
    sms = acme.period("2025-03-03", "2025-03-05", channel="sms")
    assert records(leads.temperature_by_channel(snapshot(engine), sms)) == [
        ("sms", "cool", 1),
        ("sms", "hot", 2),
    ]


def test_outcome_by_first_temperature_takes_the_temperature_an_hour_after_the_start(
    acme: Rows, engine: Engine
):
    period = acme.period("2025-03-03", "2025-03-05")
    frame = leads.outcome_by_first_temperature(snapshot(engine), period)
    assert list(frame.columns) == ["temperature", "contacts", "booked_or_won", "share"]
    # A was cool for a day (booked now); F hot within half an hour (won); G warmed after two
    # hours, so started cool (lost); E and H never changed (cool), B cold; C started earlier
    assert records(frame) == [
        ("cold", 1, 0, 0.0),
        ("cool", 4, 1, 0.25),
        ("hot", 1, 1, 1.0),
    ]


def test_funnel_counts_a_stage_reached_now_or_by_a_past_event_and_lost_on_its_own(
    acme: Rows, engine: Engine
):
    frame = leads.funnel(snapshot(engine), acme.period("2025-03-03", "2025-03-05"))
    assert list(frame.columns) == ["stage", "contacts", "conversion"]
    # A booked, F won, H was booked once (contacted again now), G reached quoted (lost now)
    assert records(frame) == [
        ("new", 6, None),
        ("contacted", 4, 0.6667),
        ("quoted", 4, 1.0),
        ("booked", 3, 0.75),
        ("won", 1, 0.3333),
        ("lost", 1, None),
    ]


def test_funnel_on_one_channel(acme: Rows, engine: Engine):
    period = acme.period("2025-03-03", "2025-03-05", channel="sms")
    assert records(leads.funnel(snapshot(engine), period)) == [
        ("new", 3, None),
        ("contacted", 2, 0.6667),
        ("quoted", 2, 1.0),
        ("booked", 2, 1.0),
        ("won", 1, 0.5),
        ("lost", 0, None),
    ]


def test_time_to_booking_runs_from_the_start_to_the_first_move_to_booked(
    acme: Rows, engine: Engine
):
    frame = leads.time_to_booking(snapshot(engine), acme.period("2025-03-03", "2025-03-05"))
    assert list(frame.columns) == ["contacts", "p50_hours", "p90_hours"]
    # F 3 h, H 6 h (booked, then back), A 24 h (its second booking is later)
    assert records(frame) == [(3, 6.0, 20.4)]


def test_a_period_before_anyone_wrote_has_no_contacts(acme: Rows, engine: Engine):
    cursor = snapshot(engine)
    period = acme.period("2025-02-01", "2025-02-02")
    assert records(leads.temperature_over_time(cursor, period)) == []
    assert records(leads.outcome_by_first_temperature(cursor, period)) == []
    assert records(leads.time_to_booking(cursor, period)) == [(0, None, None)]
    assert [row[1] for row in records(leads.funnel(cursor, period))] == [0, 0, 0, 0, 0, 0]


def _replayed(changes: list[tuple], current: str, moment: datetime) -> str:
    """The definition, contact by contact: the `to` of the latest change at or before the
    moment, else the first change's `from`, else the current temperature."""
    done = [c for c in changes if c[0] <= moment]
    if done:
        return done[-1][2]
    return (changes[0][1] if changes else None) or current


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_temperature_over_time_and_at_first_contact_match_a_replay_contact_by_contact(
    session: Session, engine: Engine, seed: int
):
    rng = random.Random(seed)
    rows = Rows(session)
    origin = at("2025-03-01 00:00")
    moments = [origin + timedelta(hours=rng.randint(0, 240)) for _ in range(8)]
    contacts = []
    for _ in range(40):
        start = rng.choice(moments) + timedelta(minutes=rng.choice([0, 0, 30, 59]))
        current = rng.choice(leads.TEMPERATURES)
        contact = rows.contact(start, temperature=current)
        changes = []
        for _ in range(rng.choice([0, 0, 1, 2, 4])):
            when = rng.choice([start, *moments]) + timedelta(minutes=rng.choice([0, 0, 15, 61]))
            was = rng.choice([None, *leads.TEMPERATURES])
            data = {"to": rng.choice(leads.TEMPERATURES)} | ({"from_": was} if was else {})
            event = rows.event("lead_temperature_changed", when, contact=contact, **data)
            changes.append((when, was, data["to"], event.id))
        changes.sort(key=lambda c: (c[0], c[3]))
        contacts.append((start, current, changes))
    session.commit()
    cursor = snapshot(engine)

    for grain in ("day", "week"):
        period = rows.period("2025-03-03", "2025-03-09", grain=grain)
        expected = []
        for bucket, at_end in _bucket_ends(period):
            counts = Counter(
                _replayed(changes, current, at_end)
                for start, current, changes in contacts
                if start < at_end
            )
            expected += [(bucket, t, n) for t, n in sorted(counts.items())]
        assert records(leads.temperature_over_time(cursor, period)) == expected

    period = rows.period("2025-03-03", "2025-03-09")
    first = Counter(
        _replayed(changes, current, start + timedelta(hours=1))
        for start, current, changes in contacts
        if period.start <= start.replace(tzinfo=None) < period.end
    )
    frame = leads.outcome_by_first_temperature(cursor, period)
    assert dict(zip(frame["temperature"], frame["contacts"], strict=True)) == first


def _bucket_ends(period) -> list[tuple[str, datetime]]:
    """Each bucket of the period and its end, aware UTC."""
    zone = ZoneInfo(period.timezone)
    days = [period.first_day + timedelta(days=n) for n in range(7)]
    starts = sorted(
        {d - timedelta(days=d.weekday()) if period.grain == "week" else d for d in days}
    )
    step = timedelta(days=7 if period.grain == "week" else 1)
    return [
        (s.isoformat(), datetime.combine(s + step, datetime.min.time(), zone).astimezone(UTC))
        for s in starts
    ]
