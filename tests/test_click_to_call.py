"""Click-to-call: the console's Call action becomes a requested call; the pipeline rings the
operator from the AI number through Twilio and bridges the customer, once; refusals say why."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from data.click_to_call import CannotCall, request_call
from data.events import Actor
from data.models import Call, Event
from data.settings import get_settings
from pipeline.calls import place_requested_calls
from tests.factories import make_business, make_user, text_in
from tests.twilio_standin import TwilioStandIn, error
from tests.twilio_standin import twilio_standin as twilio_standin_fixture  # noqa: F401

OPERATOR_PHONE = "+15125550177"


@pytest.fixture
def live_twilio(twilio_standin: TwilioStandIn, monkeypatch: pytest.MonkeyPatch) -> TwilioStandIn:
    monkeypatch.setenv("INBOX_SENDER", "live")
    monkeypatch.setenv("INBOX_TWILIO_ACCOUNT_SID", twilio_standin.account_sid)
    monkeypatch.setenv("INBOX_TWILIO_AUTH_TOKEN", twilio_standin.auth_token)
    monkeypatch.setenv("INBOX_TWILIO_API_BASE_URL", twilio_standin.base_url)
    monkeypatch.setenv("INBOX_PUBLIC_URL", "https://inbox.example.com")
    get_settings.cache_clear()
    return twilio_standin


def _requested(session: Session) -> tuple[Call, Actor]:
    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    result = text_in(session, "can you call me about the leak?")
    call = request_call(session, result.conversation, "(512) 555-0177", jamie)
    session.commit()
    return call, jamie


def test_the_call_action_rings_the_operator_then_bridges_the_customer_once(
    engine, session: Session, live_twilio: TwilioStandIn
) -> None:
    call, _ = _requested(session)
    assert place_requested_calls(engine) == 1
    assert place_requested_calls(engine) == 0
    [placed] = [r for r in live_twilio.requests if r.resource == "Calls"]
    assert placed.value("To") == OPERATOR_PHONE and placed.value("From") == "+15125550100"
    assert '<Dial callerId="+15125550100"><Number>+15125550123</Number></Dial>' in placed.value(
        "Twiml"
    )
    assert placed.status_callback == "https://inbox.example.com/webhooks/twilio/voice"
    session.refresh(call)
    assert call.provider_id.startswith("CA") and call.status == "queued"
    [event] = session.exec(select(Event).where(Event.kind == "call_requested")).all()
    assert event.data["operator_phone"] == OPERATOR_PHONE


def test_a_call_twilio_refuses_is_failed_with_the_reason(
    engine, session: Session, live_twilio: TwilioStandIn
) -> None:
    call, _ = _requested(session)
    live_twilio.script(error(400, 21211, "The 'To' number is not a valid phone number."))
    place_requested_calls(engine)
    session.refresh(call)
    assert call.status == "failed" and call.error_message == "The phone number is not valid."


def test_with_the_log_sender_the_call_is_only_logged(engine, session: Session) -> None:
    call, _ = _requested(session)
    place_requested_calls(engine)
    session.refresh(call)
    assert call.status == "completed" and call.provider_id.startswith("log-call-")


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("no_phone", "no phone number"),
        ("opted_out", "opted out"),
        ("bad_operator_phone", "not valid"),
    ],
)
def test_a_call_that_cannot_be_placed_is_refused_with_a_reason(
    engine, session: Session, setup: str, reason: str
) -> None:
    from data import contacts

    workspace = make_business(session)
    jamie = Actor.operator(make_user(session, workspace))
    operator_phone = "12" if setup == "bad_operator_phone" else OPERATOR_PHONE
    if setup == "no_phone":
        result = text_in(
            session, "hello", channel="email", sender="pat@example.com", to="hello@acme.example"
        )
    else:
        result = text_in(session, "hello")
    if setup == "opted_out":
        contacts.opt_out(session, result.contact, keyword="STOP", channel="sms", actor=jamie)
    with pytest.raises(CannotCall, match=reason):
        request_call(session, result.conversation, operator_phone, jamie)
