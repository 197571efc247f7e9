"""SMS and WhatsApp through Twilio's REST API (the official `twilio` client), and the
click-to-call call. Twilio's errors are sorted into retry, give up, or unknown fate."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import NameResolutionError, NewConnectionError

from data.settings import Settings
from data.vocab import ChannelKind, DeliveryStatus
from pipeline.senders import Outgoing, Permanent, SendResult, Transient, Unknown

log = logging.getLogger("inbox.sender.twilio")

#: Twilio error codes that will not change on a retry, with the words the console shows.
PERMANENT = {
    21610: "The customer has unsubscribed (replied STOP) on this number.",
    21211: "The phone number is not valid.",
    21614: "The number cannot receive SMS (a landline?).",
    21612: "Twilio cannot route to this number from the AI number.",
    21408: "Sending to this country is not enabled in Twilio.",
    21606: "The AI number cannot send SMS.",
    63016: "WhatsApp's 24-hour window is closed: only an approved template can be sent.",
    63003: "The WhatsApp number is not valid.",
    30007: "The carrier filtered the message as spam.",
    30006: "The number is a landline or unreachable.",
    30003: "The handset is unreachable.",
    20003: "Twilio refused the credentials (check INBOX_TWILIO_AUTH_TOKEN).",
}
OPT_OUT_CODE = 21610
#: How long a single REST call may take before its fate is unknown.
TIMEOUT_SECONDS = 15.0


class _HttpClient(TwilioHttpClient):
    """The official http client, keeping the last answer's headers (the client's exceptions
    drop them, and a 429's Retry-After matters) and optionally sending every request to
    another base URL (a stand-in or a proxy), keeping the path."""

    def __init__(self, timeout: float, base_url: str | None = None) -> None:
        super().__init__(timeout=timeout)
        self.base = urlsplit(base_url) if base_url else None
        self.last_headers: dict[str, str] = {}

    def request(self, method: str, url: str, *args: object, **kwargs: object) -> Response:
        if self.base is not None:
            url = urlsplit(url)._replace(scheme=self.base.scheme, netloc=self.base.netloc).geturl()
        self.last_headers = {}
        response = super().request(method, url, *args, **kwargs)
        self.last_headers = {k.lower(): v for k, v in dict(response.headers or {}).items()}
        return response


def build_client(settings: Settings, timeout: float = TIMEOUT_SECONDS) -> Client:
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        raise Permanent("Twilio is not configured (INBOX_TWILIO_ACCOUNT_SID / AUTH_TOKEN).")
    return Client(
        settings.twilio_account_sid,
        settings.twilio_auth_token.get_secret_value(),
        http_client=_HttpClient(timeout, settings.twilio_api_base_url),
    )


def _address(channel: str, number: str) -> str:
    return f"whatsapp:{number}" if channel == ChannelKind.WHATSAPP else number


def classify(error: Exception) -> Exception:
    """The send failure an exception from the client stands for."""
    if isinstance(error, TwilioRestException):
        code = error.code
        if error.status == 429 or code == 20429:
            return Transient("Twilio is rate-limiting.", "20429")
        if error.status >= 500:
            return Transient(f"Twilio answered {error.status}.", str(code or ""))
        reason = PERMANENT.get(code or 0, f"Twilio refused the message: {error.msg}")
        return Permanent(reason, str(code or error.status), opt_out=code == OPT_OUT_CODE)
    if isinstance(error, requests.ConnectTimeout) or _never_connected(error):
        return Transient("Could not reach Twilio.", "connection")
    if isinstance(error, requests.RequestException):
        return Unknown(
            "The connection to Twilio broke after the message was sent: it may or may not "
            "have gone out. Check with the customer before sending it again.",
            "unknown",
        )
    return error


def _never_connected(error: Exception) -> bool:
    """Whether the connection failed before the request went out (so nothing was sent). A
    connection closed after sending is also a ConnectionError, but then Twilio may have the
    message."""
    if not isinstance(error, requests.ConnectionError):
        return False
    cause = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, NewConnectionError | NameResolutionError)


class TwilioSender:
    name = "twilio"

    def __init__(self, client: Client, status_callback: str | None) -> None:
        self.client = client
        self.status_callback = status_callback
        # The library imports its REST modules on first use (~35 ms): done here, as the
        # process starts, instead of inside the first send, which reached Twilio that much
        # after its turn and the sender's next paced send less than an interval after it.
        _ = client.messages

    def send(self, outgoing: Outgoing) -> SendResult:
        message = outgoing.message
        options: dict = {
            "to": _address(message.channel, message.to_address),
            "from_": _address(message.channel, message.from_address),
        }
        if outgoing.template_sid:
            options["content_sid"] = outgoing.template_sid
            options["content_variables"] = _json(outgoing.template_variables or {})
        else:
            options["body"] = message.body
        media = [m["url"] for m in message.media if m.get("url")]
        if media:
            options["media_url"] = media
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            created = self.client.messages.create(**options)
        except Exception as error:  # sorted below; anything unexpected is re-raised
            failure = classify(error)
            if isinstance(failure, Transient):
                failure.retry_after = self._retry_after()
            raise failure from error
        return SendResult(provider_id=created.sid, status=_status(created.status))

    def _retry_after(self) -> float | None:
        """Twilio's Retry-After header on the failed answer (the exception does not carry
        headers; the http client keeps the last response)."""
        value = getattr(self.client.http_client, "last_headers", {}).get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None

    def call(self, operator: str, customer: str, from_number: str) -> str:
        """Ring `operator` from the AI number; when they answer, connect `customer`.
        Returns the CallSid. (Build the sender with the voice webhook as its callback.)"""
        twiml = (
            f'<Response><Say>Connecting you to your customer.</Say><Dial callerId="{from_number}">'
            f"<Number>{customer}</Number></Dial></Response>"
        )
        try:
            created = self.client.calls.create(
                to=operator,
                from_=from_number,
                twiml=twiml,
                **({"status_callback": self.status_callback} if self.status_callback else {}),
            )
        except Exception as error:
            raise classify(error) from error
        return created.sid


def _status(twilio_status: str | None) -> str:
    """Our status for the one Twilio gives at creation. Queued at Twilio is handed over,
    which is `sent` here (our `queued` means not yet handed over)."""
    status = (twilio_status or "").lower()
    if status in ("delivered", "read", "undelivered", "failed"):
        return status
    return DeliveryStatus.SENT


def _json(values: dict[str, str]) -> str:
    return json.dumps({str(k): str(v) for k, v in values.items()})
