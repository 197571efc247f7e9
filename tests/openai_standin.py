"""A local stand-in for the OpenAI chat-completions API, for tests.

It is a real HTTP server (uvicorn + FastAPI on 127.0.0.1, in a background thread), so the
official `openai` client is exercised end to end: its retries, timeouts, error mapping and
`chat.completions.parse(...)` all run exactly as against the real service.

    with OpenAIStandIn() as api:
        api.script(reply_json({"intent": "booking"}), fail(500))
        client = OpenAI(base_url=api.base_url, api_key="test")

Each request takes the next scripted response; once the script is used up, `api.default`
answers. Every request body (and its headers) is recorded in `api.requests`, bad ones too.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.local_server import LocalServer

ROLES = {"system", "user", "assistant", "tool", "developer"}
# OpenAI's error `type` and `code` by status, so error bodies look like the real ones.
ERROR_TYPES = {403: "permission_error", 429: "requests"}
ERROR_CODES = {401: "invalid_api_key", 429: "rate_limit_exceeded"}


@dataclass(frozen=True)
class Reply:
    """A 200 chat.completion with one choice."""

    content: str | None
    finish_reason: str = "stop"
    refusal: str | None = None


@dataclass(frozen=True)
class Fail:
    """An HTTP error with an OpenAI-shaped error body."""

    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Slow:
    """Wait, then answer with `then` (or the stand-in's default)."""

    seconds: float
    then: Reply | Fail | None = None


Response = Reply | Fail | Slow


def reply_json(obj: Any) -> Reply:
    return Reply(content=json.dumps(obj))


def reply_text(text: str) -> Reply:
    """Raw content, for malformed or non-JSON model output."""
    return Reply(content=text)


def refusal(text: str) -> Reply:
    return Reply(content=None, refusal=text)


def truncated(obj_prefix_text: str) -> Reply:
    """The model ran out of tokens: partial content, finish_reason "length"."""
    return Reply(content=obj_prefix_text, finish_reason="length")


def slow(seconds: float, then: Reply | Fail | None = None) -> Slow:
    return Slow(seconds=seconds, then=then)


def fail(
    status: int, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> Fail:
    """An error reply; a 429 carries `retry-after: 1` (as OpenAI's do) unless headers are given."""
    if headers is None:
        headers = {"retry-after": "1"} if status == 429 else {}
    return Fail(status=status, body=body, headers=headers)


def error_body(message: str, status: int, param: str | None = None) -> dict[str, Any]:
    kind = ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {
        "error": {"message": message, "type": kind, "param": param, "code": ERROR_CODES.get(status)}
    }


@dataclass
class RecordedRequest:
    body: Any  # the parsed JSON body, or None when it was not JSON
    headers: dict[str, str]

    @property
    def model(self) -> Any:
        return self.body.get("model") if isinstance(self.body, dict) else None

    @property
    def messages(self) -> Any:
        return self.body.get("messages") if isinstance(self.body, dict) else None


def _tokens(text: str) -> int:
    # A rough count (about 4 characters a token): usage only has to be plausible and non-zero.
    return max(1, len(text) // 4)


def completion(reply: Reply, body: dict[str, Any]) -> dict[str, Any]:
    """A chat.completion with the same fields, in the same shape, as OpenAI's."""
    prompt = _tokens(json.dumps(body.get("messages")))
    answer = _tokens(reply.content or reply.refusal or "")
    message = {
        "role": "assistant",
        "content": reply.content,
        "refusal": reply.refusal,
        "annotations": [],
    }
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:29]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": message | {"annotations": []},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": answer,
            "total_tokens": prompt + answer,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
        "service_tier": "default",
        "system_fingerprint": "fp_standin",
    }


def request_problem(body: Any) -> tuple[str, str | None] | None:
    """What OpenAI would reject in this body, as (message, param), or None if it is acceptable."""
    if not isinstance(body, dict):
        return "We could not parse the JSON body of your request.", None
    if "model" not in body:
        return "you must provide a model parameter", "model"
    messages = body.get("messages")
    if messages is None:
        return "Missing required parameter: 'messages'.", "messages"
    if not isinstance(messages, list):
        return "Invalid type for 'messages': expected an array.", "messages"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m:
            return f"Missing required parameter: 'messages[{i}].role'.", f"messages[{i}]"
        if m["role"] not in ROLES:
            return (
                f"Invalid value: '{m['role']}'. Supported values are: {sorted(ROLES)}.",
                f"messages[{i}].role",
            )
        # An assistant turn that only calls tools may leave content out; everything else needs it.
        if "content" not in m and not (m["role"] == "assistant" and m.get("tool_calls")):
            return f"Missing required parameter: 'messages[{i}].content'.", f"messages[{i}].content"
    return None


class OpenAIStandIn(LocalServer):
    """`POST /v1/chat/completions` on 127.0.0.1, answering from a script."""

    name = "OpenAI stand-in"

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.default: Reply | Fail = reply_json({})
        self._queue: deque[Response] = deque()
        super().__init__()
        self.app = self._make_app()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def script(self, *responses: Response) -> None:
        """Queue responses, consumed one per request in order."""
        self._queue.extend(responses)

    def _make_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> JSONResponse:
            try:
                body: Any = await request.json()
            except ValueError:
                body = None
            # Record first, so tests can inspect requests the stand-in rejected.
            self.requests.append(RecordedRequest(body=body, headers=dict(request.headers)))
            problem = request_problem(body)
            if problem:
                return JSONResponse(error_body(problem[0], 400, problem[1]), status_code=400)
            # Only valid requests consume the script: a 400 leaves it as it was.
            response = self._queue.popleft() if self._queue else self.default
            if isinstance(response, Slow):
                await self._sleep(response.seconds)
                response = response.then or self.default
            if isinstance(response, Fail):
                content = response.body or error_body(
                    f"Scripted error {response.status}", response.status
                )
                return JSONResponse(content, status_code=response.status, headers=response.headers)
            return JSONResponse(completion(response, body))

        return app


# An explicit name, so a test module can import this under another name without ruff's F811.
@pytest.fixture(name="openai_standin")
def openai_standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandIn() as standin:
        yield standin
