"""The Twilio stand-in, driven by the real `twilio` client: what each scripted answer makes
`client.messages.create` / `client.calls.create` return or raise (these are the exceptions the
dispatcher has to handle)."""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.twilio_standin import (
    TwilioStandIn,
    client_for,
    drop,
    error,
    num_segments,
    ok,
    server_error,
    slow,
    too_many,
)
from tests.twilio_standin import twilio_standin as twilio_standin_fixture  # noqa: F401

CUSTOMER = "+15551230001"
BUSINESS = "+15557650001"
CALLBACK = "https://inbox.example.com/webhooks/twilio/status"
TWIML = "<Response><Dial>+15557650002</Dial></Response>"


def send(client: Client, to: str = CUSTOMER, from_: str = BUSINESS, body: str = "Hi"):
    return client.messages.create(to=to, from_=from_, body=body)


def test_message_create_returns_a_queued_message_and_records_the_form(
    twilio_standin: TwilioStandIn,
):
    media = ["https://cdn.example.com/a.jpg", "https://cdn.example.com/b.pdf"]
    message = client_for(twilio_standin).messages.create(
        to=CUSTOMER,
        from_=BUSINESS,
        body="Your table is booked",
        media_url=media,
        status_callback=CALLBACK,
    )
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert message.status == "queued" and message.direction == "outbound-api"
    assert message.to == CUSTOMER and message.from_ == BUSINESS
    assert message.account_sid == twilio_standin.account_sid
    assert message.num_segments == "1" and message.num_media == "2"
    assert message.price is None and message.error_code is None
    assert message.date_created is not None  # the client parsed the RFC 2822 date
    [request] = twilio_standin.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{twilio_standin.account_sid}/Messages.json"
    assert request.form["To"] == [CUSTOMER] and request.form["From"] == [BUSINESS]
    assert request.value("Body") == "Your table is booked"
    assert request.form["MediaUrl"] == media  # repeated, in order
    assert request.status_callback == CALLBACK
    assert request.status == 201 and request.sid == message.sid
    assert [m["sid"] for m in twilio_standin.messages] == [message.sid]
    assert twilio_standin.calls == []


def test_the_created_message_has_twilio_field_shapes(twilio_standin: TwilioStandIn):
    send(client_for(twilio_standin))
    [created] = twilio_standin.messages
    assert parsedate_to_datetime(created["date_created"]).utcoffset().total_seconds() == 0
    assert created["uri"] == (
        f"/2010-04-01/Accounts/{twilio_standin.account_sid}/Messages/{created['sid']}.json"
    )
    assert created["api_version"] == "2010-04-01" and created["price_unit"] == "USD"


def test_whatsapp_through_a_messaging_service_is_accepted_without_a_sender_yet(
    twilio_standin: TwilioStandIn,
):
    message = client_for(twilio_standin).messages.create(
        to=f"whatsapp:{CUSTOMER}",
        messaging_service_sid="MG" + "1" * 32,
        content_sid="HX" + "2" * 32,
        content_variables='{"1": "Friday"}',
    )
    assert message.status == "accepted" and message.from_ is None
    assert message.num_segments == "0"
    [request] = twilio_standin.requests
    assert request.value("To") == f"whatsapp:{CUSTOMER}"
    assert request.value("ContentVariables") == '{"1": "Friday"}'


def test_segments_are_counted_as_gsm7_or_ucs2():
    assert num_segments("a" * 160) == 1 and num_segments("a" * 161) == 2
    assert num_segments("€" * 80) == 1 and num_segments("€" * 81) == 2  # two septets each
    assert num_segments("é" * 160) == 1  # é is in GSM-7's basic set
    assert num_segments("ą" * 70) == 1 and num_segments("ą" * 71) == 2  # UCS-2
    assert num_segments("🙂" * 35) == 1 and num_segments("🙂" * 36) == 2  # surrogate pairs


