"""Web chat: the widget's channel and origins, a visitor's contact and the messages of their
conversation that the widget may show, read after a cursor, and the lead form's details.

A visitor is known only by the visitor id their browser keeps; everything here that reads or
writes for a visitor is scoped by workspace and visitor id, never by an email the visitor typed
(anyone can type anyone's email).
"""

from __future__ import annotations

import html
import re
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, and_, col, or_, select

from data import contacts, events, workspaces
from data.clock import as_utc, utcnow
from data.events import Actor
from data.models import Channel, Contact, Message, Workspace
from data.settings import get_settings
from data.vocab import ChannelKind, DeliveryStatus, Direction, EventKind, Provider

#: Outbound statuses the visitor sees: everything written for them except what failed or what
#: a person must look at first (`unknown`: an interrupted send).
VISIBLE_OUTBOUND = (
    DeliveryStatus.QUEUED,
    DeliveryStatus.SENDING,
    DeliveryStatus.SENT,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
)

#: How long a message may take from its row being written to its transaction committing. Ids
#: are handed out before commit, so a row can become visible after a higher id already was
#: (two writers on PostgreSQL): the cursor only moves past rows older than this.
SETTLE = timedelta(seconds=60)


def widget_channel(session: Session, widget_key: str) -> Channel | None:
    """The active web-chat channel with this widget key."""
    return workspaces.route_inbound(session, ChannelKind.WEBCHAT, widget_key or "")


def first_widget(session: Session) -> Channel | None:
    """The installation's first active web-chat channel (the demo page embeds it)."""
    return session.exec(
        select(Channel)
        .where(Channel.kind == ChannelKind.WEBCHAT, col(Channel.active).is_(True))
        .order_by(col(Channel.id))
    ).first()


def _origin(value: str) -> str:
    return value.strip().rstrip("/").lower()


def allowed_origins(channel: Channel) -> list[str]:
    """The page origins (scheme://host[:port]) the channel's widget may be used from."""
    configured = channel.config.get("allowed_origins") or []
    if isinstance(configured, str):
        configured = [configured]
    return [_origin(o) for o in configured if isinstance(o, str) and o.strip()]


def origin_allowed(channel: Channel, origin: str) -> bool:
    """Whether a page at `origin` may use this widget (exact origin match)."""
    return _origin(origin) in allowed_origins(channel)


_ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$")


def inbox_url() -> str:
    """Where websites load the widget from: INBOX_PUBLIC_URL, else ingest's own address."""
    settings = get_settings()
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{settings.ingest_host}:{settings.ingest_port}"


def embed_snippet(widget_key: str, base_url: str | None = None) -> str:
    """The one line a website pastes to show the chat widget (README, "Web chat")."""
    src = html.escape(f"{(base_url or inbox_url()).rstrip('/')}/widget.js")
    return f'<script src="{src}" data-widget-key="{html.escape(widget_key)}" async></script>'


def clean_origins(origins: list[str]) -> list[str]:
    """Website origins as the widget checks them ("https://www.example.com", no path);
    anything else is refused with the reason."""
    clean: list[str] = []
    for value in origins:
        origin = _origin(value)
        if not origin:
            continue
        if not _ORIGIN.match(origin):
            raise workspaces.InvalidSetting(
                f"{value.strip()!r} is not a website origin: write it like "
                "https://www.example.com (no path)."
            )
        if origin not in clean:
            clean.append(origin)
    return clean


def create_widget(
    session: Session, workspace: Workspace, origins: list[str], actor: Actor
) -> Channel:
    """A web-chat channel with a new, random widget key, usable from `origins`."""
    allowed = clean_origins(origins)
    channel = workspaces.add_channel(
        session,
        workspace,
        ChannelKind.WEBCHAT,
        f"wk_{secrets.token_urlsafe(16)}",
        Provider.WIDGET,
        "Website chat",
        {"allowed_origins": allowed},
    )
    events.record(
        session,
        workspace.id,
        EventKind.SETTINGS_CHANGED,
        actor,
        data={"channel": ChannelKind.WEBCHAT, "to": channel.address, "allowed_origins": allowed},
    )
    return channel


def set_allowed_origins(
    session: Session, channel: Channel, origins: list[str], actor: Actor
) -> bool:
    """Which websites may use the widget; returns whether anything changed."""
    if channel.kind != ChannelKind.WEBCHAT:
        raise workspaces.InvalidSetting("Only a web-chat widget has allowed websites.")
    before = allowed_origins(channel)
    allowed = clean_origins(origins)
    if allowed == before:
        return False
    # A new dict, so the JSON column is seen as changed.
    channel.config = {**channel.config, "allowed_origins": allowed}
    session.add(channel)
    events.record(
        session,
        channel.workspace_id,
        EventKind.SETTINGS_CHANGED,
        actor,
        data={
            "channel": ChannelKind.WEBCHAT,
            "widget_key": channel.address,
            "allowed_origins": {"from": before, "to": allowed},
        },
    )
    return True


