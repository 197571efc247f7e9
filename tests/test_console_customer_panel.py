"""The customer panel: details (validated, normalised), lead status and temperature (a
person's choice and the pipeline's, neither overwriting the other), appointments in the
workspace's time zone, notes, and previous calls."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from console.display import local_time
from data import appointments, contacts
from data.clock import as_utc, utcnow
from data.events import Actor
from data.models import Appointment, Call, Contact, Note, User
from data.vocab import EventKind
from tests.console_helpers import (
    customer_writes,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    events,
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    ok,
    open_conversation,
    reread,
    signed_in_app,
    sqlite_only,
    submit,
    values,
)
from tests.factories import make_user

CHICAGO = ZoneInfo("America/Chicago")


def opened(session: Session, *, name: str | None = None) -> tuple[AppTest, User, Contact]:
    """An operator (Jamie) with a customer's SMS conversation open."""
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    asked = customer_writes(session, "Can you come Tuesday?", channel="sms")
    if name:
        asked.contact.name = name
        session.add(asked.contact)
    session.commit()
    at = open_conversation(signed_in_app(user), asked.conversation.id)
    return at, user, asked.contact


def contact_now(session: Session, contact: Contact) -> Contact:
    return reread(session).get(Contact, contact.id)


def chicago(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=CHICAGO).astimezone(UTC)


def days_ahead(days: int) -> date:
    return (utcnow().astimezone(CHICAGO) + timedelta(days=days)).date()


def test_saving_details_stores_them_normalised_and_records_the_change(session: Session) -> None:
    at, user, contact = opened(session)
    cid = contact.id
    assert at.text_input(key=f"contact.phone.{cid}").value == "+15125550123"

    at.text_input(key=f"contact.name.{cid}").input("  Kim Lee ")
    at.text_input(key=f"contact.phone.{cid}").input("(512) 555-0142")
    at.text_input(key=f"contact.email.{cid}").input("Kim@Mail.Example")
    submit(at, f"contact.{cid}", "Save details")

    saved = contact_now(session, contact)
    assert (saved.name, saved.phone, saved.email) == ("Kim Lee", "+15125550142", "kim@mail.example")
    (event,) = events(session, EventKind.CONTACT_UPDATED)
    assert event.actor_user_id == user.id
    assert event.data["changes"]["phone"] == {"from": "+15125550123", "to": "+15125550142"}
    assert values(at.success) == ["Customer details saved."]
    assert at.text_input(key=f"contact.phone.{cid}").value == "+15125550142"
    assert "### Kim Lee" in values(at.markdown)


def test_an_invalid_email_shows_a_clear_error_and_changes_nothing(session: Session) -> None:
    at, _, contact = opened(session, name="Kim")
    cid = contact.id

    at.text_input(key=f"contact.name.{cid}").input("Kimberly")
    at.text_input(key=f"contact.email.{cid}").input("kim at mail")
    submit(at, f"contact.{cid}", "Save details")

    (error,) = values(at.error)
    assert error.startswith("'kim at mail' is not a valid email address")
    saved = contact_now(session, contact)
    assert (saved.name, saved.email) == ("Kim", None)
    assert events(session, EventKind.CONTACT_UPDATED) == []
    # What was typed stays, to be corrected.
    assert at.text_input(key=f"contact.email.{cid}").value == "kim at mail"


def test_a_phone_another_customer_has_is_refused(session: Session) -> None:
    at, _, contact = opened(session)
    customer_writes(session, "hi", sender="+15125550142")
    session.commit()
    cid = contact.id

    at.text_input(key=f"contact.phone.{cid}").input("512-555-0142")
    submit(at, f"contact.{cid}", "Save details")

    assert values(at.error) == ["Another contact already has +15125550142."]
    assert contact_now(session, contact).phone == "+15125550123"


def test_changing_the_lead_status_stores_it_and_records_an_event(session: Session) -> None:
    at, user, contact = opened(session)
    cid = contact.id
    assert at.selectbox(key=f"lead.status.{cid}").value == "new"

    at.selectbox(key=f"lead.status.{cid}").select("quoted").run()
    ok(at)

    assert contact_now(session, contact).lead_status == "quoted"
    (event,) = events(session, EventKind.LEAD_STATUS_CHANGED)
    assert (event.actor_user_id, event.data) == (user.id, {"from": "new", "to": "quoted"})
    assert values(at.success) == ["Lead status: Quoted."]