def test_call_create_with_twiml_is_queued_and_recorded(twilio_standin: TwilioStandIn):
    call = client_for(twilio_standin).calls.create(
        to=CUSTOMER,
        from_=BUSINESS,
        twiml=TWIML,
        status_callback=CALLBACK,
        status_callback_event=["initiated", "answered", "completed"],
    )
    assert re.fullmatch(r"CA[0-9a-f]{32}", call.sid)
    assert call.status == "queued" and call.direction == "outbound-api"
    [request] = twilio_standin.requests
    assert request.path.endswith("/Calls.json") and request.resource == "Calls"
    assert request.value("Twiml") == TWIML and request.value("Url") is None
    assert request.form["StatusCallbackEvent"] == ["initiated", "answered", "completed"]
    assert request.status_callback == CALLBACK
    assert [c["sid"] for c in twilio_standin.calls] == [call.sid]
    assert twilio_standin.messages == []


def test_scripted_unsubscribed_error_raises_with_twilio_code(twilio_standin: TwilioStandIn):
    twilio_standin.script(error(400, 21610, "Attempt to send to unsubscribed recipient"))
    client = client_for(twilio_standin)
    with pytest.raises(TwilioRestException) as raised:
        send(client)
    assert raised.value.status == 400 and raised.value.code == 21610
    assert raised.value.msg == "Unable to create record: Attempt to send to unsubscribed recipient"
    assert raised.value.method == "POST"
    assert twilio_standin.messages == []
    send(client)  # the script is used up: success again
    assert len(twilio_standin.messages) == 1


def test_too_many_requests_raises_20429_and_the_client_does_not_retry(
    twilio_standin: TwilioStandIn,
):
    # Even with max_retries and a Retry-After header: urllib3 never retries a POST.
    twilio_standin.script(too_many(retry_after=1))
    with pytest.raises(TwilioRestException) as raised:
        send(client_for(twilio_standin, max_retries=3))
    assert raised.value.status == 429 and raised.value.code == 20429
    assert len(twilio_standin.requests) == 1


def test_server_error_raises_with_status_500(twilio_standin: TwilioStandIn):
    twilio_standin.script(server_error())
    with pytest.raises(TwilioRestException) as raised:
        client_for(twilio_standin).calls.create(to=CUSTOMER, from_=BUSINESS, twiml=TWIML)
    assert raised.value.status == 500 and raised.value.code == 20500
    assert twilio_standin.calls == []


def test_slow_answer_makes_the_client_time_out_with_requests_read_timeout(
    twilio_standin: TwilioStandIn,
):
    # twilio's http client does not wrap requests' exceptions: the dispatcher sees them as is.
    twilio_standin.script(slow(5))
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        send(client_for(twilio_standin, timeout=0.3))
    assert time.monotonic() - started < 2
    assert twilio_standin.requests[0].status is None  # still pending at the stand-in


def test_slow_answer_within_the_timeout_succeeds(twilio_standin: TwilioStandIn):
    twilio_standin.script(slow(0.1, then=ok()))
    assert send(client_for(twilio_standin, timeout=2)).status == "queued"


def test_dropped_connection_raises_requests_connection_error(twilio_standin: TwilioStandIn):
    twilio_standin.script(drop())
    client = client_for(twilio_standin)
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        send(client)
    assert not isinstance(raised.value, requests.exceptions.Timeout)  # closed, not held open
    assert twilio_standin.requests[0].status is None and twilio_standin.messages == []
    assert send(client).status == "queued"  # the client reconnects for the next create


def test_leaving_the_context_stops_promptly_despite_an_abandoned_slow_answer():
    with TwilioStandIn() as standin:
        standin.script(slow(30))
        with pytest.raises(requests.exceptions.ReadTimeout):
            send(client_for(standin, timeout=0.2))
        started = time.monotonic()
    assert time.monotonic() - started < 2
    with pytest.raises(requests.exceptions.ConnectionError):
        send(client_for(standin))


def test_wrong_credentials_get_401_with_code_20003(twilio_standin: TwilioStandIn):
    twilio_standin.script(error(400, 21211, "Invalid 'To' Phone Number"))
    with pytest.raises(TwilioRestException) as raised:
        send(client_for(twilio_standin, auth_token="not-the-token"))
    assert raised.value.status == 401 and raised.value.code == 20003
    assert twilio_standin.requests[0].status == 401
    # The refused request used none of the script.
    with pytest.raises(TwilioRestException) as raised:
        send(client_for(twilio_standin))
    assert raised.value.code == 21211