def any_widget_allows(session: Session, origin: str) -> bool:
    """Whether any active widget may be used from `origin`: all a CORS preflight can check,
    since it carries neither the widget key nor the visitor's token."""
    active = session.exec(
        select(Channel).where(Channel.kind == ChannelKind.WEBCHAT, col(Channel.active).is_(True))
    )
    return any(origin_allowed(channel, origin) for channel in active)


def visitor_contact(session: Session, workspace_id: int, visitor_id: str) -> Contact | None:
    return contacts.by_address(session, workspace_id, "visitor_id", visitor_id)


def lead_email_usable(session: Session, workspace_id: int, visitor_id: str, email: str) -> bool:
    """Whether a lead-form email may be attached to this visitor's contact: when no other
    contact has it. Typing a known customer's email must not join their contact (and give the
    AI their history), so such an email is kept on the message instead."""
    owner = contacts.by_address(session, workspace_id, "email", email)
    return owner is None or owner.visitor_id == visitor_id


def capture_lead(
    session: Session,
    workspace_id: int,
    visitor_id: str,
    name: str | None,
    email: str | None,
    conversation_id: int | None = None,
) -> tuple[Contact, dict[str, str]]:
    """Fill the visitor's contact's missing name and email from the lead form (the contact is
    created if the visitor has not written yet); `email` is already normalised. A visitor never
    overwrites known details. One contact_updated Event records what was filled and, when it
    differs, what the visitor typed, so an email that belongs to another contact is not lost
    to the operators. Returns the contact and what was filled."""
    contact = visitor_contact(session, workspace_id, visitor_id)
    if contact is None:
        contact, _ = contacts.find_or_create(session, workspace_id, visitor_id=visitor_id)
    submitted = {field: value for field, value in (("name", name), ("email", email)) if value}
    filled = {
        field: value
        for field, value in submitted.items()
        if not getattr(contact, field)
        and (field != "email" or lead_email_usable(session, workspace_id, visitor_id, value))
    }
    unapplied = {
        field: value
        for field, value in submitted.items()
        if field not in filled and getattr(contact, field) != value
    }
    if not (filled or unapplied):
        return contact, filled
    for field, value in filled.items():
        setattr(contact, field, value)
    contact.updated_at = utcnow()
    session.add(contact)
    data: dict[str, object] = {
        "source": "webchat_lead_form",
        "changes": {field: {"from": None, "to": value} for field, value in filled.items()},
    }
    if unapplied:
        data["not_applied"] = unapplied
    events.record(
        session,
        workspace_id,
        EventKind.CONTACT_UPDATED,
        Actor.customer(),
        contact_id=contact.id,
        conversation_id=conversation_id,
        data=data,
    )
    return contact, filled


def visitor_messages(
    session: Session,
    workspace_id: int,
    visitor_id: str,
    *,
    after_id: int = 0,
    limit: int = 100,
    latest: bool = False,
) -> list[Message]:
    """The visitor's web-chat messages with id above `after_id`: what they wrote and the
    business's replies addressed to them that are not failed. Oldest first; with `latest`,
    the newest `limit` of them (history), otherwise the first `limit` after the cursor."""
    contact = visitor_contact(session, workspace_id, visitor_id)
    if contact is None:
        return []
    query = select(Message).where(
        Message.workspace_id == workspace_id,
        Message.contact_id == contact.id,
        Message.channel == ChannelKind.WEBCHAT,
        col(Message.id) > after_id,
        # Addresses too, so a contact that ever held two visitors shows each only their own.
        or_(
            and_(Message.direction == Direction.INBOUND, Message.from_address == visitor_id),
            and_(
                Message.direction == Direction.OUTBOUND,
                Message.to_address == visitor_id,
                col(Message.status).in_([str(s) for s in VISIBLE_OUTBOUND]),
            ),
        ),
    )
    order = col(Message.id).desc() if latest else col(Message.id)
    rows = list(session.exec(query.order_by(order).limit(max(1, min(limit, 500)))))
    return sorted(rows, key=lambda m: m.id) if latest else rows


def next_cursor(
    messages: list[Message], after_id: int, *, latest: bool = False, now: datetime | None = None
) -> int:
    """Where the next read starts: past every returned row older than SETTLE, never past a
    newer one, so a row committed late with a lower id is still found. Readers therefore see
    recent rows again and drop the ones they have (by id). For history (`latest`), the rows
    before the oldest one returned are not wanted either."""
    settled_before = (now or utcnow()) - SETTLE
    settled = [m.id for m in messages if as_utc(m.created_at) < settled_before]
    if settled:
        return max(after_id, *settled)
    if latest and messages:
        return max(after_id, min(m.id for m in messages) - 1)
    return after_id
