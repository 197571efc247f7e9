"""The inbox list: order, filters, search, paging, unread marks and badges, customer text
shown inert; and the SMS Replies switch above it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from data import contacts, conversations
from data.clock import utcnow
from data.events import Actor
from data.models import Conversation, Event, Workspace
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
    shown,
    signed_in_app,
    sqlite_only,
    values,
)
from tests.factories import make_user


def listed(at: AppTest) -> list[int]:
    """The conversation ids of the list's rows, top to bottom."""
    return [int(b.key.split(".")[1]) for b in at.button if (b.key or "").startswith("open.")]


def row_label(at: AppTest, conversation_id: int) -> str:
    return at.button(key=f"open.{conversation_id}").label


def row_line(at: AppTest, conversation_id: int) -> str:
    """The row's second line: badges and the last message's preview."""
    return at.container(key=f"row-{conversation_id}").markdown[0].value


def hours_ago(hours: float):
    return utcnow() - timedelta(hours=hours)


def four_channels(session: Session) -> dict[str, int]:
    """One conversation on each text channel, the newest first: {channel: conversation id}."""
    made = {
        "sms": customer_writes(session, "Leaky tap", at=hours_ago(1)),
        "whatsapp": customer_writes(
            session, "Boiler noise", channel="whatsapp", sender="+15125550124", at=hours_ago(2)
        ),
        "email": customer_writes(
            session, "Quote please", channel="email", sender="kim@mail.example", at=hours_ago(3)
        ),
        "webchat": customer_writes(
            session, "Are you open?", channel="webchat", sender="visitor-1", at=hours_ago(4)
        ),
    }
    return {channel: result.conversation.id for channel, result in made.items()}


