"""Booking through the AI: free slots inside business hours (existing appointments
respected), the customer's pick books an Appointment and marks the lead Booked, and after
hours the reply still comes with the hours and the next free time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from data import appointments
from data.clock import as_utc, utcnow
from data.events import Actor
from data.models import Appointment, Message
from data.scheduling import DAYS, SLOT_LENGTH, Hours
from tests.factories import make_business, text_in
from tests.pipeline_helpers import ai_replies, answer, fresh


def offered(reply: Message) -> list[datetime]:
    return [datetime.fromisoformat(s) for s in reply.meta["offered_slots"]]


def test_a_booking_request_is_offered_three_free_slots_inside_business_hours(
    engine, session: Session
) -> None:
    workspace = make_business(session)
    result = text_in(session, "can someone come out tomorrow?")
    answer(engine, session)
    [reply] = ai_replies(session, result.conversation.id)
    slots = offered(reply)
    hours = Hours(workspace.business_hours, workspace.timezone)
    tomorrow = (utcnow().astimezone(hours.zone) + timedelta(days=1)).date()
    assert len(slots) == 3 and "Reply with the number" in reply.body
    assert all(s.astimezone(hours.zone).date() == tomorrow for s in slots)
    assert all(hours.is_open(s) for s in slots)
    assert fresh(session, result.contact).lead_temperature == "hot"


def test_picking_a_number_books_that_slot_and_marks_the_lead_booked(engine, session) -> None:
    make_business(session)
    result = text_in(session, "I need to schedule a water heater install")
    answer(engine, session)
    second = offered(ai_replies(session, result.conversation.id)[0])[1]
    pick = text_in(session, "2")
    answer(engine, session)
    [booking] = session.exec(select(Appointment)).all()
    assert as_utc(booking.starts_at) == second and booking.source == "ai"
    assert as_utc(booking.ends_at) - as_utc(booking.starts_at) == SLOT_LENGTH
    contact = fresh(session, result.contact)
    assert (contact.lead_status, contact.lead_temperature) == ("booked", "hot")
    confirmation = ai_replies(session, result.conversation.id)[-1]
    assert confirmation.answers_message_id == pick.message.id
    assert confirmation.body.startswith("You're booked for")


def test_a_slot_with_an_appointment_is_not_offered(engine, session: Session) -> None:
    make_business(session)
    first = text_in(session, "book me in please", sender="+15125550111")
    answer(engine, session)
    taken = offered(ai_replies(session, first.conversation.id)[0])[0]
    appointments.book(session, first.contact, taken, taken + SLOT_LENGTH, Actor.ai())
    other = text_in(session, "book me in please", sender="+15125550112")
    answer(engine, session)
    assert taken not in offered(ai_replies(session, other.conversation.id)[0])


def test_a_pick_that_was_taken_meanwhile_gets_new_slots_instead(engine, session) -> None:
    make_business(session)
    result = text_in(session, "any availability this week?", sender="+15125550111")
    answer(engine, session)
    first = offered(ai_replies(session, result.conversation.id)[0])[0]
    someone = text_in(session, "hi", sender="+15125550199").contact
    appointments.book(session, someone, first, first + SLOT_LENGTH, Actor.ai())
    text_in(session, "1", sender="+15125550111")
    answer(engine, session)
    retry = ai_replies(session, result.conversation.id)[-1]
    assert retry.body.startswith("Sorry, that time was just taken.")
    assert first not in offered(retry)
    assert len(session.exec(select(Appointment)).all()) == 1


def test_a_day_and_time_pick_books_the_matching_offered_slot(engine, session) -> None:
    workspace = make_business(session)
    result = text_in(session, "can you come out tomorrow?")
    answer(engine, session)
    slot = offered(ai_replies(session, result.conversation.id)[0])[2]
    local = slot.astimezone(Hours(workspace.business_hours, workspace.timezone).zone)
    text_in(session, f"{local:%A} at {local:%I:%M %p}".replace(" 0", " "))
    answer(engine, session)
    [booking] = session.exec(select(Appointment)).all()
    assert as_utc(booking.starts_at) == slot


def test_after_hours_the_reply_mentions_the_hours_and_offers_the_next_time(
    engine, session: Session
) -> None:
    in_three_days = utcnow().astimezone(Hours({}, "America/Chicago").zone) + timedelta(days=3)
    open_day = DAYS[in_three_days.weekday()]
    make_business(session, business_hours={open_day: [["09:00", "17:00"]]})
    result = text_in(session, "what payment methods do you accept?")
    answer(engine, session)
    [reply] = ai_replies(session, result.conversation.id)
    assert "Visa" in reply.body and "closed right now" in reply.body
    assert f"{open_day.title()} 9:00 AM-5:00 PM" in reply.body
    [next_time] = offered(reply)
    text_in(session, "1")
    answer(engine, session)
    [booking] = session.exec(select(Appointment)).all()
    assert as_utc(booking.starts_at) == next_time
