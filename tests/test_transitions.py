"""Every conversation, takeover, lead and opt-out transition writes one Event, with its actor;
repeating a transition that already holds writes nothing."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from data import appointments, contacts, conversations, events, notes
from data.clock import utcnow
from data.events import Actor
from data.models import Event
from data.vocab import ConversationStatus, EventKind, ManagedBy
from tests.factories import make_user, make_workspace, text_in


@pytest.fixture
def setup(session: Session):
    workspace = make_workspace(session)
    operator = make_user(session, workspace, "operator", "Jamie")
    result = text_in(session, "Do you fix water heaters?")
    return workspace, Actor.operator(operator), result.conversation, result.contact


def kinds(session: Session, workspace_id: int) -> list[str]:
    return [
        e.kind
        for e in session.exec(
            select(Event).where(Event.workspace_id == workspace_id).order_by(Event.id)
        )
    ]


def test_escalating_records_the_reason_and_who_escalated(session, setup) -> None:
    workspace, jamie, conversation, _ = setup
    assert conversations.escalate(session, conversation, "manual", jamie, note="Angry about price")
    assert conversation.status == ConversationStatus.ESCALATED
    (event,) = events.for_conversation(session, workspace.id, conversation.id)
    assert (event.kind, event.actor_label, event.actor_user_id) == (
        "escalated",
        "Jamie",
        jamie.user_id,
    )
    assert event.data == {
        "from": "active",
        "to": "escalated",
        "reason": "manual",
        "note": "Angry about price",
    }


def test_escalating_twice_writes_one_event(session, setup) -> None:
    workspace, _, conversation, _ = setup
    assert conversations.escalate(session, conversation, "asked_for_person", Actor.ai())
    assert not conversations.escalate(session, conversation, "negative_sentiment", Actor.ai())
    assert kinds(session, workspace.id) == ["escalated"]
    assert conversation.escalation_reason == "asked_for_person"


def test_an_unknown_escalation_reason_is_refused(session, setup) -> None:
    _, jamie, conversation, _ = setup
    with pytest.raises(conversations.InvalidTransition):
        conversations.escalate(session, conversation, "bored", jamie)


def test_taking_over_and_resuming_each_write_an_event(session, setup) -> None:
    workspace, jamie, conversation, _ = setup
    assert conversations.take_over(session, conversation, jamie)
    assert conversation.managed_by == ManagedBy.HUMAN
    assert not conversations.take_over(session, conversation, jamie)
    assert conversations.resume_ai(session, conversation, jamie)
    assert conversation.managed_by == ManagedBy.AI
    assert kinds(session, workspace.id) == ["taken_over", "ai_resumed"]


def test_resume_ai_settles_an_escalation(session, setup) -> None:
    _, jamie, conversation, _ = setup
    conversations.escalate(session, conversation, "cant_answer", Actor.ai())
    conversations.take_over(session, conversation, jamie)
    conversations.resume_ai(session, conversation, jamie)
    assert (conversation.status, conversation.managed_by) == ("active", "ai")


def test_only_a_person_takes_over_or_resumes(session, setup) -> None:
    _, _, conversation, _ = setup
    with pytest.raises(conversations.InvalidTransition):
        conversations.take_over(session, conversation, Actor.ai())
    with pytest.raises(conversations.InvalidTransition):
        conversations.resume_ai(session, conversation, Actor.automation())


def test_closing_and_reopening_each_write_an_event(session, setup) -> None:
    workspace, jamie, conversation, _ = setup
    assert conversations.close(session, conversation, jamie)
    assert conversation.closed_at is not None
    assert not conversations.close(session, conversation, jamie)
    assert conversations.reopen(session, conversation, jamie)
    assert conversation.status == "active" and conversation.closed_at is None
    assert kinds(session, workspace.id) == ["closed", "reopened"]


def test_a_customer_writing_to_a_closed_conversation_reopens_it(session, setup) -> None:
    workspace, jamie, conversation, _ = setup
    conversations.close(session, conversation, jamie)
    again = text_in(session, "One more thing!")
    assert again.conversation.id == conversation.id
    assert again.conversation.status == "active"
    last = events.for_conversation(session, workspace.id, conversation.id)[-1]
    assert (last.kind, last.actor_kind) == ("reopened", "customer")


def test_lead_status_changes_are_events_with_from_and_to(session, setup) -> None:
    workspace, jamie, _, contact = setup
    assert contacts.set_lead_status(session, contact, "quoted", jamie)
    assert not contacts.set_lead_status(session, contact, "quoted", jamie)
    (event,) = events.for_contact(session, workspace.id, contact.id)
    assert (event.kind, event.data) == ("lead_status_changed", {"from": "new", "to": "quoted"})
    with pytest.raises(contacts.InvalidContact):
        contacts.set_lead_status(session, contact, "maybe", jamie)


def test_an_operators_temperature_wins_over_automatic_scoring_until_cleared(session, setup) -> None:
    workspace, jamie, _, contact = setup
    scoring = Actor.system("Lead scoring")
    assert contacts.set_lead_temperature(session, contact, "hot", jamie)
    assert not contacts.set_lead_temperature(session, contact, "cold", scoring)
    assert contact.lead_temperature == "hot"
    assert contacts.clear_manual_temperature(session, contact, jamie)
    assert contacts.set_lead_temperature(session, contact, "cold", scoring)
    assert kinds(session, workspace.id).count("lead_temperature_changed") == 3


def test_opting_out_and_in_are_events_and_idempotent(session, setup) -> None:
    workspace, _, _, contact = setup
    customer = Actor.customer()
    assert contacts.opt_out(session, contact, keyword="STOP", channel="sms", actor=customer)
    assert not contacts.opt_out(session, contact, keyword="STOP", channel="sms", actor=customer)
    assert contact.opted_out
    assert contacts.opt_in(session, contact, keyword="START", channel="sms", actor=customer)
    assert not contact.opted_out
    assert kinds(session, workspace.id) == ["opted_out", "opted_in"]


def test_editing_contact_details_is_validated_and_recorded(session, setup) -> None:
    workspace, jamie, _, contact = setup
    changed = contacts.update_details(
        session, contact, {"name": "Maria Gonzalez", "email": "Maria@Example.com"}, jamie
    )
    assert contact.email == "maria@example.com" and set(changed) == {"name", "email"}
    with pytest.raises(contacts.InvalidContact, match="not a valid email"):
        contacts.update_details(session, contact, {"email": "maria@"}, jamie)
    with pytest.raises(contacts.InvalidContact, match="needs a phone"):
        contacts.update_details(session, contact, {"phone": "", "email": ""}, jamie)
    assert kinds(session, workspace.id) == ["contact_updated"]


def test_notes_and_appointments_are_recorded_and_a_booking_marks_the_lead_booked(
    session, setup
) -> None:
    workspace, jamie, conversation, contact = setup
    notes.add(session, contact, "Gate code 4411", jamie, conversation.id)
    start = utcnow() + timedelta(days=1)
    visit = appointments.book(session, contact, start, start + timedelta(hours=1), jamie)
    appointments.reschedule(
        session, visit, start + timedelta(hours=2), start + timedelta(hours=3), jamie
    )
    appointments.set_status(session, visit, "cancelled", jamie)
    assert contact.lead_status == "booked"
    assert kinds(session, workspace.id) == [
        EventKind.NOTE_ADDED,
        EventKind.APPOINTMENT_BOOKED,
        EventKind.LEAD_STATUS_CHANGED,
        EventKind.APPOINTMENT_CHANGED,
        EventKind.APPOINTMENT_CHANGED,
    ]
    with pytest.raises(notes.InvalidNote):
        notes.add(session, contact, "   ", jamie)
    with pytest.raises(appointments.InvalidAppointment):
        appointments.book(session, contact, start, start - timedelta(hours=1), jamie)
