"""What the widget sends and gets back: request bodies (validated, 422 with the reason) and the
public view of a message, which shows who wrote it ("visitor", "ai" or "team") and nothing
internal (no operator names, statuses or addresses)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from data.clock import iso
from data.models import Message
from data.vocab import Direction, SenderKind

#: Visitor ids are the visitor's only credential for their history, so they must be long
#: enough not to be guessed (the widget makes 128-bit ones).
VISITOR_ID_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
CLIENT_ID_PATTERN = r"^[A-Za-z0-9_.:-]{8,100}$"
MAX_BODY = 4000


class SessionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    widget_key: str = Field(min_length=1, max_length=100)
    visitor_id: str | None = Field(default=None, pattern=VISITOR_ID_PATTERN)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


class LeadFields(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)

    _blank = field_validator("name", "email", mode="before")(_blank_to_none)


class MessageRequest(LeadFields):
    body: str = Field(min_length=1, max_length=MAX_BODY)
    client_id: str = Field(pattern=CLIENT_ID_PATTERN)

    @field_validator("body")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the message is empty")
        return value


class LeadRequest(LeadFields):
    pass


def public_sender(message: Message) -> str:
    if message.direction == Direction.INBOUND:
        return "visitor"
    # Only a person's reply is the team's; everything automated is labelled as such.
    return "team" if message.sender_kind == SenderKind.OPERATOR else "ai"


def public_message(message: Message) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": message.id,
        "sender": public_sender(message),
        "body": message.body,
        "created_at": iso(message.created_at),
    }
    if message.direction == Direction.INBOUND:
        view["client_id"] = message.provider_id
    return view
