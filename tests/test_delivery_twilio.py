"""Delivery through the real dispatcher and the real `twilio` client against a local Twilio
stand-in: what reaches Twilio, and what each of Twilio's answers does to the outbox row
(sent, back in the queue, failed with a readable reason, or `unknown` and never resent),
plus the per-sender pace, the WhatsApp 24-hour window and sends left behind by a dead process.
"""

from __future__ import annotations

import itertools
import json
import socket
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from data import outbox, workspaces
from data.clock import as_utc, utcnow
from data.events import Actor
from data.models import Conversation, Message, SenderPace
from data.settings import get_settings
from pipeline.dispatch import MAX_ATTEMPTS, dispatch_due, recover_stuck_sends
from pipeline.pacing import ALLOWANCE
from pipeline.senders.router import Senders
from pipeline.senders.twilio import TwilioSender
from tests.factories import make_user, make_workspace, text_in
from tests.pipeline_helpers import events_of
from tests.twilio_standin import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    RecordedRequest,
    TwilioStandIn,
    client_for,
    drop,
    error,
    ok,
    server_error,
    slow,
    too_many,
)
from tests.twilio_standin import twilio_standin as twilio_standin_fixture  # noqa: F401

PUBLIC_URL = "https://inbox.example.com"
CALLBACK = f"{PUBLIC_URL}/webhooks/twilio/status"
AI_NUMBER = "+15125550100"  # the SMS channel of make_workspace
WHATSAPP_NUMBER = "+15125550101"  # its WhatsApp channel
CUSTOMER = "+15125550123"
TEMPLATE = {"content_sid": "HX" + "ab" * 16, "variables": {"1": "{first_name}"}}


# --- helpers -------------------------------------------------------------------------------


