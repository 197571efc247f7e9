"""Hand-made analytics data: a workspace in Chicago open Monday to Friday 08:00-18:00, and
contacts, conversations, messages and events written as rows with explicit times given in
that zone, so that every figure of the dashboard can be worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from data import workspaces
from data.analytics.period import Period
from data.analytics.snapshot import Snapshot
from data.models import Contact, Conversation, Event, Message

ZONE = "America/Chicago"
OPEN_8_TO_6 = {
    **{day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [],
    "sun": [],
}


def at(text: str | datetime) -> datetime:
    """'2025-03-10 20:00', read as Chicago wall-clock time, as aware UTC (a datetime is
    taken as it is)."""
    if isinstance(text, datetime):
        return text
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def day(text: str) -> date:
    return date.fromisoformat(text)


class Rows:
    """Writes one workspace's rows; every time is local (Chicago) wall-clock text."""

    def __init__(self, session: Session, slug: str = "acme", **settings: Any) -> None:
        self.session = session
        settings = {"timezone": ZONE, "business_hours": OPEN_8_TO_6, **settings}
        self.workspace = workspaces.create(session, slug, f"{slug.title()} Plumbing", **settings)

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def contact(
        self, created: str | datetime, status: str = "new", temperature: str = "cool", **fields: Any
    ) -> Contact:
        return self._add(
            Contact(
                workspace_id=self.workspace.id,
                created_at=at(created),
                updated_at=at(created),
                lead_status=status,
                lead_temperature=temperature,
                **fields,
            )
        )

    def conversation(
        self, contact: Contact, channel: str, created: str | datetime, **fields: Any
    ) -> Conversation:
        return self._add(
            Conversation(
                workspace_id=self.workspace.id,
                contact_id=contact.id,
                channel=channel,
                created_at=at(created),
                last_message_at=at(created),
                **fields,
            )
        )

    def message(
        self,
        conversation: Conversation,
        when: str | datetime,
        sender: str = "customer",
        *,
        channel: str | None = None,
        status: str | None = None,
        purpose: str | None = None,
        **fields: Any,
    ) -> Message:
        """A customer's message (inbound), or a reply by `sender` (ai, operator, automation)."""
        inbound = sender == "customer"
        return self._add(
            Message(
                workspace_id=self.workspace.id,
                conversation_id=conversation.id,
                contact_id=conversation.contact_id,
                channel=channel or conversation.channel,
                direction="inbound" if inbound else "outbound",
                sender_kind=sender,
                body=f"{sender} at {when}",
                status=status or ("received" if inbound else "sent"),
                meta={"purpose": purpose} if purpose else {},
                created_at=at(when),
                **fields,
            )
        )

    def event(
        self,
        kind: str,
        when: str | datetime,
        *,
        conversation: Conversation | None = None,
        contact: Contact | None = None,
        actor: str = "system",
        **data: Any,
    ) -> Event:
        contact_id = contact.id if contact else conversation.contact_id if conversation else None
        return self._add(
            Event(
                workspace_id=self.workspace.id,
                conversation_id=conversation.id if conversation else None,
                contact_id=contact_id,
                kind=kind,
                actor_kind=actor,
                data={key.rstrip("_"): value for key, value in data.items()},
                created_at=at(when),
            )
        )

    def period(
        self, first: str, last: str, channel: str | None = None, grain: str = "day"
    ) -> Period:
        return Period.of(self.workspace, day(first), day(last), channel, grain)


def snapshot(engine: Engine) -> duckdb.DuckDBPyConnection:
    """A fresh snapshot of the test database (its own, not the process's cached one)."""
    return Snapshot(engine).fresh()


def records(frame: pd.DataFrame) -> list[tuple]:
    """A frame's rows as plain tuples (dates as ISO text, NaN as None), for exact asserts."""

    def plain(value: Any) -> Any:
        if value is None or (isinstance(value, float) and value != value):
            return None
        if isinstance(value, datetime) and value.time() == datetime.min.time():
            return value.date().isoformat()
        if isinstance(value, datetime | date):
            return value.isoformat()
        if hasattr(value, "item"):
            return plain(value.item())
        return value

    return [tuple(plain(v) for v in row) for row in frame.itertuples(index=False)]
