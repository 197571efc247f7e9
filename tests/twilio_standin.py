"""A local stand-in for the part of Twilio's REST API the pipeline sends through, for tests.

It is a real HTTP server (uvicorn + FastAPI on 127.0.0.1, in a background thread), so the
official `twilio` client runs end to end: its form encoding, HTTP Basic auth, timeouts and the
mapping of error bodies to `TwilioRestException` all behave as against api.twilio.com.

    with TwilioStandIn() as twilio_api:
        twilio_api.script(error(400, 21211, "Invalid 'To' Phone Number"), too_many())
        twilio_api.fail_for(to="+15005550009")  # unsubscribed (21610), whatever the script says
        client = client_for(twilio_api)
        client.messages.create(to="+15551230001", from_="+15557650001", body="Hi")

Two resources are served, as Twilio documents them:

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   -> 201, a Message ("SM" + 32 hex)
    POST /2010-04-01/Accounts/{AccountSid}/Calls.json      -> 201, a Call ("CA" + 32 hex)

A create is answered in this order, each step able to answer before the next:
HTTP Basic auth (401/20003) -> the account in the path (404/20404) -> missing required fields
(400) -> `max_per_second` (429/20429) -> the next scripted response -> `fail_for` rules (only
when the scripted response lets Twilio process the request) -> 201. Every request is recorded in
`requests`, rejected ones too. A slow create the client gave up on is still created when its
wait is over (as at Twilio, where a timed-out request may have gone through). Status callbacks
are never sent (the product's ingest receives those separately), but the StatusCallback URL is
recorded with the rest of the form.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
import re
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client

from tests.local_server import LocalServer

API_VERSION = "2010-04-01"
# Test credentials: shaped like real ones (AC + 32 hex, 32 hex) so format checks pass.
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fedcba9876543210" * 2
CREATE_PATH = re.compile(
    rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/(?P<resource>Messages|Calls)\.json$"
)

Resource = Literal["Messages", "Calls"]

# GSM 03.38: texts made only of these are sent 7-bit (160 a segment, 153 when concatenated);
# anything else goes UCS-2 (70, or 67). Extension characters take two septets.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"


@dataclass(frozen=True)
class Ok:
    """Let Twilio process the create: `fail_for` rules apply, otherwise 201."""


@dataclass(frozen=True)
class Error:
    """An HTTP error with Twilio's error body: code, message, more_info, status."""

    status: int
    code: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering (see `drop`)."""


@dataclass(frozen=True)
class Slow:
    """Wait, then answer with `then` (None: as `Ok`)."""

    seconds: float
    then: Ok | Error | Drop | None = None


ScriptedResponse = Ok | Error | Drop | Slow


def ok() -> Ok:
    return Ok()


def error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> Error:
    """E.g. error(400, 21211, "Invalid 'To' Phone Number"), error(400, 63016, "...")."""
    return Error(status=status, code=code, message=message, headers=headers or {})


def too_many(retry_after: float | None = None) -> Error:
    """429 with code 20429, as Twilio answers when an account goes over its API concurrency.

    Twilio does not promise a Retry-After header; give `retry_after` to send one.
    """
    headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
    return Error(status=429, code=20429, message="Too Many Requests", headers=headers)


def server_error(status: int = 500) -> Error:
    # Twilio's platform codes for these are 20000 + the HTTP status (20500, 20503).
    return Error(status=status, code=20000 + status, message=HTTPStatus(status).phrase)


def slow(seconds: float, then: Ok | Error | Drop | None = None) -> Slow:
    return Slow(seconds=seconds, then=then)


def drop() -> Drop:
    """Close the TCP connection after reading the request, without an HTTP answer.

    It closes uvicorn's transport for the connection, so the twilio client (requests) raises
    `requests.exceptions.ConnectionError` at once (RemoteDisconnected). Were the server not
    uvicorn's, it would instead hold the request unanswered until `stop()`, so a client with a
    timeout would see `requests.exceptions.ReadTimeout`.
    """
    return Drop()


def error_body(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: dict[str, list[str]]  # the form body; repeated fields (MediaUrl) keep every value
    headers: dict[str, str]
    at: float  # time.monotonic() when it arrived
    status: int | None = None  # the HTTP status answered; None while pending or when dropped
    sid: str | None = None  # the created resource's sid, for a 201

    def value(self, name: str) -> str | None:
        """The first value of a form field, or None when it was not sent."""
        values = self.form.get(name)
        return values[0] if values else None

    @property
    def resource(self) -> Resource | None:
        match = CREATE_PATH.match(self.path)
        return match["resource"] if match else None  # type: ignore[return-value]

    @property
    def status_callback(self) -> str | None:
        return self.value("StatusCallback")


@dataclass(frozen=True)
class FailRule:
    to: str
    error: Error
    resource: Resource | None  # None: Messages and Calls


@dataclass(frozen=True)
class RateViolation:
    """A create refused by `max_per_second`: `key` is the value of the `per` field."""

    per: str
    key: str
    at: float  # time.monotonic()
    limit: int


def _now_rfc2822() -> str:
    # Twilio's dates are RFC 2822 in GMT, e.g. "Thu, 24 Aug 2023 05:01:45 +0000".
    return datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def num_segments(body: str) -> int:
    """How many SMS segments Twilio bills `body` as (GSM-7 or UCS-2)."""
    if not body:
        return 1  # a media-only message is one (MMS) message
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in body):
        units = len(body) + sum(c in GSM7_EXTENSION for c in body)
        single, part = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)


def message_resource(account_sid: str, req: RecordedRequest) -> dict[str, Any]:
    """A Message as Twilio's create answers it: queued, not yet sent or priced."""
    sid = _sid("SM")
    now = _now_rfc2822()
    body = req.value("Body") or ""
    media = req.form.get("MediaUrl", [])
    service = req.value("MessagingServiceSid")
    sender = req.value("From")
    # Through a Messaging Service without a From, Twilio has not picked a sender yet: the
    # message is "accepted", from is null and num_segments is "0".
    pending_sender = service is not None and sender is None
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": sender,
        "messaging_service_sid": service,
        "num_media": str(len(media)),
        "num_segments": "0" if pending_sender else str(num_segments(body)),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if pending_sender else "queued",
        "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
        "to": req.value("To"),
        "uri": f"{uri}.json",
    }


