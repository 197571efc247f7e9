"""Senders: one module per provider behind one small interface (`Sender.send`).

A sender either returns the provider's id for the message, or raises one of three failures
that tell dispatch what to do next:
- `Transient`: the provider certainly did not take the message (a 429, a 5xx, a refused
  connection): it is retried later, with backoff;
- `Permanent`: the provider refused it for good (unsubscribed recipient, invalid number,
  WhatsApp outside the 24-hour window): it is marked failed with a readable reason;
- `Unknown`: the provider may have taken it (the connection broke after the request was
  sent): it is never sent again automatically, a person sees it and decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from data.models import Message


@dataclass(frozen=True)
class SendResult:
    """What the provider said: its id for the message and the status it reported."""

    provider_id: str
    status: str


class SendFailure(Exception):
    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class Transient(SendFailure):
    """Not delivered to the provider; safe to try again (after `retry_after` seconds if the
    provider said so)."""

    def __init__(self, reason: str, code: str | None = None, retry_after: float | None = None):
        super().__init__(reason, code)
        self.retry_after = retry_after


class Permanent(SendFailure):
    """Refused for good. `opt_out`: the provider says the recipient unsubscribed."""

    def __init__(self, reason: str, code: str | None = None, opt_out: bool = False) -> None:
        super().__init__(reason, code)
        self.opt_out = opt_out


class Unknown(SendFailure):
    """The provider may have accepted the message: do not resend it automatically."""


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs besides the message row: threading headers for email, the
    WhatsApp template to use outside the 24-hour window, the business's display name."""

    message: Message
    business_name: str = ""
    in_reply_to: str | None = None
    references: list[str] | None = None
    reply_to: str | None = None
    #: Twilio Content API template (ContentSid and variables) for WhatsApp outside the window.
    template_sid: str | None = None
    template_variables: dict[str, str] | None = None


class Sender(Protocol):
    name: str

    def send(self, outgoing: Outgoing) -> SendResult: ...
