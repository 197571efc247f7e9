"""Visitor tokens: what a widget presents on every call after opening a session. A token binds
the workspace, the widget key and the visitor id, is signed with the installation's secret
(INBOX_SECRET_KEY, or the generated one every worker reads from the database) and expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session

from data.clock import utcnow
from data.settings import get_settings
from data.webhooks import instance_secret

TOKEN_TTL = timedelta(days=30)
SECRET_NAME = "webchat_visitor_tokens"
#: Separates these signatures from anything else signed with the same secret.
SALT = "inbox.webchat.visitor.v1"


class InvalidToken(Exception):
    """Forged, tampered, expired or malformed; the message says which, for the logs."""


@dataclass(frozen=True)
class Visitor:
    workspace_id: int
    widget_key: str
    visitor_id: str


def signing_secret(session: Session) -> str:
    configured = get_settings().secret_key
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    return instance_secret(session, SECRET_NAME)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def issue(secret: str, visitor: Visitor) -> tuple[str, datetime]:
    """A token for `visitor` and when it expires."""
    payload = {"w": visitor.workspace_id, "k": visitor.widget_key, "v": visitor.visitor_id}
    return _serializer(secret).dumps(payload), utcnow() + TOKEN_TTL


def verify(secret: str, token: str) -> Visitor:
    """The visitor a token was issued to; InvalidToken if it was not issued here or expired."""
    try:
        payload = _serializer(secret).loads(token, max_age=int(TOKEN_TTL.total_seconds()))
    except BadData as exc:
        raise InvalidToken(type(exc).__name__) from exc
    if not isinstance(payload, dict):
        raise InvalidToken("payload is not an object")
    workspace_id, widget_key, visitor_id = payload.get("w"), payload.get("k"), payload.get("v")
    if not (
        isinstance(workspace_id, int)
        and isinstance(widget_key, str)
        and isinstance(visitor_id, str)
    ):
        raise InvalidToken("payload fields missing")
    return Visitor(workspace_id, widget_key, visitor_id)
