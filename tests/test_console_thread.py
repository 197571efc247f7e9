"""The open conversation's thread: who sent each message, its delivery, email subjects and
attachments, call transcripts, and escalations, takeovers and resumes inline. What the page
shows is the point here, so most tests run on SQLite only. Markup in what customers write:
test_attack_markup.py."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from console.display import local_time
from data import conversations, escalations, outbox
from data.clock import utcnow
from data.events import Actor
from data.models import Call, Conversation, Message
from data.vocab import DeliveryStatus
from tests.console_helpers import (
    customer_writes,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    open_conversation,
    outbound,
    reread,
    shown,
    signed_in_app,
    sqlite_only,
    values,
)
from tests.factories import make_user

pytestmark = sqlite_only


def header(at: AppTest, message: Message) -> str:
    """The line above a message: channel, sender, time, delivery."""
    side = "msg-in" if message.direction == "inbound" else "msg-out"
    return at.container(key=f"{side}-{message.id}").markdown[0].value


def opened(session: Session, user, conversation: Conversation) -> AppTest:
    session.commit()
    return open_conversation(signed_in_app(user), conversation.id)


def test_an_ai_reply_carries_the_ai_badge_and_its_delivery_status(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Do you fix boilers?")
    reply = outbox.enqueue(session, asked.conversation, "Yes, we do.", Actor.ai())

    at = opened(session, user, asked.conversation)

    when = local_time(reply.created_at, "America/Chicago")
    assert header(at, reply) == (f":blue-badge[SMS] :violet-badge[AI] :gray[{when}] :gray[Queued]")
    assert "Yes, we do." in values(at.text)


def test_an_operators_reply_carries_their_name(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    colleague = make_user(session, workspace, name="Priya")
    asked = customer_writes(session, "Can someone call me?")
    reply = outbox.enqueue(session, asked.conversation, "Calling now.", Actor.operator(colleague))

    at = opened(session, user, asked.conversation)

    assert ":blue-badge[Priya]" in header(at, reply)
    assert ":violet-badge[AI]" not in header(at, reply)


def test_an_automated_message_is_labelled_with_its_purpose(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "See you tomorrow")
    reminder = outbox.enqueue(
        session,
        asked.conversation,
        "Reminder: we visit tomorrow at 9.",
        Actor.automation("Reminders"),
        purpose="appointment_reminder",
    )

    at = opened(session, user, asked.conversation)

    assert ":gray-badge[Automation: Appointment reminder]" in header(at, reminder)


def test_a_failed_message_shows_its_status_and_the_reason(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Hello")
    reply = outbox.enqueue(session, asked.conversation, "Hi there", Actor.operator(user))
    reply.status = DeliveryStatus.FAILED
    reply.error_code = "30003"
    reply.error_message = "Unreachable destination handset"
    session.add(reply)

    at = opened(session, user, asked.conversation)

    assert header(at, reply).endswith(":red[Failed] :red[— Unreachable destination handset]")
    assert reread(session).get(Message, reply.id).status == DeliveryStatus.FAILED


def test_a_failure_without_words_shows_the_provider_error_code(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    asked = customer_writes(session, "Hello")
    reply = outbox.enqueue(session, asked.conversation, "Hi there", Actor.ai())
    reply.status = DeliveryStatus.UNDELIVERED
    reply.error_code = "30005"
    session.add(reply)

    at = opened(session, user, asked.conversation)

    assert header(at, reply).endswith(":red[Undelivered] :red[— error 30005]")


def test_an_email_shows_its_subject_and_attachments(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    mail = customer_writes(
        session,
        "Photos attached.",
        channel="email",
        sender="kim@mail.example",
        subject="Kitchen sink: quote?",
        media=[
            {
                "url": "https://files.example/sink.jpg",
                "filename": "sink.jpg",
                "content_type": "image/jpeg",
                "size": 204800,
            },
            {"filename": "notes.txt", "content_type": "text/plain", "size": 10},
            {"url": "javascript:alert(1)", "filename": "trap.html"},
        ],
    )

    at = opened(session, user, mail.conversation)

    assert header(at, mail.message).startswith(":orange-badge[Email] :gray[")
    assert "Subject: Kitchen sink\\: quote\\?" in values(at.caption)
    assert (
        ":material/attach_file: [sink\\.jpg](https://files.example/sink.jpg) \\(200 KB\\)"
        in values(at.markdown)
    )
    assert ":material/attach_file: notes\\.txt \\(1 KB\\)" in values(at.caption)
    # A link that is not http(s) is named, never linked.
    assert ":material/attach_file: trap\\.html" in values(at.caption)
    assert not shown(at.markdown, "javascript:")


def test_a_call_shows_its_transcript_duration_and_recording(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    texted = customer_writes(session, "I called earlier", at=utcnow())
    call = Call(
        workspace_id=workspace.id,
        contact_id=texted.contact.id,
        provider_id="CA123",
        direction="inbound",
        status="completed",
        started_at=utcnow() - timedelta(hours=1),
        duration_seconds=125,
        recording_url="https://recordings.example/CA123.mp3",
        summary="Blocked sink, wants a visit",
        transcript=[
            {"speaker": "customer", "text": "My sink is **blocked**"},
            {"speaker": "agent", "text": "We can come today."},
        ],
    )
    session.add(call)

    at = opened(session, user, texted.conversation)

    when = local_time(call.started_at, "America/Chicago")
    assert f":material/call: **Incoming call** · {when} · 2:05 · Completed" in values(at.markdown)
    assert "[:material/play_circle: Recording](https://recordings.example/CA123.mp3)" in values(
        at.markdown
    )
    assert "Customer: My sink is **blocked**\nAgent: We can come today." in values(at.text)
    assert "Summary: Blocked sink\\, wants a visit" in values(at.caption)
    assert "Transcript (read-only)" in values(at.caption)


def test_escalation_takeover_and_resume_appear_in_the_thread(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    asked = customer_writes(session, "I want a manager")
    actor = Actor.operator(user)
    conversations.escalate(session, asked.conversation, "manual", actor, note="Angry")
    conversations.take_over(session, asked.conversation, actor)
    conversations.resume_ai(session, asked.conversation, actor)

    at = opened(session, user, asked.conversation)

    lines = [c for c in values(at.caption) if c.startswith((":red[—", ":gray[—"))]
    assert [line.split(" · ")[0] for line in lines] == [
        ":red[— Escalated by Jamie\\: Escalated by a person \\(Angry\\)",
        ":gray[— Jamie took over\\: the AI is silent",
        ":gray[— Jamie handed the conversation back to the AI",
    ]
    assert reread(session).get(Conversation, asked.conversation.id).status == "active"


def test_an_alert_to_the_team_is_one_line_not_a_message_to_the_customer(
    session: Session,
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    asked = customer_writes(session, "Water everywhere!")
    escalations.escalate(session, asked.conversation, "manual", Actor.operator(user))

    at = opened(session, user, asked.conversation)

    alerts = [c for c in values(at.caption) if c.startswith(":material/notifications:")]
    assert [a.split(" · ")[0] for a in alerts] == [
        ":material/notifications: Alert to Alert phone by SMS",
        ":material/notifications: Alert to Alert email by Email",
    ]
    assert {m.to_address for m in outbound(session) if m.meta.get("purpose") == "alert"} == {
        "+15125550190",
        "owner@acme.example",
    }


def test_the_thread_shows_the_customer_on_every_channel_in_time_order(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    texted = customer_writes(session, "Texting first", at=utcnow() - timedelta(hours=2))
    texted.contact.email = "kim@mail.example"
    session.add(texted.contact)
    mailed = customer_writes(
        session,
        "And now by email",
        channel="email",
        sender="kim@mail.example",
        subject="Follow-up",
        at=utcnow() - timedelta(hours=1),
    )
    assert mailed.contact.id == texted.contact.id

    at = opened(session, user, texted.conversation)

    assert values(at.text)[:2] == ["Texting first", "And now by email"]
    assert header(at, texted.message).startswith(":blue-badge[SMS]")
    assert header(at, mailed.message).startswith(":orange-badge[Email]")
