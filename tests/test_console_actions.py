"""The quick actions above the thread: Call, Email, Text, Escalate, Close / Reopen, Take over
and Resume AI, each checked in the database (a Call row, an outbox row, an Event) and on
the page."""

from __future__ import annotations

from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from data import contacts, conversations
from data.events import Actor
from data.models import Call, Conversation, Event, User
from data.vocab import EventKind
from tests.console_helpers import (
    customer_writes,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    events,
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    ok,
    open_conversation,
    outbound,
    reread,
    signed_in_app,
    values,
)
from tests.factories import make_user

CUSTOMER = "+15125550123"


def operator(session: Session) -> User:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    user.phone = "+15125550177"
    session.add(user)
    return user


def opened(session: Session, user: User, conversation: Conversation) -> AppTest:
    session.commit()
    return open_conversation(signed_in_app(user), conversation.id)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    return ok(at)


def test_call_rings_the_operators_phone_first_and_records_the_request(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "Please call me", sender=CUSTOMER)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)
    assert at.text_input(key=f"call.phone.{cid}").value == "+15125550177"

    click(at, f"call.go.{cid}")

    (call,) = reread(session).exec(select(Call)).all()
    assert (call.status, call.direction) == ("requested", "outbound")
    assert (call.bridge_address, call.to_address) == ("+15125550177", CUSTOMER)
    assert (call.from_address, call.conversation_id) == ("+15125550100", cid)
    (event,) = events(session, EventKind.CALL_REQUESTED)
    assert event.actor_user_id == user.id
    assert values(at.success) == ["Calling: your phone rings first, then the customer's."]


def test_call_to_an_invalid_phone_of_mine_shows_the_error_and_requests_nothing(
    session: Session,
) -> None:
    user = operator(session)
    asked = customer_writes(session, "Please call me", sender=CUSTOMER)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    at.text_input(key=f"call.phone.{cid}").input("12")
    click(at, f"call.go.{cid}")

    (error,) = values(at.error)
    assert error.startswith("Your phone number is not valid")
    assert reread(session).exec(select(Call)).all() == []
    assert events(session, EventKind.CALL_REQUESTED) == []


def test_email_queues_an_email_with_its_subject_and_empties_the_form(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "Send me the quote", sender=CUSTOMER)
    asked.contact.email = "kim@mail.example"
    session.add(asked.contact)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    at.text_input(key=f"email.subject.{cid}").input("Your quote")
    at.text_area(key=f"email.body.{cid}").input("Attached is the quote for the sink.")
    click(at, f"email.go.{cid}")

    (email,) = outbound(session)
    assert (email.channel, email.status, email.subject) == ("email", "queued", "Your quote")
    assert (email.to_address, email.from_address) == ("kim@mail.example", "hello@acme.example")
    assert (email.sender_kind, email.sender_user_id) == ("operator", user.id)
    assert email.body == "Attached is the quote for the sink."
    assert session.get(Conversation, email.conversation_id).channel == "email"
    assert values(at.success)[0] == "Email queued."
    assert at.text_input(key=f"email.subject.{cid}").value == ""
    assert at.text_area(key=f"email.body.{cid}").value == ""


def test_email_to_a_customer_without_an_address_is_refused_and_keeps_the_text(
    session: Session,
) -> None:
    user = operator(session)
    asked = customer_writes(session, "Send me the quote", sender=CUSTOMER)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    at.text_input(key=f"email.subject.{cid}").input("Your quote")
    at.text_area(key=f"email.body.{cid}").input("Here it is.")
    click(at, f"email.go.{cid}")

    assert values(at.error) == ["This customer has no email address."]
    assert at.text_area(key=f"email.body.{cid}").value == "Here it is."
    assert at.text_input(key=f"email.subject.{cid}").value == "Your quote"
    assert outbound(session) == []


def test_text_from_a_web_chat_conversation_queues_an_sms(session: Session) -> None:
    user = operator(session)
    chat = customer_writes(session, "Text me please", channel="webchat", sender="visitor-7")
    chat.contact.phone = CUSTOMER
    session.add(chat.contact)
    cid = chat.conversation.id
    at = opened(session, user, chat.conversation)

    at.text_area(key=f"text.body.{cid}").input("Hi, it's Acme. We can come at 3.")
    click(at, f"text.go.{cid}")

    (sms,) = outbound(session)
    assert (sms.channel, sms.status, sms.to_address) == ("sms", "queued", CUSTOMER)
    assert (sms.sender_kind, sms.sender_user_id) == ("operator", user.id)
    assert sms.conversation_id != cid
    assert session.get(Conversation, sms.conversation_id).channel == "sms"
    assert values(at.success)[0] == "Text queued."
    assert at.text_area(key=f"text.body.{cid}").value == ""


def opted_out(session: Session, user: User) -> tuple[AppTest, int]:
    asked = customer_writes(session, "STOP", sender=CUSTOMER)
    if not asked.contact.opted_out:  # the keyword may be left to the provider
        contacts.opt_out(
            session, asked.contact, keyword="STOP", channel="sms", actor=Actor.customer()
        )
    cid = asked.conversation.id
    return opened(session, user, asked.conversation), cid


def test_text_to_an_opted_out_customer_is_refused_without_the_override(session: Session) -> None:
    user = operator(session)
    at, cid = opted_out(session, user)
    assert "This customer opted out of texts." in values(at.warning)

    at.text_area(key=f"text.body.{cid}").input("Are you sure?")
    click(at, f"text.go.{cid}")

    assert values(at.error)[0] == (
        "The customer opted out of messages. Sending needs an explicit override."
    )
    assert at.text_area(key=f"text.body.{cid}").value == "Are you sure?"
    assert [m for m in outbound(session) if m.sender_kind == "operator"] == []
    assert events(session, EventKind.OPT_OUT_OVERRIDDEN) == []


