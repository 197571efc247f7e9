"""The outbox rules that hold whoever sends: nothing automated to an opted-out contact, a manual
SMS to one only with an explicit (recorded) override, a person's reply takes the conversation
over, a first reply moves a New lead to Contacted, and errors say what went wrong."""

import pytest
from sqlmodel import Session

from data import events, outbox
from data.events import Actor
from data.vocab import ManagedBy
from tests.factories import make_user, make_workspace, text_in


@pytest.fixture
def ctx(session: Session):
    workspace = make_workspace(session)
    jamie = Actor.operator(make_user(session, workspace, "operator", "Jamie"))
    result = text_in(session, "How much is a water heater?")
    return workspace, jamie, result


def test_an_ai_reply_is_queued_with_its_sender_and_addresses(session, ctx) -> None:
    _, _, result = ctx
    reply = outbox.enqueue(
        session,
        result.conversation,
        "Tank heaters start at $1,450 installed.",
        Actor.ai(),
        answers_message_id=result.message.id,
    )
    assert (reply.status, reply.direction, reply.sender_kind) == ("queued", "outbound", "ai")
    assert (reply.from_address, reply.to_address) == ("+15125550100", "+15125550123")
    assert result.conversation.managed_by == ManagedBy.AI
    assert result.conversation.last_message_sender == "ai"


def test_a_first_reply_moves_a_new_lead_to_contacted(session, ctx) -> None:
    _, _, result = ctx
    outbox.enqueue(session, result.conversation, "Happy to help!", Actor.ai())
    assert result.contact.lead_status == "contacted"


def test_an_operator_reply_takes_the_conversation_over_and_marks_it_read(session, ctx) -> None:
    workspace, jamie, result = ctx
    message = outbox.enqueue(session, result.conversation, "I'll call you in 5 min", jamie)
    assert message.sender_user_id == jamie.user_id and message.sender_kind == "operator"
    assert result.conversation.managed_by == ManagedBy.HUMAN
    assert result.conversation.unread_count == 0
    kinds = [e.kind for e in events.for_conversation(session, workspace.id, result.conversation.id)]
    assert "taken_over" in kinds


def test_nothing_automated_reaches_an_opted_out_contact(session, ctx) -> None:
    _, _, result = ctx
    text_in(session, "STOP")
    for actor in (Actor.ai(), Actor.automation("Reminders"), Actor.system()):
        with pytest.raises(outbox.OptedOut, match="opted out"):
            outbox.enqueue(session, result.conversation, "Reminder: visit tomorrow", actor)


def test_a_manual_sms_to_an_opted_out_contact_needs_an_explicit_override(session, ctx) -> None:
    workspace, jamie, result = ctx
    text_in(session, "STOP")
    with pytest.raises(outbox.OptedOut, match="override"):
        outbox.enqueue(session, result.conversation, "Sorry to bother you", jamie)
    message = outbox.enqueue(
        session, result.conversation, "Your invoice is ready", jamie, override_opt_out=True
    )
    (override,) = [
        e
        for e in events.for_contact(session, workspace.id, result.contact.id)
        if e.kind == "opt_out_overridden"
    ]
    assert override.actor_label == "Jamie" and override.data["message_id"] == message.id


def test_empty_and_unaddressable_messages_are_refused_with_reasons(session, ctx) -> None:
    _, jamie, result = ctx
    with pytest.raises(outbox.EmptyMessage):
        outbox.enqueue(session, result.conversation, "   ", jamie)
    with pytest.raises(outbox.NoAddress, match="no email address"):
        outbox.enqueue(session, result.conversation, "Quote attached", jamie, channel="email")
    with pytest.raises(outbox.OutboxError, match="Calls cannot"):
        outbox.enqueue(session, result.conversation, "hi", jamie, channel="voice")


def test_a_text_from_another_channels_thread_lands_in_the_sms_conversation(session, ctx) -> None:
    _, jamie, result = ctx
    chat = text_in(session, "hi from whatsapp", channel="whatsapp", to="+15125550101")
    message = outbox.enqueue(
        session, chat.conversation, "Texting you the quote", jamie, channel="sms"
    )
    assert message.conversation_id == result.conversation.id
    assert message.channel == "sms" and message.from_address == "+15125550100"
