"""The simulator's shared types: the channels, the workspace addresses it sends to, the
credentials it signs with, one ready-to-send request, and resolving a channel to its address."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CHANNELS = ("sms", "whatsapp", "email", "webchat", "voice")


@dataclass(frozen=True)
class SimulationTargets:
    """The workspace addresses webhooks are sent *to* (read from the database by the CLI)."""

    sms_number: str | None
    whatsapp_number: str | None
    email_address: str | None
    widget_key: str | None

    @classmethod
    def from_channels(cls, channels: Iterable[Any]) -> SimulationTargets:
        """The targets of a workspace's active channels (rows with kind, address, active)."""
        addresses = {c.kind: c.address for c in channels if c.active}
        return cls(
            sms_number=addresses.get("sms"),
            whatsapp_number=addresses.get("whatsapp"),
            email_address=addresses.get("email"),
            widget_key=addresses.get("webchat"),
        )


@dataclass(frozen=True)
class SimulationSecrets:
    """The provider credentials the simulator signs with (the same ones the ingest verifies)."""

    twilio_account_sid: str
    twilio_auth_token: str | None
    mailgun_signing_key: str | None
    webhook_secret: str | None


@dataclass
class SimRequest:
    """One simulated provider request, ready to send.

    Exactly one of ``data`` (url-encoded form), ``json`` or ``files`` (multipart, sent together
    with ``data``) carries the body. A web chat message also carries ``session``: the request
    that opens the visitor's chat session, sent first unless the runner already holds a token
    for ``session_key``; its JSON ``token`` goes into the message's ``Authorization`` header.
    """

    channel: str
    method: str
    url: str
    headers: dict[str, str]
    provider_id: str
    data: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    session: SimRequest | None = None
    session_key: str | None = None


_TARGET_FIELDS = {
    "sms": ("sms_number", "SMS number"),
    "whatsapp": ("whatsapp_number", "WhatsApp number"),
    "email": ("email_address", "inbound email address"),
    "webchat": ("widget_key", "web chat widget key"),
    "voice": ("sms_number", "phone number (voice uses the SMS number)"),
}


def _require_target(channel: str, targets: SimulationTargets) -> str:
    if channel not in _TARGET_FIELDS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
    attr, label = _TARGET_FIELDS[channel]
    value = getattr(targets, attr)
    if value is None:
        raise ValueError(
            f"cannot simulate {channel}: the workspace has no {label} (targets.{attr} is None)"
        )
    return value


def _available_channels(targets: SimulationTargets) -> list[str]:
    return [ch for ch in CHANNELS if getattr(targets, _TARGET_FIELDS[ch][0]) is not None]
