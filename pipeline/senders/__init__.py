"""Senders: one module per provider behind one small interface (`Sender.send`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from data.models import Message


@dataclass(frozen=True)
class SendResult:
    """What the provider said: its id for the message and the status it reported."""

    provider_id: str
    status: str


class Sender(Protocol):
    name: str

    def send(self, message: Message) -> SendResult: ...