def test_choosing_a_lead_temperature_sets_it_by_hand(session: Session) -> None:
    at, user, contact = opened(session)
    cid = contact.id
    assert ":blue-badge[COOL] scored automatically from the conversation." in values(at.caption)

    at.selectbox(key=f"lead.temperature.{cid}").select("hot").run()
    ok(at)

    saved = contact_now(session, contact)
    assert (saved.lead_temperature, saved.lead_temperature_manual) == ("hot", True)
    (event,) = events(session, EventKind.LEAD_TEMPERATURE_CHANGED)
    assert (event.actor_user_id, event.data["manual"]) == (user.id, True)
    assert values(at.success) == ["Lead temperature: HOT."]
    ok(at.run())
    assert ":red-badge[HOT] set by hand: automatic scoring leaves it alone." in values(at.caption)
    assert f"lead.auto.{cid}" in [b.key for b in at.button]


def test_let_scoring_decide_hands_the_temperature_back_to_automatic_scoring(
    session: Session,
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    asked = customer_writes(session, "Hello")
    contacts.set_lead_temperature(session, asked.contact, "warm", Actor.operator(user))
    session.commit()
    at = open_conversation(signed_in_app(user), asked.conversation.id)
    cid = asked.contact.id

    at.button(key=f"lead.auto.{cid}").click().run()
    ok(at)

    saved = contact_now(session, asked.contact)
    assert (saved.lead_temperature, saved.lead_temperature_manual) == ("warm", False)
    assert [e.data["manual"] for e in events(session, EventKind.LEAD_TEMPERATURE_CHANGED)] == [
        True,
        False,
    ]
    assert values(at.success) == ["Lead temperature is scored automatically again."]
    assert ":orange-badge[WARM] scored automatically from the conversation." in values(at.caption)


def test_a_lead_status_the_pipeline_changed_meanwhile_is_shown_not_written_back(
    session: Session,
) -> None:
    at, _, contact = opened(session)
    cid = contact.id

    stored = session.get(Contact, cid)
    contacts.set_lead_status(session, stored, "booked", Actor.ai())
    contacts.set_lead_temperature(session, stored, "hot", Actor.ai(), "asked for a visit")
    session.commit()
    ok(at.run())  # the page's next live refresh

    assert at.selectbox(key=f"lead.status.{cid}").value == "booked"
    assert at.selectbox(key=f"lead.temperature.{cid}").value == "hot"
    saved = contact_now(session, contact)
    assert (saved.lead_status, saved.lead_temperature) == ("booked", "hot")
    assert saved.lead_temperature_manual is False
    changes = events(session, EventKind.LEAD_STATUS_CHANGED) + events(
        session, EventKind.LEAD_TEMPERATURE_CHANGED
    )
    assert {e.actor_kind for e in changes} == {"ai"}


@sqlite_only
def test_details_the_pipeline_added_meanwhile_appear_in_the_form(session: Session) -> None:
    at, _, contact = opened(session)
    cid = contact.id

    stored = session.get(Contact, cid)
    contacts.add_missing_details(session, stored, name="Kim", email="kim@mail.example")
    session.commit()
    ok(at.run())

    assert at.text_input(key=f"contact.name.{cid}").value == "Kim"
    assert at.text_input(key=f"contact.email.{cid}").value == "kim@mail.example"
    assert events(session, EventKind.CONTACT_UPDATED) == []


def test_a_user_switched_off_meanwhile_cannot_change_the_lead_status(session: Session) -> None:
    at, user, contact = opened(session)

    stored = session.get(User, user.id)
    stored.active = False
    session.add(stored)
    session.commit()
    at.selectbox(key=f"lead.status.{contact.id}").select("lost").run()
    ok(at)

    assert contact_now(session, contact).lead_status == "new"
    assert events(session, EventKind.LEAD_STATUS_CHANGED) == []
    assert values(at.title) == ["Sign in"]


def test_adding_an_appointment_books_it_in_the_workspace_time_zone(session: Session) -> None:
    at, user, contact = opened(session)
    cid = contact.id
    day = days_ahead(7)

    at.text_input(key=f"appointment.title.{cid}").input("Boiler service")
    at.date_input(key=f"appointment.day.{cid}").set_value(day)
    at.time_input(key=f"appointment.time.{cid}").set_value(time(14, 30))
    at.selectbox(key=f"appointment.minutes.{cid}").select(90)
    submit(at, f"appointment.add.{cid}", "Add appointment")

    (booked,) = reread(session).exec(select(Appointment)).all()
    assert as_utc(booked.starts_at) == chicago(day, time(14, 30))
    assert as_utc(booked.ends_at) == chicago(day, time(16, 0))
    assert (booked.title, booked.status, booked.contact_id) == ("Boiler service", "booked", cid)
    assert [e.actor_user_id for e in events(session, EventKind.APPOINTMENT_BOOKED)] == [user.id]
    assert contact_now(session, contact).lead_status == "booked"
    when = local_time(booked.starts_at, "America/Chicago")
    assert when.endswith(", 14:30")
    assert values(at.success) == [f"Booked {when}."]
    assert f"**Boiler service** · {when}" in values(at.markdown)


def booked(session: Session, user: User, contact: Contact) -> Appointment:
    starts = chicago(days_ahead(1), time(9, 0))
    return appointments.book(
        session,
        session.get(Contact, contact.id),
        starts,
        starts + timedelta(hours=1),
        Actor.operator(user),
        title="Leak check",
    )


def test_rescheduling_moves_the_appointment_and_keeps_its_length(session: Session) -> None:
    at, user, contact = opened(session)
    appointment = booked(session, user, contact)
    session.commit()
    ok(at.run())
    aid = appointment.id
    day = days_ahead(3)

    at.date_input(key=f"appointment.move.day.{aid}").set_value(day)
    at.time_input(key=f"appointment.move.time.{aid}").set_value(time(15, 0))
    at.button(key=f"appointment.move.{aid}").click().run()
    ok(at)

    moved = reread(session).get(Appointment, aid)
    assert as_utc(moved.starts_at) == chicago(day, time(15, 0))
    assert as_utc(moved.ends_at) == chicago(day, time(16, 0))
    (event,) = events(session, EventKind.APPOINTMENT_CHANGED)
    assert event.actor_user_id == user.id
    when = local_time(moved.starts_at, "America/Chicago")
    assert values(at.success) == [f"Moved to {when}."]
    assert f"**Leak check** · {when}" in values(at.markdown)


def test_cancelling_an_appointment_marks_it_cancelled(session: Session) -> None:
    at, user, contact = opened(session)
    appointment = booked(session, user, contact)
    session.commit()
    ok(at.run())
    aid = appointment.id

    at.button(key=f"appointment.cancel.{aid}").click().run()
    ok(at)

    assert reread(session).get(Appointment, aid).status == "cancelled"
    (event,) = events(session, EventKind.APPOINTMENT_CHANGED)
    assert event.data["status_to"] == "cancelled"
    assert values(at.success) == ["Appointment cancelled."]
    when = local_time(appointment.starts_at, "America/Chicago")
    assert f"**Leak check** · {when} · Cancelled" in values(at.markdown)
    assert f"appointment.cancel.{aid}" not in [b.key for b in at.button]


def test_adding_a_note_stores_it_with_its_author_and_shows_author_and_time(
    session: Session,
) -> None:
    at, user, contact = opened(session)
    cid = contact.id

    at.text_area(key=f"note.body.{cid}").input("Has a dog: call before arriving.")
    submit(at, f"note.{cid}", "Add note")

    (note,) = reread(session).exec(select(Note)).all()
    assert (note.body, note.author_user_id, note.contact_id) == (
        "Has a dog: call before arriving.",
        user.id,
        cid,
    )
    assert len(events(session, EventKind.NOTE_ADDED)) == 1
    assert values(at.success) == ["Note added."]
    assert f"Jamie · {local_time(note.created_at, 'America/Chicago')}" in values(at.caption)
    assert "Has a dog: call before arriving." in values(at.text)
    assert at.text_area(key=f"note.body.{cid}").value == ""


def test_an_empty_note_is_refused(session: Session) -> None:
    at, _, contact = opened(session)
    cid = contact.id

    at.text_area(key=f"note.body.{cid}").input("  ")
    submit(at, f"note.{cid}", "Add note")

    assert values(at.error) == ["The note is empty."]
    assert reread(session).exec(select(Note)).all() == []
    assert events(session, EventKind.NOTE_ADDED) == []


@sqlite_only
def test_previous_calls_are_listed_with_length_and_recording(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Missed your call")
    call = Call(
        workspace_id=workspace.id,
        contact_id=asked.contact.id,
        provider_id="CA9",
        direction="outbound",
        status="no_answer",
        started_at=utcnow() - timedelta(days=1),
        duration_seconds=61,
        recording_url="https://recordings.example/CA9.mp3",
    )
    session.add(call)
    session.commit()

    at = open_conversation(signed_in_app(user), asked.conversation.id)

    when = local_time(call.started_at, "America/Chicago")
    assert (
        f"{when} · out · No answer · 1:01 · [Recording](https://recordings.example/CA9.mp3)"
        in values(at.markdown)
    )
    assert reread(session).exec(select(Call.id).order_by(col(Call.id))).all() == [call.id]