def test_text_to_an_opted_out_customer_is_queued_with_the_override_and_recorded(
    session: Session,
) -> None:
    user = operator(session)
    at, cid = opted_out(session, user)

    at.text_area(key=f"text.body.{cid}").input("As you asked: your invoice is paid.")
    at.checkbox(key=f"text.override.{cid}").check()
    click(at, f"text.go.{cid}")

    (sms,) = [m for m in outbound(session) if m.sender_kind == "operator"]
    assert (sms.channel, sms.status, sms.meta.get("opt_out_override")) == ("sms", "queued", True)
    (event,) = events(session, EventKind.OPT_OUT_OVERRIDDEN)
    assert (event.actor_user_id, event.data["message_id"]) == (user.id, sms.id)


def test_escalate_with_a_note_escalates_and_alerts_the_team(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "I want to speak to the owner", sender=CUSTOMER)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    at.text_input(key=f"escalate.note.{cid}").input("Wants the owner")
    click(at, f"escalate.go.{cid}")

    conversation = reread(session).get(Conversation, cid)
    assert (conversation.status, conversation.escalation_reason) == ("escalated", "manual")
    assert conversation.escalation_note == "Wants the owner"
    alerts = [m for m in outbound(session) if m.meta.get("purpose") == "alert"]
    assert {(m.channel, m.to_address, m.status) for m in alerts} == {
        ("sms", "+15125550190", "queued"),
        ("email", "owner@acme.example", "queued"),
    }
    (event,) = events(session, EventKind.ESCALATED)
    assert (event.actor_user_id, event.data["note"]) == (user.id, "Wants the owner")
    assert values(at.success) == ["Escalated: the team has been alerted."]
    assert "Escalated — Escalated by a person\\: Wants the owner" in values(at.error)


def test_escalating_an_escalated_conversation_says_so_and_alerts_nobody_again(
    session: Session,
) -> None:
    user = operator(session)
    asked = customer_writes(session, "Hello?", sender=CUSTOMER)
    conversations.escalate(session, asked.conversation, "cant_answer", Actor.ai())
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    click(at, f"escalate.go.{cid}")

    assert values(at.info) == ["This conversation is already escalated."]
    assert outbound(session) == []
    assert len(events(session, EventKind.ESCALATED)) == 1
    assert reread(session).get(Conversation, cid).escalation_reason == "cant_answer"


def test_close_closes_the_conversation_and_offers_reopen(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "Thanks, all sorted", sender=CUSTOMER)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    click(at, f"close.{cid}")

    conversation = reread(session).get(Conversation, cid)
    assert (conversation.status, conversation.closed_at is not None) == ("closed", True)
    assert [e.actor_user_id for e in events(session, EventKind.CLOSED)] == [user.id]
    assert values(at.success) == ["Closed."]
    assert [b.key for b in at.button if b.key in (f"close.{cid}", f"reopen.{cid}")] == [
        f"reopen.{cid}"
    ]


def test_reopen_makes_a_closed_conversation_active_again(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "Thanks", sender=CUSTOMER)
    conversations.close(session, asked.conversation, Actor.ai())
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    click(at, f"reopen.{cid}")

    conversation = reread(session).get(Conversation, cid)
    assert (conversation.status, conversation.closed_at) == ("active", None)
    assert [e.actor_user_id for e in events(session, EventKind.REOPENED)] == [user.id]
    assert values(at.success) == ["Reopened."]


def test_take_over_makes_the_conversation_human_managed(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "Hello", sender=CUSTOMER)
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    click(at, f"takeover.{cid}")

    assert reread(session).get(Conversation, cid).managed_by == "human"
    assert [e.actor_user_id for e in events(session, EventKind.TAKEN_OVER)] == [user.id]
    assert values(at.success) == ["You're handling this conversation: the AI is silent."]
    assert f"resume.{cid}" in [b.key for b in at.button]
    assert any(
        ":orange-badge[:material/person: Handled by a person]" in m for m in values(at.markdown)
    )


def test_resume_ai_hands_an_escalated_conversation_back_to_the_ai(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "I need a person", sender=CUSTOMER)
    conversations.escalate(session, asked.conversation, "asked_for_person", Actor.ai())
    conversations.take_over(session, asked.conversation, Actor.operator(user))
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    click(at, f"resume.{cid}")

    conversation = reread(session).get(Conversation, cid)
    assert (conversation.managed_by, conversation.status) == ("ai", "active")
    (event,) = events(session, EventKind.AI_RESUMED)
    assert (event.actor_user_id, event.data) == (
        user.id,
        {"from": "escalated", "to": "active"},
    )
    assert values(at.success) == ["The AI is answering this conversation again."]
    assert f"takeover.{cid}" in [b.key for b in at.button]
    assert not at.error


def test_no_action_writes_anything_until_a_button_is_pressed(session: Session) -> None:
    user = operator(session)
    asked = customer_writes(session, "Hello", sender=CUSTOMER)
    at = opened(session, user, asked.conversation)
    ok(at.run())

    assert outbound(session) == []
    assert reread(session).exec(select(Call.id)).all() == []
    assert session.exec(select(Event.kind).order_by(col(Event.id))).all() == []
    assert session.get(Conversation, asked.conversation.id).managed_by == "ai"
