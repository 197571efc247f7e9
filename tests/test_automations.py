"""Automations: an appointment reminder `reminder_hours` before the visit and one follow-up to a
Quoted lead silent for `follow_up_days`, each once, as automation messages in the customer's
thread; none during quiet hours (they wait for the morning), none to an opted-out customer or
into a conversation a person handles (an `automation_skipped` Event says why instead)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from data import appointments, contacts, conversations, escalations
from data.automations import FOLLOW_UP, REMINDER, send_follow_ups, send_reminders
from data.clock import utcnow
from data.events import Actor
from data.inbound import InboundMessage, InboundResult, receive
from data.models import Appointment
from pipeline.automations import run_automations
from pipeline.dispatch import dispatch_due
from pipeline.senders.router import Senders
from tests.factories import make_business, make_user
from tests.pipeline_helpers import events_of, fresh, outbound

#: Tuesday June 9 2026, 10:00 in Chicago (CDT, UTC-5): outside the default quiet hours.
NOW = datetime(2026, 6, 9, 15, 0, tzinfo=UTC)
#: 22:30 the same evening in Chicago: inside quiet hours (21:00-08:00).
LATE_EVENING = datetime(2026, 6, 10, 3, 30, tzinfo=UTC)
#: 08:00 the next morning in Chicago: quiet hours have just ended.
NEXT_MORNING = datetime(2026, 6, 10, 13, 0, tzinfo=UTC)

_ids = iter(range(1, 10_000))


def customer_sms(
    session: Session, body: str = "Can you fix a leaking tap?", at: datetime = NOW
) -> InboundResult:
    """Pat's SMS, received at `at`."""
    return receive(
        session,
        InboundMessage(
            channel="sms",
            to_address="+15125550100",
            from_address="+15125550123",
            body=body,
            provider_id=f"SM-auto-{next(_ids)}",
            name="Pat Lee",
            received_at=at,
        ),
    )


def booked(
    session: Session, result: InboundResult, starts_at: datetime, **kwargs: object
) -> Appointment:
    return appointments.book(
        session,
        result.contact,
        starts_at,
        starts_at + timedelta(hours=1),
        Actor.automation("Test booking"),
        conversation_id=result.conversation.id,
        **kwargs,
    )


def quoted_lead(session: Session, silent_since: datetime) -> InboundResult:
    result = customer_sms(session, "How much to replace a water heater?", at=silent_since)
    contacts.set_lead_status(session, result.contact, "quoted", Actor.automation("Test"))
    return result


def skipped_reasons(session: Session) -> list[str]:
    session.flush()
    return [e.data["reason"] for e in events_of(session, "automation_skipped")]


def test_a_reminder_is_queued_once_inside_the_lead_time(session: Session) -> None:
    workspace = make_business(session)
    result = customer_sms(session)
    appointment = booked(session, result, NOW + timedelta(hours=3))  # 1:00 PM in Chicago

    assert send_reminders(session, workspace, NOW) == 1
    [reminder] = outbound(session, result.conversation.id, REMINDER)
    assert "Tue Jun 9, 1:00 PM" in reminder.body and "Acme Plumbing" in reminder.body
    assert (reminder.sender_kind, reminder.status, reminder.channel) == (
        "automation",
        "queued",
        "sms",
    )
    assert reminder.to_address == "+15125550123"
    assert appointment.reminder_sent_at == NOW

    assert send_reminders(session, workspace, NOW + timedelta(minutes=1)) == 0
    assert len(outbound(session, result.conversation.id, REMINDER)) == 1


def test_an_appointment_beyond_the_lead_time_gets_no_reminder_yet(session: Session) -> None:
    workspace = make_business(session)  # reminder_hours 24
    result = customer_sms(session)
    appointment = booked(session, result, NOW + timedelta(hours=30))
    assert send_reminders(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id, REMINDER) == []
    assert appointment.reminder_sent_at is None
    assert send_reminders(session, workspace, NOW + timedelta(hours=7)) == 1  # now 23 h ahead


def test_no_reminder_goes_out_in_quiet_hours_and_it_follows_in_the_morning(
    session: Session,
) -> None:
    workspace = make_business(session)
    result = customer_sms(session)
    booked(session, result, NEXT_MORNING + timedelta(hours=2))  # 10:00 the next day
    assert send_reminders(session, workspace, LATE_EVENING) == 0
    assert outbound(session, result.conversation.id) == []
    assert send_reminders(session, workspace, NEXT_MORNING - timedelta(minutes=1)) == 0
    assert send_reminders(session, workspace, NEXT_MORNING) == 1
    assert len(outbound(session, result.conversation.id, REMINDER)) == 1


def test_an_opted_out_customer_gets_no_reminder_and_an_event_says_why(session: Session) -> None:
    workspace = make_business(session)
    result = customer_sms(session)
    appointment = booked(session, result, NOW + timedelta(hours=3))
    customer_sms(session, "STOP")
    assert fresh(session, result.contact).opted_out

    assert send_reminders(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id, REMINDER) == []
    [event] = events_of(session, "automation_skipped", result.conversation.id)
    assert "opted out" in event.data["reason"]
    assert event.actor_label == "Appointment reminder" and event.contact_id == result.contact.id
    assert appointment.reminder_sent_at is not None  # not retried every minute
    send_reminders(session, workspace, NOW + timedelta(minutes=1))
    assert len(events_of(session, "automation_skipped")) == 1


