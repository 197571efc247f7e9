"""The customer thread the console shows: every channel in time order, with calls and the
events that matter, newest page first."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from data import calls, conversations, outbox
from data.clock import utcnow
from data.events import Actor
from data.models import Message
from data.thread import thread_page
from data.vocab import EventKind
from tests.factories import make_user, make_workspace, text_in


def test_a_customers_messages_on_every_channel_form_one_thread_in_order(session: Session) -> None:
    workspace = make_workspace(session)
    sms = text_in(session, "hi by text", sender="+15125550123")
    contact = sms.contact
    contact.email = "pat@example.com"
    session.add(contact)
    email_conversation, _ = conversations.find_or_create(session, contact, "email", None)
    email_conversation.last_inbound_at = utcnow()
    reply = outbox.enqueue(session, email_conversation, "answer by email", Actor.ai())
    session.commit()

    page = thread_page(session, workspace.id, contact.id)

    bodies = [item.message.body for item in page.items if item.kind == "message"]
    assert bodies == ["hi by text", "answer by email"]
    assert {item.message.channel for item in page.items if item.message} == {"sms", "email"}
    assert reply.id in {item.message.id for item in page.items if item.message}
    assert not page.has_older


def test_an_operators_message_carries_their_name(session: Session) -> None:
    workspace = make_workspace(session)
    first = text_in(session, "anyone there?")
    operator = make_user(session, workspace, name="Dana")
    outbox.enqueue(session, first.conversation, "Dana here", Actor.operator(operator))
    session.commit()

    page = thread_page(session, workspace.id, first.contact.id)

    manual = [item for item in page.items if item.message and item.message.body == "Dana here"]
    assert manual[0].sender_name == "Dana"


def test_takeover_and_escalation_appear_inline_after_the_message(session: Session) -> None:
    workspace = make_workspace(session)
    first = text_in(session, "I want a person")
    operator = make_user(session, workspace)
    conversations.escalate(session, first.conversation, "asked_for_person", Actor.ai())
    conversations.take_over(session, first.conversation, Actor.operator(operator))
    session.commit()

    page = thread_page(session, workspace.id, first.contact.id)

    kinds = [item.event.kind if item.event else item.kind for item in page.items]
    assert kinds == ["message", EventKind.ESCALATED, EventKind.TAKEN_OVER]


def test_a_call_appears_as_a_read_only_item(session: Session) -> None:
    workspace = make_workspace(session)
    first = text_in(session, "calling you now")
    calls.record(
        session,
        first.contact,
        "CA" + "1" * 32,
        started_at=utcnow() + timedelta(seconds=5),
        duration_seconds=95,
        transcript=[{"speaker": "customer", "text": "my sink leaks"}],
    )
    session.commit()

    page = thread_page(session, workspace.id, first.contact.id)

    assert [item.kind for item in page.items] == ["message", "call"]
    assert page.items[1].call.transcript[0]["text"] == "my sink leaks"


def test_a_long_history_opens_on_its_newest_page_and_pages_back(session: Session) -> None:
    workspace = make_workspace(session)
    first = text_in(session, "message 0")
    start = utcnow() - timedelta(hours=1)
    for i in range(1, 8):
        session.add(
            Message(
                workspace_id=workspace.id,
                conversation_id=first.conversation.id,
                contact_id=first.contact.id,
                channel="sms",
                direction="inbound",
                sender_kind="customer",
                body=f"message {i}",
                status="received",
                created_at=start + timedelta(minutes=i),
            )
        )
    session.add(first.message)
    first.message.created_at = start
    session.commit()

    newest = thread_page(session, workspace.id, first.contact.id, limit=3)
    older = thread_page(session, workspace.id, first.contact.id, limit=3, before=newest.oldest)

    assert [i.message.body for i in newest.items] == ["message 5", "message 6", "message 7"]
    assert newest.has_older
    assert [i.message.body for i in older.items] == ["message 2", "message 3", "message 4"]


def test_another_workspaces_messages_never_appear(session: Session) -> None:
    make_workspace(session)
    other = make_workspace(session, "other", number="+15125550200")
    mine = text_in(session, "mine")
    text_in(session, "theirs", to="+15125550200")
    session.commit()

    page = thread_page(session, other.id, mine.contact.id)

    assert page.items == []
