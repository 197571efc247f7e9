"""The reply box under the thread: a reply queued on the conversation's channel (which hands
the conversation to a person), refusals that keep the text, the opt-out override, the
WhatsApp window, the suggested answer, and voice conversations' read-only note."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from data import contacts, conversations, suggestions, workspaces
from data.clock import utcnow
from data.events import Actor
from data.models import Contact, Conversation, User
from data.vocab import EventKind
from tests.console_helpers import (
    customer_writes,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    events,
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    open_conversation,
    outbound,
    reread,
    signed_in_app,
    sqlite_only,
    submit,
    values,
)
from tests.factories import make_business, make_user


def opened(session: Session, user: User, conversation: Conversation) -> AppTest:
    session.commit()
    return open_conversation(signed_in_app(user), conversation.id)


def reply(at: AppTest, conversation_id: int, text: str) -> AppTest:
    at.text_area(key=f"reply.body.{conversation_id}").input(text)
    return submit(at, f"reply.{conversation_id}", "Send")


def test_an_empty_reply_is_refused_and_changes_nothing(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Hello?")
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    reply(at, cid, "   \n ")

    assert values(at.error) == ["The reply is empty."]
    assert outbound(session) == []
    assert reread(session).get(Conversation, cid).managed_by == "ai"


def test_a_reply_is_queued_on_the_conversations_channel_and_a_person_takes_over(
    session: Session,
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    chat = customer_writes(session, "Are you open today?", channel="webchat", sender="visitor-9")
    cid = chat.conversation.id
    at = opened(session, user, chat.conversation)
    assert at.text_area(key=f"reply.body.{cid}").label == "Reply by Web Chat"

    reply(at, cid, "Yes, until 6pm.")

    (sent,) = outbound(session)
    assert (sent.channel, sent.status, sent.to_address) == ("webchat", "queued", "visitor-9")
    assert (sent.conversation_id, sent.body) == (cid, "Yes, until 6pm.")
    assert (sent.sender_kind, sent.sender_user_id) == ("operator", user.id)
    assert session.get(Conversation, cid).managed_by == "human"
    assert [e.actor_user_id for e in events(session, EventKind.TAKEN_OVER)] == [user.id]
    assert session.get(Contact, chat.contact.id).lead_status == "contacted"
    assert values(at.success) == [
        "Reply queued. You're handling this conversation: the AI is silent."
    ]
    assert at.text_area(key=f"reply.body.{cid}").value == ""
    assert f"resume.{cid}" in [b.key for b in at.button]


def opted_out(session: Session) -> tuple[User, Conversation]:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Please stop texting me")
    contacts.opt_out(
        session,
        asked.contact,
        keyword="please stop texting me",
        channel="sms",
        actor=Actor.customer(),
        conversation_id=asked.conversation.id,
    )
    return user, asked.conversation


def test_a_refused_reply_keeps_its_text_to_fix(session: Session) -> None:
    user, conversation = opted_out(session)
    cid = conversation.id
    at = opened(session, user, conversation)

    reply(at, cid, "Sorry to bother you, one last thing")

    assert values(at.error)[0] == (
        "The customer opted out of messages. Sending needs an explicit override."
    )
    assert at.text_area(key=f"reply.body.{cid}").value == "Sorry to bother you, one last thing"
    assert outbound(session) == []
    assert reread(session).get(Conversation, cid).managed_by == "ai"


def test_an_opted_out_customer_is_flagged_and_a_reply_needs_the_explicit_override(
    session: Session,
) -> None:
    user, conversation = opted_out(session)
    cid = conversation.id
    at = opened(session, user, conversation)
    assert (
        "\\(512\\) 555\\-0123 opted out (please stop texting me). Nothing automated is"
        " sent; a message from you needs the override below."
    ) in values(at.warning)

    at.checkbox(key=f"reply.override.{cid}").check()
    reply(at, cid, "As you asked: the invoice is attached.")

    (sent,) = outbound(session)
    assert (sent.status, sent.meta.get("opt_out_override")) == ("queued", True)
    (event,) = events(session, EventKind.OPT_OUT_OVERRIDDEN)
    assert (event.actor_user_id, event.data["message_id"]) == (user.id, sent.id)


def test_a_whatsapp_reply_after_the_24_hour_window_is_refused(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(
        session,
        "Hi",
        channel="whatsapp",
        sender="+15125550124",
        at=utcnow() - timedelta(days=2),
    )
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)
    assert "WhatsApp's 24-hour window is closed: the customer has to write first." in values(
        at.info
    )

    reply(at, cid, "Still need help?")

    (error,) = values(at.error)
    assert error.startswith("WhatsApp's 24-hour window is closed: the customer has to write first")
    assert at.text_area(key=f"reply.body.{cid}").value == "Still need help?"
    assert outbound(session) == []


def test_a_person_in_charge_is_offered_the_knowledge_base_answer_and_can_insert_it(
    session: Session,
) -> None:
    workspace = make_business(session)
    user = make_user(session, workspace, name="Jamie")
    asked = customer_writes(session, "Do you charge for estimates?")
    conversations.take_over(session, asked.conversation, Actor.operator(user))
    offer = suggestions.suggest(session, workspaces.get(session, workspace.id), asked.conversation)
    assert offer is not None and offer.entry_question == "Do you charge for estimates?"
    cid = asked.conversation.id
    at = opened(session, user, asked.conversation)

    (caption,) = [c for c in values(at.caption) if "Suggested answer" in c]
    assert caption.startswith(
        ":material/lightbulb: Suggested answer from the knowledge entry"
        " “Do you charge for estimates\\?”"
    )
    assert offer.text in values(at.text)
    assert at.text_area(key=f"reply.body.{cid}").value == ""

    at.button(key=f"suggestion.insert.{cid}").click().run()

    assert at.text_area(key=f"reply.body.{cid}").value == offer.text
    assert outbound(session) == []  # inserted to edit, not sent


@sqlite_only
def test_no_suggestion_is_offered_while_the_ai_is_in_charge(session: Session) -> None:
    workspace = make_business(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Do you charge for estimates?")
    cid = asked.conversation.id

    at = opened(session, user, asked.conversation)

    assert not [c for c in values(at.caption) if "Suggested answer" in c]
    assert f"suggestion.insert.{cid}" not in [b.key for b in at.button]
    assert reread(session).get(Conversation, cid).managed_by == "ai"


@sqlite_only
def test_a_voice_conversation_shows_the_read_only_note_instead_of_a_reply_box(
    session: Session,
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    texted = customer_writes(session, "I'll call you", at=utcnow() - timedelta(hours=1))
    voice = Conversation(
        workspace_id=workspace.id,
        contact_id=texted.contact.id,
        channel="voice",
        last_message_preview="Call, 2:05",
    )
    session.add(voice)
    session.flush()

    at = opened(session, user, voice)

    assert "Call transcripts are read-only: answer with Call, Text or Email above." in values(
        at.info
    )
    assert f"reply.body.{voice.id}" not in [t.key for t in at.text_area]
    assert f"text.go.{voice.id}" in [b.key for b in at.button]
    assert outbound(session) == []