def test_a_conversation_a_person_took_over_gets_no_reminder(session: Session) -> None:
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = customer_sms(session)
    booked(session, result, NOW + timedelta(hours=3))
    conversations.take_over(session, result.conversation, jamie)

    assert send_reminders(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id, REMINDER) == []
    assert skipped_reasons(session) == ["a person is handling the conversation"]


def test_a_cancelled_appointment_gets_no_reminder(session: Session) -> None:
    workspace = make_business(session)
    result = customer_sms(session)
    appointment = booked(session, result, NOW + timedelta(hours=3))
    appointments.set_status(session, appointment, "cancelled", Actor.automation("Test"))
    assert send_reminders(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id) == []


def test_a_quoted_lead_silent_for_the_follow_up_days_gets_one_follow_up(
    session: Session,
) -> None:
    workspace = make_business(session)  # follow_up_days 3
    result = quoted_lead(session, silent_since=NOW - timedelta(days=3, hours=1))

    assert send_follow_ups(session, workspace, NOW) == 1
    [follow_up] = outbound(session, result.conversation.id, FOLLOW_UP)
    assert follow_up.body.startswith("Hi Pat, just checking in on the quote from Acme Plumbing")
    assert (follow_up.sender_kind, follow_up.status) == ("automation", "queued")
    assert fresh(session, result.contact).followed_up_at == NOW

    assert send_follow_ups(session, workspace, NOW + timedelta(days=1)) == 0
    assert len(outbound(session, result.conversation.id, FOLLOW_UP)) == 1


def test_a_quoted_lead_that_wrote_recently_gets_no_follow_up(session: Session) -> None:
    workspace = make_business(session)
    result = quoted_lead(session, silent_since=NOW - timedelta(days=2))
    assert send_follow_ups(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id) == []


def test_a_silent_lead_that_is_not_quoted_gets_no_follow_up(session: Session) -> None:
    workspace = make_business(session)
    result = customer_sms(session, at=NOW - timedelta(days=10))
    assert fresh(session, result.contact).lead_status == "new"
    assert send_follow_ups(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id) == []


def test_no_follow_up_goes_out_in_quiet_hours(session: Session) -> None:
    workspace = make_business(session)
    result = quoted_lead(session, silent_since=NOW - timedelta(days=5))
    assert send_follow_ups(session, workspace, LATE_EVENING) == 0
    assert fresh(session, result.contact).followed_up_at is None
    assert send_follow_ups(session, workspace, NEXT_MORNING) == 1


def test_an_opted_out_quoted_lead_gets_no_follow_up(session: Session) -> None:
    workspace = make_business(session)
    result = quoted_lead(session, silent_since=NOW - timedelta(days=5))
    customer_sms(session, "STOP", at=NOW - timedelta(days=5))
    assert send_follow_ups(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id, FOLLOW_UP) == []


def test_an_opted_out_quoted_leads_skipped_follow_up_is_an_event(session: Session) -> None:
    workspace = make_business(session)
    quoted_lead(session, silent_since=NOW - timedelta(days=5))
    customer_sms(session, "STOP", at=NOW - timedelta(days=5))
    send_follow_ups(session, workspace, NOW)
    assert any("opted out" in reason for reason in skipped_reasons(session))


def test_a_quoted_lead_a_person_took_over_gets_no_follow_up_and_an_event(
    session: Session,
) -> None:
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = quoted_lead(session, silent_since=NOW - timedelta(days=5))
    conversations.take_over(session, result.conversation, jamie)
    assert send_follow_ups(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id, FOLLOW_UP) == []
    assert skipped_reasons(session) == ["a person is handling the conversation"]


def test_a_quoted_lead_waiting_for_a_person_after_an_escalation_gets_no_follow_up(
    session: Session,
) -> None:
    workspace = make_business(session)
    result = quoted_lead(session, silent_since=NOW - timedelta(days=5))
    assert escalations.escalate(session, result.conversation, "negative_sentiment", Actor.ai())
    assert send_follow_ups(session, workspace, NOW) == 0
    assert outbound(session, result.conversation.id, FOLLOW_UP) == []


def test_the_automations_job_queues_a_due_reminder_and_dispatch_sends_it(
    engine, session: Session
) -> None:
    make_business(session, quiet_hours_start="00:00", quiet_hours_end="00:00")  # never quiet
    result = customer_sms(session, at=utcnow())
    booked(session, result, utcnow() + timedelta(hours=2))
    session.commit()

    assert run_automations(engine) == 1
    assert run_automations(engine) == 0
    assert dispatch_due(engine, Senders()) == 1
    session.expire_all()
    [reminder] = outbound(session, result.conversation.id, REMINDER)
    assert reminder.status == "sent" and reminder.provider_id.startswith("log-")