def test_conversations_are_listed_newest_activity_first(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    middle = customer_writes(session, "second", sender="+15125550001", at=hours_ago(2))
    oldest = customer_writes(session, "first", sender="+15125550002", at=hours_ago(3))
    newest = customer_writes(session, "third", sender="+15125550003", at=hours_ago(1))
    # New activity in the oldest conversation moves it to the top.
    customer_writes(session, "and again", sender="+15125550002", at=hours_ago(0.5))
    session.commit()

    at = signed_in_app(user)

    assert listed(at) == [
        oldest.conversation.id,
        newest.conversation.id,
        middle.conversation.id,
    ]
    assert "and again" in row_line(at, oldest.conversation.id)


def test_the_sms_channel_filter_shows_only_sms_conversations(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    ids = four_channels(session)
    session.commit()
    at = signed_in_app(user)
    assert listed(at) == [ids["sms"], ids["whatsapp"], ids["email"], ids["webchat"]]

    at.button_group(key="inbox.channel").set_value("SMS").run()
    ok(at)

    assert listed(at) == [ids["sms"]]
    at.button_group(key="inbox.channel").set_value("Web Chat").run()
    assert listed(at) == [ids["webchat"]]


def test_the_escalated_filter_shows_only_escalated_conversations(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    calm = customer_writes(session, "thanks", sender="+15125550001", at=hours_ago(1))
    angry = customer_writes(session, "this is awful", sender="+15125550002", at=hours_ago(2))
    conversations.escalate(session, angry.conversation, "negative_sentiment", Actor.ai())
    session.commit()

    at = signed_in_app(user)
    at.selectbox(key="inbox.status").select("Escalated").run()
    ok(at)

    assert listed(at) == [angry.conversation.id]
    assert calm.conversation.id not in listed(at)


def test_handled_by_a_person_shows_only_conversations_taken_over(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    customer_writes(session, "hello", sender="+15125550001", at=hours_ago(1))
    taken = customer_writes(session, "can a person help", sender="+15125550002", at=hours_ago(2))
    conversations.take_over(session, taken.conversation, Actor.operator(user))
    session.commit()

    at = signed_in_app(user)
    at.selectbox(key="inbox.status").select("Handled by a person").run()
    ok(at)

    assert listed(at) == [taken.conversation.id]


def test_search_finds_a_customer_by_name(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    ann = customer_writes(session, "hi", channel="whatsapp", sender="+15125550001", name="Ann Lee")
    customer_writes(session, "hi", channel="whatsapp", sender="+15125550002", name="Bo Ray")
    session.commit()

    at = signed_in_app(user)
    at.text_input(key="inbox.search").input("ann l").run()
    ok(at)

    assert listed(at) == [ann.conversation.id]


def test_search_finds_a_customer_by_phone_digits(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    customer_writes(session, "hi", sender="+15125550001")
    wanted = customer_writes(session, "hi", sender="+15125557788")
    session.commit()

    at = signed_in_app(user)
    at.text_input(key="inbox.search").input("5557788").run()
    ok(at)

    assert listed(at) == [wanted.conversation.id]


def test_search_finds_a_conversation_by_words_in_its_messages(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    heater = customer_writes(
        session, "My water heater is leaking", sender="+15125550001", at=hours_ago(3)
    )
    # A later message: the search reads every message, not just the preview.
    customer_writes(session, "Any news?", sender="+15125550001", at=hours_ago(1))
    customer_writes(session, "Need a drain cleaned", sender="+15125550002", at=hours_ago(2))
    session.commit()

    at = signed_in_app(user)
    at.text_input(key="inbox.search").input("Water HEATER").run()
    ok(at)

    assert listed(at) == [heater.conversation.id]


def test_a_search_that_matches_nothing_says_so(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    customer_writes(session, "hello")
    session.commit()

    at = signed_in_app(user)
    at.text_input(key="inbox.search").input("zebra").run()
    ok(at)

    assert listed(at) == []
    assert shown(at.info, "No conversations match.")


@sqlite_only
def test_an_empty_inbox_says_there_are_no_conversations_yet(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()

    at = signed_in_app(user)

    assert values(at.info) == ["No conversations yet.", "Choose a conversation on the left."]


def test_older_and_newer_page_through_more_than_25_conversations(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    ids = [
        customer_writes(session, f"message {i}", sender=f"+1512555{1000 + i:04d}", at=hours_ago(i))
        for i in range(30)
    ]
    newest_first = [result.conversation.id for result in ids]
    session.commit()
    at = signed_in_app(user)
    assert listed(at) == newest_first[:25]
    assert not at.button(key="inbox.older").value
    assert "inbox.newer" not in [b.key for b in at.button]

    at.button(key="inbox.older").click().run()
    ok(at)
    assert listed(at) == newest_first[25:]
    assert "inbox.older" not in [b.key for b in at.button]

    at.button(key="inbox.newer").click().run()
    ok(at)
    assert listed(at) == newest_first[:25]


def test_changing_a_filter_starts_again_from_the_newest_page(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    ids = [
        customer_writes(session, f"message {i}", sender=f"+1512555{1000 + i:04d}", at=hours_ago(i))
        for i in range(27)
    ]
    session.commit()
    at = signed_in_app(user)
    at.button(key="inbox.older").click().run()
    assert len(listed(at)) == 2

    at.button_group(key="inbox.channel").set_value("SMS").run()
    ok(at)

    assert listed(at) == [result.conversation.id for result in ids[:25]]


def test_an_unread_conversation_is_marked_until_it_is_opened(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    first = customer_writes(session, "Hello?")
    customer_writes(session, "Anyone there?")
    session.commit()
    cid = first.conversation.id
    at = signed_in_app(user)
    assert ":blue[● 2]" in row_label(at, cid)

    open_conversation(at, cid)
    assert reread(session).get(Conversation, cid).unread_count == 0
    ok(at.run())  # the list's next live refresh

    assert "●" not in row_label(at, cid)


@sqlite_only
def test_rows_carry_escalated_human_and_opted_out_badges(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    plain = customer_writes(session, "hi", sender="+15125550001")
    escalated = customer_writes(session, "hi", sender="+15125550002")
    human = customer_writes(session, "hi", sender="+15125550003")
    opted_out = customer_writes(session, "hi", sender="+15125550004")
    conversations.escalate(session, escalated.conversation, "asked_for_person", Actor.ai())
    conversations.take_over(session, human.conversation, Actor.operator(user))
    contacts.opt_out(
        session, opted_out.contact, keyword="STOP", channel="sms", actor=Actor.customer()
    )
    session.commit()

    at = signed_in_app(user)

    escalated_badge = ":red-badge[:material/priority_high: Escalated]"
    human_badge = ":orange-badge[:material/person: Human]"
    opted_out_badge = ":gray-badge[:material/block: Opted out]"
    assert row_line(at, escalated.conversation.id).startswith(
        f":blue-badge[SMS] {escalated_badge} :gray["
    )
    assert row_line(at, human.conversation.id).startswith(f":blue-badge[SMS] {human_badge} :gray[")
    assert row_line(at, opted_out.conversation.id).startswith(
        f":blue-badge[SMS] {opted_out_badge} :gray["
    )
    assert row_line(at, plain.conversation.id) == ":blue-badge[SMS] :gray[hi]"


@sqlite_only
def test_a_reply_by_the_business_is_previewed_as_you(session: Session) -> None:
    from data import outbox

    workspace = make_shop(session)
    user = make_user(session, workspace)
    result = customer_writes(session, "Is it fixed?")
    outbox.enqueue(session, result.conversation, "Yes, all done.", Actor.operator(user))
    session.commit()

    at = signed_in_app(user)

    assert row_line(at, result.conversation.id).endswith(":gray[You\\: Yes\\, all done\\.]")


PAYLOAD = "**bold** <img src=x onerror=alert(1)> [click](http://evil.example)"
ESCAPED = r"\*\*bold\*\* \<img src\=x onerror\=alert\(1\)\> \[click\]\(http\:\/\/evil\.example\)"


@sqlite_only
def test_markdown_and_html_in_a_customer_name_and_message_are_shown_inert(
    session: Session,
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    result = customer_writes(
        session, PAYLOAD, channel="whatsapp", sender="+15125550177", name=PAYLOAD
    )
    session.commit()
    cid = result.conversation.id

    at = signed_in_app(user)

    assert row_label(at, cid) == f"**{ESCAPED}** :blue[● 1]"
    assert row_line(at, cid) == f":green-badge[WhatsApp] :gray[{ESCAPED}]"
    open_conversation(at, cid)
    assert f"### {ESCAPED}" in values(at.markdown)
    for text in [row_label(at, cid), *values(at.markdown), *values(at.caption)]:
        assert "[click](" not in text
        assert not re.search(r"(?<!\\)<img", text)  # every "<" is backslash-escaped
    # The message itself is shown as plain text, exactly as written.
    assert PAYLOAD in values(at.text)
    assert reread(session).get(Conversation, cid).unread_count == 0


def test_switching_sms_replies_off_stores_it_and_records_an_event(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, name="Jamie")
    session.commit()
    at = signed_in_app(user)
    assert at.toggle(key="inbox.sms_replies").value is True
    assert ":green[AI answers texts]" in values(at.caption)

    at.toggle(key="inbox.sms_replies").set_value(False).run()
    ok(at)

    assert reread(session).get(Workspace, workspace.id).auto_reply_sms is False
    (event,) = events(session, EventKind.SETTINGS_CHANGED)
    assert event.data["changes"] == {"auto_reply_sms": {"from": True, "to": False}}
    assert (event.actor_user_id, event.actor_label) == (user.id, "Jamie")
    assert values(at.success) == ["SMS Replies off: texts wait for a person."]
    assert ":orange[Off: texts wait for a person]" in values(at.caption)


def test_switching_sms_replies_back_on_stores_it(session: Session) -> None:
    workspace = make_shop(session, auto_reply_sms=False)
    user = make_user(session, workspace)
    session.commit()
    at = signed_in_app(user)
    assert at.toggle(key="inbox.sms_replies").value is False

    at.toggle(key="inbox.sms_replies").set_value(True).run()
    ok(at)

    assert reread(session).get(Workspace, workspace.id).auto_reply_sms is True
    kinds = session.exec(select(Event.kind).order_by(col(Event.id))).all()
    assert kinds == [EventKind.SETTINGS_CHANGED]
    assert values(at.success) == ["SMS Replies on: the AI answers texts."]


@sqlite_only
def test_the_sms_switch_shows_a_change_made_elsewhere(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    at = signed_in_app(user)

    stored = session.get(Workspace, workspace.id)
    stored.auto_reply_sms = False
    session.add(stored)
    session.commit()
    ok(at.run())

    assert at.toggle(key="inbox.sms_replies").value is False
    assert events(session, EventKind.SETTINGS_CHANGED) == []


def test_a_user_switched_off_meanwhile_cannot_flip_sms_replies(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    at = signed_in_app(user)

    user.active = False
    session.add(user)
    session.commit()
    at.toggle(key="inbox.sms_replies").set_value(False).run()
    ok(at)

    assert reread(session).get(Workspace, workspace.id).auto_reply_sms is True
    assert events(session, EventKind.SETTINGS_CHANGED) == []
    assert values(at.title) == ["Sign in"]