def test_missing_required_fields_get_twilio_400s(twilio_standin: TwilioStandIn):
    client = client_for(twilio_standin)
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=CUSTOMER, from_=BUSINESS)
    assert raised.value.code == 21602
    with pytest.raises(TwilioRestException) as raised:
        client.calls.create(to=CUSTOMER, from_=BUSINESS)
    assert raised.value.code == 21205


def test_fail_for_answers_the_recipients_error_to_every_create(twilio_standin: TwilioStandIn):
    twilio_standin.fail_for(to="+15005550009")  # unsubscribed: 21610
    twilio_standin.fail_for(to="+15005550001", code=21211, message="Invalid 'To' Phone Number")
    client = client_for(twilio_standin)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            send(client, to="+15005550009")
        assert (raised.value.status, raised.value.code) == (400, 21610)
    with pytest.raises(TwilioRestException) as raised:
        client.calls.create(to="+15005550001", from_=BUSINESS, twiml=TWIML)
    assert raised.value.code == 21211
    assert send(client, to=CUSTOMER).status == "queued"
    assert [m["to"] for m in twilio_standin.messages] == [CUSTOMER]


def test_fail_for_can_be_limited_to_messages(twilio_standin: TwilioStandIn):
    twilio_standin.fail_for(
        to=f"whatsapp:{CUSTOMER}",
        code=63016,
        message="Failed to send freeform message because you are outside the allowed window.",
        resource="Messages",
    )
    twilio_standin.fail_for(to=CUSTOMER, resource="Messages")
    client = client_for(twilio_standin)
    with pytest.raises(TwilioRestException) as raised:
        send(client, to=f"whatsapp:{CUSTOMER}", from_=f"whatsapp:{BUSINESS}")
    assert raised.value.code == 63016
    assert client.calls.create(to=CUSTOMER, from_=BUSINESS, twiml=TWIML).status == "queued"


def test_a_scripted_error_comes_before_the_recipient_rules(twilio_standin: TwilioStandIn):
    twilio_standin.fail_for(to=CUSTOMER)
    twilio_standin.script(server_error(503), ok())
    client = client_for(twilio_standin)
    codes = []
    for _ in range(3):
        with pytest.raises(TwilioRestException) as raised:
            send(client)
        codes.append(raised.value.code)
    assert codes == [20503, 21610, 21610]


def test_max_per_second_refuses_and_records_creates_over_the_limit(
    twilio_standin: TwilioStandIn,
):
    twilio_standin.max_per_second(2, per="From")
    client = client_for(twilio_standin)
    send(client)
    send(client)
    send(client, from_="+15557650009")  # another sender has its own window
    with pytest.raises(TwilioRestException) as raised:
        send(client)
    assert (raised.value.status, raised.value.code) == (429, 20429)
    [violation] = twilio_standin.rate_violations
    assert (violation.per, violation.key, violation.limit) == ("From", BUSINESS, 2)
    assert violation.at == twilio_standin.requests[-1].at
    time.sleep(1.05)  # the window has moved on
    assert send(client).status == "queued"
    assert len(twilio_standin.rate_violations) == 1


def test_creates_spaced_out_under_the_limit_are_never_refused(twilio_standin: TwilioStandIn):
    twilio_standin.max_per_second(10)
    client = client_for(twilio_standin)
    for _ in range(12):
        send(client)
        time.sleep(0.11)
    assert twilio_standin.rate_violations == [] and len(twilio_standin.messages) == 12


def test_other_resources_are_not_served(twilio_standin: TwilioStandIn):
    sid = send(client_for(twilio_standin)).sid
    with pytest.raises(TwilioRestException) as raised:
        client_for(twilio_standin).messages(sid).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert twilio_standin.requests[-1].method == "GET"


def test_setting_the_api_domain_base_url_also_reaches_the_stand_in(
    twilio_standin: TwilioStandIn,
):
    client = Client(twilio_standin.account_sid, twilio_standin.auth_token)
    client.api.base_url = twilio_standin.base_url
    assert send(client).sid.startswith("SM")
    assert client.calls.create(to=CUSTOMER, from_=BUSINESS, url=CALLBACK).sid.startswith("CA")
