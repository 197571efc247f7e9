"""The OpenAI stand-in, driven by the real `openai` client: what each scripted reply makes
the client return or raise (these are the exceptions the pipeline has to handle)."""

from __future__ import annotations

import time

import httpx
import openai
import pydantic
import pytest
from openai import OpenAI

from tests.openai_standin import (
    OpenAIStandIn,
    fail,
    refusal,
    reply_json,
    reply_text,
    slow,
    truncated,
)
from tests.openai_standin import openai_standin as openai_standin_fixture  # noqa: F401

MODEL = "gpt-4o-mini"
MESSAGES = [{"role": "system", "content": "Classify."}, {"role": "user", "content": "Table for 2?"}]


class Intent(pydantic.BaseModel):
    intent: str
    confidence: float


def client_for(standin: OpenAIStandIn, **kwargs: float) -> OpenAI:
    kwargs.setdefault("max_retries", 0)
    return OpenAI(base_url=standin.base_url, api_key="test", **kwargs)  # type: ignore[arg-type]


def parse(client: OpenAI) -> openai.types.chat.ParsedChatCompletion[Intent]:
    return client.chat.completions.parse(model=MODEL, messages=MESSAGES, response_format=Intent)


def test_parse_returns_the_scripted_json_as_the_pydantic_model(openai_standin: OpenAIStandIn):
    openai_standin.script(reply_json({"intent": "booking", "confidence": 0.9}))
    completion = parse(client_for(openai_standin))
    assert completion.choices[0].message.parsed == Intent(intent="booking", confidence=0.9)
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == MODEL and completion.id.startswith("chatcmpl-")
    assert completion.usage is not None and completion.usage.total_tokens > 0


def test_requests_are_recorded_with_model_messages_and_headers(openai_standin: OpenAIStandIn):
    openai_standin.script(reply_json({"intent": "booking", "confidence": 1}))
    parse(client_for(openai_standin))
    [request] = openai_standin.requests
    assert request.model == MODEL
    assert request.messages == MESSAGES
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.headers["authorization"] == "Bearer test"


def test_json_mode_create_returns_the_content_verbatim(openai_standin: OpenAIStandIn):
    openai_standin.script(reply_json({"a": 1}))
    completion = client_for(openai_standin).chat.completions.create(
        model=MODEL, messages=MESSAGES, response_format={"type": "json_object"}
    )
    assert completion.choices[0].message.content == '{"a": 1}'


def test_default_answers_once_the_script_is_used_up(openai_standin: OpenAIStandIn):
    openai_standin.default = reply_json({"intent": "other", "confidence": 0.1})
    openai_standin.script(reply_json({"intent": "booking", "confidence": 0.9}))
    client = client_for(openai_standin)
    assert parse(client).choices[0].message.parsed.intent == "booking"
    assert parse(client).choices[0].message.parsed.intent == "other"
    assert parse(client).choices[0].message.parsed.intent == "other"


def test_slow_reply_makes_the_client_time_out(openai_standin: OpenAIStandIn):
    openai_standin.script(slow(5, then=reply_json({"intent": "late", "confidence": 1})))
    with pytest.raises(openai.APITimeoutError):
        parse(client_for(openai_standin, timeout=0.5))


def test_leaving_the_context_stops_promptly_despite_an_abandoned_slow_reply():
    with OpenAIStandIn() as standin:
        standin.script(slow(30))
        with pytest.raises(openai.APITimeoutError):
            parse(client_for(standin, timeout=0.3))
        started = time.monotonic()
    assert time.monotonic() - started < 2
    with pytest.raises(httpx.ConnectError):
        httpx.post(f"{standin.base_url}/chat/completions", json={})


def test_server_error_raises_internal_server_error(openai_standin: OpenAIStandIn):
    openai_standin.script(fail(500))
    with pytest.raises(openai.InternalServerError) as raised:
        parse(client_for(openai_standin))
    assert raised.value.status_code == 500
    assert set(raised.value.body) == {"message", "type", "param", "code"}  # the "error" object


def test_server_error_is_retried_and_the_next_reply_succeeds(openai_standin: OpenAIStandIn):
    # retry-after-ms keeps the client's back-off (about half a second) out of the test's time.
    openai_standin.script(
        fail(500, headers={"retry-after-ms": "10"}),
        reply_json({"intent": "booking", "confidence": 0.5}),
    )
    completion = parse(client_for(openai_standin, max_retries=1))
    assert completion.choices[0].message.parsed.intent == "booking"
    assert len(openai_standin.requests) == 2


def test_rate_limit_raises_rate_limit_error_with_retry_after(openai_standin: OpenAIStandIn):
    openai_standin.script(fail(429))
    with pytest.raises(openai.RateLimitError) as raised:
        parse(client_for(openai_standin))
    assert raised.value.response.headers["retry-after"] == "1"
    assert raised.value.code == "rate_limit_exceeded"


def test_bad_api_key_raises_authentication_error(openai_standin: OpenAIStandIn):
    openai_standin.script(fail(401))
    with pytest.raises(openai.AuthenticationError):
        parse(client_for(openai_standin))


def test_request_without_messages_gets_bad_request(openai_standin: OpenAIStandIn):
    openai_standin.script(reply_json({"kept": True}))
    client = client_for(openai_standin)
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=MODEL, messages=openai.omit)
    assert raised.value.param == "messages"
    assert openai_standin.requests[0].body == {"model": MODEL}  # recorded all the same
    # The rejected request used none of the script.
    assert client.chat.completions.create(model=MODEL, messages=MESSAGES).choices[0].message.content
    assert openai_standin.requests[1].messages == MESSAGES


def test_unknown_role_gets_bad_request(openai_standin: OpenAIStandIn):
    with pytest.raises(openai.BadRequestError):
        client_for(openai_standin).chat.completions.create(
            model=MODEL,
            messages=[{"role": "robot", "content": "hi"}],  # type: ignore[list-item]
        )


def test_non_json_content_raises_pydantic_validation_error(openai_standin: OpenAIStandIn):
    # openai 3.x validates the content with pydantic and lets its ValidationError through.
    openai_standin.script(reply_text("not json"))
    with pytest.raises(pydantic.ValidationError, match="Invalid JSON"):
        parse(client_for(openai_standin))


def test_json_that_breaks_the_schema_is_returned_and_fails_validation(
    openai_standin: OpenAIStandIn,
):
    openai_standin.script(reply_json({"intent": "booking"}))  # confidence missing
    with pytest.raises(pydantic.ValidationError, match="confidence"):
        parse(client_for(openai_standin))


def test_truncated_reply_raises_length_finish_reason_error(openai_standin: OpenAIStandIn):
    openai_standin.script(truncated('{"intent": "boo'))
    with pytest.raises(openai.LengthFinishReasonError) as raised:
        parse(client_for(openai_standin))
    assert raised.value.completion.choices[0].message.content == '{"intent": "boo'


def test_refusal_leaves_parsed_empty_and_sets_refusal(openai_standin: OpenAIStandIn):
    openai_standin.script(refusal("I can't help with that."))
    message = parse(client_for(openai_standin)).choices[0].message
    assert message.parsed is None and message.content is None
    assert message.refusal == "I can't help with that."