def live_senders(
    monkeypatch: pytest.MonkeyPatch, base_url: str, auth_token: str | None = None
) -> Senders:
    """The senders production builds from settings, with Twilio's API at `base_url`."""
    monkeypatch.setenv("INBOX_SENDER", "live")
    monkeypatch.setenv("INBOX_TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("INBOX_TWILIO_AUTH_TOKEN", auth_token or AUTH_TOKEN)
    monkeypatch.setenv("INBOX_TWILIO_API_BASE_URL", base_url)
    monkeypatch.setenv("INBOX_PUBLIC_URL", PUBLIC_URL)
    get_settings.cache_clear()
    return Senders(get_settings())


@pytest.fixture
def senders(monkeypatch: pytest.MonkeyPatch, twilio_standin: TwilioStandIn) -> Senders:
    return live_senders(monkeypatch, twilio_standin.base_url)


def queue(
    session: Session,
    body: str = "Yes, we fix leaks. A plumber can come tomorrow at 9.",
    *,
    customer: str = CUSTOMER,
    channel: str = "sms",
    name: str | None = None,
) -> Message:
    """A customer writes in on `channel`; a reply to them is queued and committed."""
    to = WHATSAPP_NUMBER if channel == "whatsapp" else AI_NUMBER
    result = text_in(session, "Hi, do you fix leaks?", sender=customer, to=to, channel=channel)
    if name:
        result.contact.name = name
    message = outbox.enqueue(session, result.conversation, body, Actor.ai())
    session.commit()
    return message


def creates(standin: TwilioStandIn) -> list[RecordedRequest]:
    """Every Messages create that reached the stand-in, answered or not."""
    return [r for r in standin.requests if r.resource == "Messages"]


def current(session: Session, message: Message) -> Message:
    """The row as dispatch left it (ending the test session's snapshot first)."""
    session.commit()
    session.refresh(message)
    return message


def skip_waiting(session: Session, message: Message) -> None:
    """Let the message's wait (its backoff, and its sender's pace) pass, instead of sleeping."""
    past = utcnow() - timedelta(seconds=1)
    message.next_attempt_at = past
    session.add(message)
    for pace in session.exec(select(SenderPace)).all():
        pace.next_free_at = past
        pace.last_sent_at = None
        session.add(pace)
    session.commit()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def close_whatsapp_window(session: Session, message: Message) -> None:
    conversation = session.get(Conversation, message.conversation_id)
    conversation.last_inbound_at = utcnow() - timedelta(hours=25)
    session.add(conversation)
    session.commit()


def set_channel_config(session: Session, workspace_id: int, kind: str, **config: object) -> None:
    channel = workspaces.channel_for(session, workspace_id, kind)
    channel.config = {**channel.config, **config}
    session.add(channel)
    session.commit()


# --- a message Twilio accepts --------------------------------------------------------------


def test_a_queued_sms_goes_to_twilio_once_and_records_the_sid(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session, "Yes, we fix leaks.")

    assert dispatch_due(engine, senders) == 1
    assert dispatch_due(engine, senders) == 0

    [sent] = creates(twilio_standin)
    assert sent.value("To") == CUSTOMER and sent.value("From") == AI_NUMBER
    assert sent.value("Body") == "Yes, we fix leaks."
    assert sent.status_callback == CALLBACK
    current(session, message)
    assert message.provider_id == sent.sid and message.provider_id.startswith("SM")
    assert (message.status, message.attempts) == ("sent", 1)
    assert message.sent_at is not None and message.error_message is None


def test_whatsapp_messages_go_out_with_whatsapp_prefixes(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session, "Your plumber is on the way.", channel="whatsapp")

    dispatch_due(engine, senders)

    [sent] = creates(twilio_standin)
    assert sent.value("To") == f"whatsapp:{CUSTOMER}"
    assert sent.value("From") == f"whatsapp:{WHATSAPP_NUMBER}"
    assert sent.value("Body") == "Your plumber is on the way."
    assert current(session, message).status == "sent"


# --- transient failures: back to the queue -------------------------------------------------


def test_a_429_puts_the_message_back_in_the_queue_and_it_is_sent_once_later(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.script(too_many())

    before = utcnow()
    dispatch_due(engine, senders)
    current(session, message)
    assert (message.status, message.error_code) == ("queued", "20429")
    assert message.error_message == "Twilio is rate-limiting. Trying again."
    assert as_utc(message.next_attempt_at) > before
    assert dispatch_due(engine, senders) == 0  # not due yet

    skip_waiting(session, message)
    dispatch_due(engine, senders)
    current(session, message)
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(creates(twilio_standin)) == 2 and len(twilio_standin.messages) == 1
    assert message.provider_id == twilio_standin.messages[0]["sid"]
    assert message.error_message is None


def test_a_429_with_retry_after_waits_at_least_that_long(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.script(too_many(retry_after=30))

    before = utcnow()
    dispatch_due(engine, senders)

    current(session, message)
    assert message.status == "queued"
    assert as_utc(message.next_attempt_at) >= before + timedelta(seconds=30)


def test_a_twilio_500_is_retried_later_and_then_sent(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.script(server_error(500))

    before = utcnow()
    dispatch_due(engine, senders)
    current(session, message)
    assert (message.status, message.error_code) == ("queued", "20500")
    assert message.error_message == "Twilio answered 500. Trying again."
    assert as_utc(message.next_attempt_at) > before

    skip_waiting(session, message)
    dispatch_due(engine, senders)
    assert current(session, message).status == "sent"
    assert len(creates(twilio_standin)) == 2 and len(twilio_standin.messages) == 1


def test_after_max_attempts_transient_failures_the_message_fails_with_gave_up(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.default = server_error(503)

    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert dispatch_due(engine, senders) == 1
        current(session, message)
        assert message.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert message.status == "queued"
            skip_waiting(session, message)

    assert (message.status, message.error_code) == ("failed", "20503")
    assert message.error_message.startswith(f"Gave up after {MAX_ATTEMPTS} attempts: ")
    assert "Twilio answered 503" in message.error_message
    assert len(creates(twilio_standin)) == MAX_ATTEMPTS
    skip_waiting(session, message)
    assert dispatch_due(engine, senders) == 0


def test_twilio_unreachable_puts_the_message_back_in_the_queue(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    senders = live_senders(monkeypatch, closed_port_url())
    make_workspace(session)
    message = queue(session)

    dispatch_due(engine, senders)

    current(session, message)
    assert (message.status, message.error_code) == ("queued", "connection")
    assert message.error_message == "Could not reach Twilio. Trying again."
    assert message.next_attempt_at is not None and message.provider_id is None


# --- permanent failures --------------------------------------------------------------------


def test_an_unsubscribed_recipient_fails_the_message_and_opts_the_contact_out(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.fail_for(to=CUSTOMER, code=21610)

    dispatch_due(engine, senders)

    current(session, message)
    assert (message.status, message.error_code) == ("failed", "21610")
    assert message.error_message == "The customer has unsubscribed (replied STOP) on this number."
    session.expire_all()
    [opted_out] = events_of(session, "opted_out")
    assert opted_out.actor_kind == "system" and opted_out.contact_id == message.contact_id
    assert opted_out.data["keyword"] == "carrier error 21610 (recipient unsubscribed)"


def test_after_twilio_reports_an_unsubscribe_automated_messages_are_refused(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    first = queue(session, "Your quote is ready.")
    second = queue(session, "Reminder: your quote expires Friday.")
    twilio_standin.fail_for(to=CUSTOMER, code=21610)

    dispatch_due(engine, senders)
    assert current(session, first).status == "failed"
    skip_waiting(session, second)  # it waited for the number's pace
    dispatch_due(engine, senders)

    assert len(creates(twilio_standin)) == 1  # the second was refused at send time
    current(session, second)
    assert (second.status, second.error_code) == ("failed", "opted_out")
    assert second.error_message == "Not sent: the customer opted out before it went out."
    conversation = session.get(Conversation, first.conversation_id)
    with pytest.raises(outbox.OptedOut, match="nothing automated may be sent"):
        outbox.enqueue(session, conversation, "Still need a plumber?", Actor.ai())


def test_an_invalid_number_fails_with_a_readable_reason_and_does_not_opt_out(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.script(error(400, 21211, "Invalid 'To' Phone Number"))

    dispatch_due(engine, senders)

    current(session, message)
    assert (message.status, message.error_code) == ("failed", "21211")
    assert message.error_message == "The phone number is not valid."
    session.expire_all()
    assert events_of(session, "opted_out") == []
    next_one = outbox.enqueue(
        session, session.get(Conversation, message.conversation_id), "Try again?", Actor.ai()
    )
    assert next_one.status == "queued"


def test_invalid_twilio_credentials_fail_with_the_reason_about_the_auth_token(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, monkeypatch
) -> None:
    senders = live_senders(monkeypatch, twilio_standin.base_url, auth_token="0" * 32)
    make_workspace(session)
    message = queue(session)

    dispatch_due(engine, senders)

    [refused] = creates(twilio_standin)
    assert refused.status == 401
    current(session, message)
    assert (message.status, message.error_code) == ("failed", "20003")
    assert message.error_message == (
        "Twilio refused the credentials (check INBOX_TWILIO_AUTH_TOKEN)."
    )


# --- unknown fate: never sent again --------------------------------------------------------


def test_a_connection_dropped_after_sending_leaves_the_message_unknown_and_unsent_again(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    twilio_standin.script(drop())

    dispatch_due(engine, senders)

    current(session, message)
    assert (message.status, message.error_code) == ("unknown", "unknown")
    assert "it may or may not have gone out" in message.error_message
    skip_waiting(session, message)
    assert dispatch_due(engine, senders) == 0
    assert len(creates(twilio_standin)) == 1


def test_a_twilio_timeout_leaves_the_message_unknown_and_unsent_again(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn
) -> None:
    # build_client binds TIMEOUT_SECONDS (15 s) when the module is imported, so the test gives
    # the real TwilioSender a client with a short timeout instead.
    senders = Senders(
        get_settings(),
        sms=TwilioSender(client_for(twilio_standin, timeout=0.3), CALLBACK),
    )
    make_workspace(session)
    message = queue(session)
    twilio_standin.script(slow(3.0))

    started = time.monotonic()
    dispatch_due(engine, senders)
    assert time.monotonic() - started < 2.5

    current(session, message)
    assert (message.status, message.error_code) == ("unknown", "unknown")
    assert "Check with the customer before sending it again." in message.error_message
    skip_waiting(session, message)
    assert dispatch_due(engine, senders) == 0
    assert len(creates(twilio_standin)) == 1


def test_a_send_left_behind_by_a_dead_process_becomes_unknown_and_is_never_sent(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session)
    message.status = "sending"
    message.attempts = 1
    message.lease_owner = "dead-host:4242"
    message.lease_expires_at = utcnow() - timedelta(seconds=1)
    session.add(message)
    session.commit()

    assert recover_stuck_sends(engine) == 1

    current(session, message)
    assert (message.status, message.error_code) == ("unknown", "unknown")
    assert "The pipeline stopped while sending this message" in message.error_message
    assert dispatch_due(engine, senders) == 0
    assert creates(twilio_standin) == []


# --- the sending pace ----------------------------------------------------------------------


def drain(engine: Engine, senders: Senders, session: Session, ids: list[int], seconds: float):
    """Run dispatch in a loop until every message in `ids` has left the queue."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        dispatch_due(engine, senders)
        session.commit()  # end the test's snapshot: see what dispatch wrote
        statuses = session.exec(select(Message.status).where(col(Message.id).in_(ids))).all()
        if all(status != "queued" for status in statuses):
            return
        time.sleep(0.02)
    raise AssertionError(f"not drained in {seconds} s: {statuses}")


def queue_for_customers(session: Session, count: int) -> list[Message]:
    return [queue(session, f"Reply {n}", customer=f"+1512555{200 + n:04d}") for n in range(count)]


def test_sms_from_one_number_wait_their_turn_at_about_one_a_second(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    messages = queue_for_customers(session, 5)

    assert dispatch_due(engine, senders) == 5
    assert len(creates(twilio_standin)) == 1
    waiting = [current(session, m) for m in messages[1:]]
    assert [m.status for m in waiting] == ["queued"] * 4
    assert [m.attempts for m in waiting] == [0] * 4  # waiting for a turn is not an attempt
    due = [as_utc(m.next_attempt_at) for m in waiting]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(due)]
    assert gaps == pytest.approx([1.0 + ALLOWANCE] * 3)  # a second, and 2% for arrival jitter

    drain(engine, senders, session, [m.id for m in messages], seconds=7)

    sent = creates(twilio_standin)
    assert sorted(r.value("Body") for r in sent) == [f"Reply {n}" for n in range(5)]
    assert all(r.status == 201 for r in sent)
    assert all(later.at - earlier.at > 0.5 for earlier, later in itertools.pairwise(sent))
    assert sent[-1].at - sent[0].at > 3.5
    assert [current(session, m).status for m in messages] == ["sent"] * 5
    assert all(m.attempts == 1 for m in messages)


def test_a_burst_is_spread_when_claimed_and_the_waiting_rows_are_given_back(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    messages = queue_for_customers(session, 4)

    dispatch_due(engine, senders)

    waiting = [current(session, m) for m in messages[1:]]
    assert all(m.lease_owner is None and m.lease_expires_at is None for m in waiting)
    assert [as_utc(m.next_attempt_at) for m in waiting] == [
        datetime.fromisoformat(m.meta["paced_for"]) for m in waiting
    ]
    pace = session.exec(select(SenderPace)).one()
    assert as_utc(pace.next_free_at) == pytest.approx(
        as_utc(waiting[-1].next_attempt_at) + timedelta(seconds=1 + ALLOWANCE),
        abs=timedelta(milliseconds=1),
    )


def test_paced_sms_never_reach_twilio_faster_than_the_numbers_rate(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    other = queue(session, "Your plumber is on the way.", channel="whatsapp", customer=CUSTOMER)
    other.next_attempt_at = utcnow() + timedelta(hours=1)
    session.add(other)
    session.commit()
    messages = queue_for_customers(session, 3)
    twilio_standin.max_per_second(1)
    twilio_standin.script(ok(), slow(0.9))  # the WhatsApp create takes 0.9 s

    dispatch_due(engine, senders)  # the first SMS goes; the others wait 1 s and 2 s
    other.next_attempt_at = current(session, messages[1]).next_attempt_at  # due with the 2nd
    session.add(other)
    session.commit()
    drain(engine, senders, session, [m.id for m in [other, *messages]], seconds=10)

    assert [current(session, m).status for m in messages] == ["sent"] * 3
    assert twilio_standin.rate_violations == []


def test_a_channel_max_per_second_speeds_up_the_pace(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    workspace = make_workspace(session)
    set_channel_config(session, workspace.id, "sms", max_per_second=5)
    messages = queue_for_customers(session, 5)
    twilio_standin.max_per_second(5)

    started = time.monotonic()
    drain(engine, senders, session, [m.id for m in messages], seconds=3)

    assert time.monotonic() - started < 2.0
    assert twilio_standin.rate_violations == []
    sent = creates(twilio_standin)
    assert len(sent) == 5 and sent[-1].at - sent[0].at > 0.6
    assert [current(session, m).status for m in messages] == ["sent"] * 5


def test_turns_that_come_due_together_go_out_in_one_run_at_the_senders_pace(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    messages = [
        queue(session, f"Reply {n}", channel="whatsapp", customer=f"+1512555{300 + n:04d}")
        for n in range(6)
    ]
    twilio_standin.max_per_second(20)
    dispatch_due(engine, senders)  # the first goes; the others get a turn 50 ms apart
    assert len(creates(twilio_standin)) == 1
    time.sleep(0.4)  # every turn has come by the next run, as with runs half a second apart

    dispatch_due(engine, senders)

    sent = creates(twilio_standin)
    assert len(sent) == 6  # one run, not one send a run
    assert all(later.at - earlier.at >= 0.045 for earlier, later in itertools.pairwise(sent))
    assert twilio_standin.rate_violations == []
    assert [current(session, m).status for m in messages] == ["sent"] * 6
    assert all(m.attempts == 1 for m in messages)  # none was prepared and put back


def test_a_turn_beyond_the_runs_wait_goes_back_to_the_queue_without_an_attempt(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    messages = queue_for_customers(session, 3)  # SMS: one a second
    dispatch_due(engine, senders)
    for message in messages[1:]:  # both turns come due before the next run
        skip_waiting(session, message)

    dispatch_due(engine, senders)

    assert len(creates(twilio_standin)) == 2  # the second's turn was a second off: the next run
    last = current(session, messages[2])
    assert last.status == "queued" and last.attempts == 0
    assert last.lease_owner is None and last.lease_expires_at is None
    assert as_utc(last.next_attempt_at) > utcnow() + timedelta(seconds=0.5)


# --- WhatsApp's 24-hour window -------------------------------------------------------------


def test_an_operator_whatsapp_message_outside_the_window_is_refused_at_enqueue(
    engine: Engine, session: Session
) -> None:
    workspace = make_workspace(session)
    jamie = Actor.operator(make_user(session, workspace))
    earlier = queue(session, "Thanks!", channel="whatsapp")
    close_whatsapp_window(session, earlier)

    conversation = session.get(Conversation, earlier.conversation_id)
    with pytest.raises(outbox.OutboxError, match="24-hour window is closed"):
        outbox.enqueue(session, conversation, "Are you still there?", jamie)


def test_an_automated_whatsapp_message_outside_the_window_goes_as_the_template(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    workspace = make_workspace(session)
    set_channel_config(session, workspace.id, "whatsapp", whatsapp_template=TEMPLATE)
    earlier = queue(session, "Thanks!", channel="whatsapp", name="Dana Reyes")
    dispatch_due(engine, senders)
    close_whatsapp_window(session, earlier)
    conversation = session.get(Conversation, earlier.conversation_id)
    reminder = outbox.enqueue(
        session, conversation, "Reminder: your visit is tomorrow.", Actor.automation()
    )
    session.commit()
    skip_waiting(session, reminder)  # the sender's pace (20/s) would hold it a moment

    dispatch_due(engine, senders)

    templated = creates(twilio_standin)[-1]
    assert templated.value("ContentSid") == TEMPLATE["content_sid"]
    assert json.loads(templated.value("ContentVariables")) == {"1": "Dana"}
    assert templated.value("Body") is None
    assert templated.value("To") == f"whatsapp:{CUSTOMER}"
    assert current(session, reminder).status == "sent"


def test_an_automated_whatsapp_message_without_a_template_fails_when_the_window_closed(
    engine: Engine, session: Session, twilio_standin: TwilioStandIn, senders: Senders
) -> None:
    make_workspace(session)
    message = queue(session, "Your quote is ready.", channel="whatsapp")
    close_whatsapp_window(session, message)

    dispatch_due(engine, senders)

    assert creates(twilio_standin) == []
    current(session, message)
    assert (message.status, message.error_code) == ("failed", "63016")
    assert message.error_message.startswith("WhatsApp's 24-hour window is closed")
    assert "no approved template is set up" in message.error_message