def call_resource(account_sid: str, req: RecordedRequest) -> dict[str, Any]:
    """A Call as Twilio's create answers it: queued, not started."""
    sid = _sid("CA")
    now = _now_rfc2822()
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}"
    subresources = ("notifications", "recordings", "events", "payments", "streams", "siprec")
    return {
        "account_sid": account_sid,
        "annotation": None,
        "answered_by": None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": now,
        "date_updated": now,
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": req.value("From"),
        "from_formatted": req.value("From"),
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": None,
        "status": "queued",
        "subresource_uris": {name: f"{uri}/{name.capitalize()}.json" for name in subresources},
        "to": req.value("To"),
        "to_formatted": req.value("To"),
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


def create_problem(resource: Resource, req: RecordedRequest) -> Error | None:
    """What Twilio would refuse in this create for a missing field, or None.

    Only the required fields are checked, not number formats: use `fail_for` or `error` for
    21211 and the like. The codes follow Twilio's error dictionary; 21205 for a call without
    Url/Twiml/ApplicationSid is the least certain of them.
    """
    if resource == "Messages":
        if not req.value("To"):
            return error(400, 21604, "A 'To' phone number is required.")
        if not req.value("From") and not req.value("MessagingServiceSid"):
            return error(400, 21603, "A 'From' phone number is required.")
        if not (req.value("Body") or req.value("MediaUrl") or req.value("ContentSid")):
            return error(400, 21602, "Message body is required.")
        return None
    if not req.value("To"):
        return error(400, 21201, "No 'To' number is specified")
    if not req.value("From"):
        return error(400, 21213, "No 'From' number is specified")
    if not (req.value("Url") or req.value("Twiml") or req.value("ApplicationSid")):
        return error(400, 21205, "Url parameter is required.")
    return None


class TwilioStandIn(LocalServer):
    """Twilio's Messages and Calls create endpoints on 127.0.0.1, answering from a script."""

    name = "Twilio stand-in"

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.requests: list[RecordedRequest] = []
        self.messages: list[dict[str, Any]] = []  # the 201 bodies, in order
        self.calls: list[dict[str, Any]] = []
        self.rate_violations: list[RateViolation] = []
        self.default: Ok | Error | Drop = Ok()  # answers once the script is used up
        self._queue: deque[ScriptedResponse] = deque()
        self._rules: list[FailRule] = []
        self._rate: tuple[int, str] | None = None
        self._windows: dict[str, deque[float]] = {}
        super().__init__()
        self.app = self._make_app()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def script(self, *responses: ScriptedResponse) -> None:
        """Queue responses, consumed one per create that gets past auth, validation and rate."""
        self._queue.extend(responses)

    def fail_for(
        self,
        to: str,
        status: int = 400,
        code: int = 21610,
        message: str = "Attempt to send to unsubscribed recipient",
        resource: Resource | None = None,
    ) -> None:
        """Answer this error to every create whose To is exactly `to` (the first rule wins).

        `resource=None` covers messages and calls; an opt-out (21610) only stops messages at
        Twilio, so pass `resource="Messages"` when calls to the number should still go through.
        """
        self._rules.append(FailRule(to=to, error=error(status, code, message), resource=resource))

    def max_per_second(self, n: int | None, per: str = "From") -> None:
        """Refuse (429, code 20429) a create when n have already been let through in the last
        second for the same value of the form field `per`; each refusal goes into
        `rate_violations`. None turns the check off.

        This is a test's own bar, not Twilio's behaviour: Twilio queues messages beyond a
        sender's throughput rather than refusing them. Refused creates do not count towards
        the window, so a client that backs off for a second gets through again.
        """
        self._rate = None if n is None else (n, per)
        self._windows.clear()

    def _make_app(self) -> FastAPI:
        app = FastAPI()

        @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
        async def anything(request: Request, path: str) -> Response:
            body = (await request.body()).decode("utf-8", errors="replace")
            # Record first, so tests can inspect the requests the stand-in refused too.
            recorded = RecordedRequest(
                method=request.method,
                path=request.url.path,
                form=parse_qs(body, keep_blank_values=True),
                headers=dict(request.headers),
                at=time.monotonic(),
            )
            self.requests.append(recorded)
            response = await self._answer(request, recorded)
            if response is not None:
                recorded.status = response.status_code
            return response or Response(status_code=204)  # dropped: uvicorn sends nothing

        return app

    async def _answer(self, request: Request, req: RecordedRequest) -> Response | None:
        if not self._authenticated(req.headers.get("authorization", "")):
            return self._error(
                error(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
            )
        match = CREATE_PATH.match(req.path)
        if req.method != "POST" or match is None or match["account"] != self.account_sid:
            return self._error(
                error(404, 20404, f"The requested resource {req.path} was not found")
            )
        resource: Resource = match["resource"]  # type: ignore[assignment]
        problem = create_problem(resource, req)
        if problem is not None:
            return self._error(problem)
        if self._over_rate(req):
            return self._error(too_many())
        # Refused requests above used none of the script.
        scripted = self._queue.popleft() if self._queue else self.default
        if isinstance(scripted, Slow):
            await self._sleep(scripted.seconds)
            scripted = scripted.then or Ok()
        if isinstance(scripted, Drop):
            await self._drop(request)
            return None
        if isinstance(scripted, Error):
            return self._error(scripted)
        # A scripted error models a transient fault ahead of Twilio's processing; the rules
        # model the recipient, which Twilio looks at only when it processes the create.
        to = req.value("To")
        for rule in self._rules:
            if rule.to == to and rule.resource in (None, resource):
                return self._error(rule.error)
        if resource == "Messages":
            created = message_resource(self.account_sid, req)
            self.messages.append(created)
        else:
            created = call_resource(self.account_sid, req)
            self.calls.append(created)
        req.sid = created["sid"]
        return JSONResponse(created, status_code=201, headers=self._headers())

    def _authenticated(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return decoded == f"{self.account_sid}:{self.auth_token}"

    def _over_rate(self, req: RecordedRequest) -> bool:
        if self._rate is None:
            return False
        limit, per = self._rate
        key = req.value(per) or ""
        window = self._windows.setdefault(key, deque())
        # Handlers all run on the server's one event loop, so the window needs no lock.
        while window and req.at - window[0] >= 1.0:
            window.popleft()
        if len(window) >= limit:
            self.rate_violations.append(RateViolation(per=per, key=key, at=req.at, limit=limit))
            return True
        window.append(req.at)
        return False

    def _error(self, err: Error) -> JSONResponse:
        return JSONResponse(
            error_body(err.status, err.code, err.message),
            status_code=err.status,
            headers=self._headers() | err.headers,
        )

    @staticmethod
    def _headers() -> dict[str, str]:
        return {"Twilio-Request-Id": _sid("RQ")}

    async def _drop(self, request: Request) -> None:
        # uvicorn passes the app its RequestResponseCycle.receive; that cycle holds the
        # connection's asyncio transport. Closing it sends FIN with no HTTP answer.
        # (With uvloop the transport is uvloop's own class, not an asyncio.Transport subclass.)
        cycle = getattr(request.receive, "__self__", None)
        close = getattr(getattr(cycle, "transport", None), "close", None)
        if callable(close):
            close()
            # Let connection_lost run: uvicorn then marks the cycle disconnected and discards
            # whatever the app sends afterwards.
            for _ in range(3):
                await asyncio.sleep(0)
            return
        await self._sleep(math.inf)  # no transport to close: hold the request until stop()


class StandInHttpClient(TwilioHttpClient):
    """twilio's own requests-based HTTP client, with every URL's host swapped for the stand-in's.

    The swap happens at the last step, after `Client.get_hostname` has applied any edge or
    region, so it holds for every Twilio domain and whatever TWILIO_EDGE/TWILIO_REGION say.
    """

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url
        if self.session is not None:
            # TwilioHttpClient mounts its adapter (pool size, max_retries) for https:// only;
            # mount the same one for http:// so the stand-in gets what api.twilio.com would.
            self.session.mount("http://", self.session.get_adapter("https://"))

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        target = urlsplit(self.base_url)
        rewritten = urlsplit(url)._replace(scheme=target.scheme, netloc=target.netloc)
        return super().request(method, urlunsplit(rewritten), *args, **kwargs)


def client_for(
    standin: TwilioStandIn,
    *,
    timeout: float | None = None,
    max_retries: int | None = None,
    auth_token: str | None = None,
) -> Client:
    """The real `twilio.rest.Client`, sending to the stand-in (twilio 9.x).

    It passes `http_client=StandInHttpClient(...)`, which rewrites the host of every request,
    so `client.messages.create` and `client.calls.create` (and any other resource) reach the
    stand-in. Setting `client.api.base_url = standin.base_url` also works for both creates
    (they are on the api domain, whose base_url is read per request), but only for that
    domain, and TWILIO_EDGE/TWILIO_REGION in the environment would mangle the 127.0.0.1 host.

    `timeout` and `max_retries` go to TwilioHttpClient as in production; `auth_token` lets a
    test send wrong credentials.
    """
    http_client = StandInHttpClient(standin.base_url, timeout=timeout, max_retries=max_retries)
    token = standin.auth_token if auth_token is None else auth_token
    return Client(standin.account_sid, token, http_client=http_client)


# An explicit name, so a test module can import this under another name without ruff's F811.
@pytest.fixture(name="twilio_standin")
def twilio_standin() -> Iterator[TwilioStandIn]:
    with TwilioStandIn() as standin:
        yield standin
