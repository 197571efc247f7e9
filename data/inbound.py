"""Storing an inbound message: route by the address it was sent to, deduplicate on the
provider's id, find or create the contact and conversation, and apply STOP/START/HELP, all in
the caller's one transaction (ingest commits, then answers 2xx)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam
from sqlmodel import Session, col, select

from data import contacts, conversations, db, events, outbox, workspaces
from data.clock import utcnow
from data.events import Actor
from data.keywords import Keyword, classify
from data.models import Channel, Contact, Conversation, Message, Workspace
from data.vocab import (
    PHONE_CHANNELS,
    ChannelKind,
    DeliveryStatus,
    Direction,
    EventKind,
    Provider,
    SenderKind,
)


class UnknownAddress(LookupError):
    """No workspace channel has the address the message was sent to."""


@dataclass
class InboundMessage:
    """What a provider delivered, with addresses already normalised by the caller
    (`data.addresses`): phones in E.164, emails lower-case, visitor ids as issued."""

    channel: str
    to_address: str
    from_address: str
    body: str
    provider_id: str
    name: str | None = None
    email: str | None = None
    subject: str | None = None
    media: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    received_at: datetime | None = None
    #: Email only: the Message-IDs it replies to (In-Reply-To, then References newest first);
    #: the first one we know decides the conversation.
    thread_refs: list[str] = field(default_factory=list)


@dataclass
class InboundResult:
    message: Message
    conversation: Conversation
    contact: Contact
    created: bool
    keyword: Keyword | None = None


def keyword_replies_by(channel: Channel) -> str:
    """Who answers STOP/START/HELP on this channel: "provider" when Twilio's default opt-out
    handling already does (SMS through Twilio), otherwise "product". Overridable per channel
    with config["keyword_replies_by"], so the customer never gets two confirmations."""
    configured = channel.config.get("keyword_replies_by")
    if configured in ("provider", "product"):
        return configured
    if channel.kind == ChannelKind.SMS and channel.provider == Provider.TWILIO:
        return "provider"
    return "product"


_DUPLICATE = select(Message).where(
    Message.workspace_id == bindparam("workspace_id"),
    Message.channel == bindparam("channel"),
    Message.provider_id == bindparam("provider_id"),
)


def _lookup_statement(own: str) -> Any:
    """Routing, the duplicate check, the sender and their latest conversation on the channel,
    in one statement: the channel as `workspaces.route_inbound` finds it; the id of the
    message already stored under the provider id (unique per workspace and channel); the
    workspace's contact whose `own` address sent it (as `contacts.by_address`); and that
    contact's conversation as `conversations.find_or_create` picks it. Each part is None
    when absent (outer joins); no row at all means no channel has the address."""
    duplicate = (
        select(Message.id)
        .where(
            Message.workspace_id == Channel.workspace_id,
            Message.channel == bindparam("kind"),
            Message.provider_id == bindparam("provider_id"),
        )
        .correlate(Channel)
        .scalar_subquery()
    )
    sender = and_(
        Contact.workspace_id == Channel.workspace_id,
        contacts.ADDRESS_COLUMNS[own] == bindparam("sender"),
    )
    latest = conversations.latest_on_channel_id(Contact, bindparam("kind"))
    return (
        select(Channel, duplicate, Contact, Conversation)
        .select_from(Channel)
        .outerjoin(Contact, sender)
        .outerjoin(Conversation, col(Conversation.id) == latest)
        .where(workspaces.ROUTE.whereclause)
    )


# Built once per sender field: every webhook runs one, and building costs more than running.
_LOOKUP = {own: _lookup_statement(own) for own in contacts.ADDRESS_COLUMNS}


def find_duplicate(
    session: Session, workspace_id: int, channel: str, provider_id: str
) -> Message | None:
    return session.exec(
        _DUPLICATE,
        params={"workspace_id": workspace_id, "channel": channel, "provider_id": provider_id},
    ).first()


def _own_address(channel: str) -> str:
    # The contact is found by the address the channel itself vouches for. An email a web-chat
    # visitor types is unverified: it only fills the contact's gap, never joins them to the
    # customer who owns it (that would show a stranger's history to the AI and misroute replies).
    return {ChannelKind.EMAIL: "email", ChannelKind.WEBCHAT: "visitor_id"}.get(channel, "phone")


def receive(session: Session, inbound: InboundMessage) -> InboundResult:
    """Store `inbound` (or find it again if the provider retried). Raises UnknownAddress.

    A new message from a known sender takes four statements: the lookup (routing, duplicate
    check, contact, conversation), the INSERT, and one flush at commit updating the
    conversation and the contact; no savepoints."""
    own = _own_address(inbound.channel)
    address = workspaces.routable_address(inbound.channel, inbound.to_address)
    row = None
    if address is not None:
        params = {
            "kind": inbound.channel,
            "address": address,
            "provider_id": inbound.provider_id,
            "sender": inbound.from_address,
        }
        row = session.exec(_LOOKUP[own], params=params).first()
    if row is None:
        raise UnknownAddress(f"No workspace receives {inbound.channel} at {inbound.to_address}.")
    channel, existing_id, contact, conversation = row
    if existing_id is not None:
        existing = session.get(Message, existing_id)
        assert existing is not None  # seen by this transaction a statement ago
        return _duplicate(session, existing)
    workspace_id = channel.workspace_id

    if contact is None:
        contact, _ = contacts.find_or_create(
            session, workspace_id, name=inbound.name, **{own: inbound.from_address}
        )
        conversation = None  # a contact found only now (a concurrent request made it)
    else:  # what find_or_create does for a known contact
        contacts.add_missing_details(
            session, contact, name=inbound.name, **{own: inbound.from_address}
        )
    if inbound.email and own != "email":
        contacts.add_missing_details(session, contact, email=inbound.email)
    threaded = _threaded_conversation(session, workspace_id, inbound)
    if threaded is not None:
        conversation = threaded
    elif conversation is not None:
        conversations.resume(session, conversation)
    else:
        conversation, _ = conversations.find_or_create(
            session, contact, inbound.channel, channel.id, subject=inbound.subject
        )
    now = inbound.received_at or utcnow()
    keyword = classify(inbound.body) if inbound.channel in PHONE_CHANNELS else None
    message = db.insert_returning(
        session,
        Message(
            workspace_id=workspace_id,
            conversation_id=conversation.id,
            contact_id=contact.id,
            channel=inbound.channel,
            direction=Direction.INBOUND,
            sender_kind=SenderKind.CUSTOMER,
            body=inbound.body or "",
            subject=inbound.subject,
            media=inbound.media,
            # A keyword needs no AI: marked, and triaged already, so the pipeline skips it.
            meta=inbound.meta if keyword is None else {**inbound.meta, "keyword": str(keyword)},
            from_address=inbound.from_address,
            to_address=channel.address,
            provider_id=inbound.provider_id,
            status=DeliveryStatus.RECEIVED,
            created_at=now,
            triaged_at=None if keyword is None else utcnow(),
        ),
        # Two deliveries of one provider id racing: the unique index lets one through, and
        # the other (nothing inserted) answers with the winner's message.
        skip_conflicts=True,
    )
    if message is None:
        existing = find_duplicate(session, workspace_id, inbound.channel, inbound.provider_id)
        if existing is None:
            raise LookupError(f"Message {inbound.provider_id} conflicted but is not stored.")
        return _duplicate(session, existing)

    # Written now with one UPDATE each (cheaper than the unit of work's flush at commit).
    db.write_through(session, conversation, conversations.message_changes(conversation, message))
    db.write_through(session, contact, {"last_inbound_at": now})

    if keyword is not None:
        workspace = workspaces.get(session, workspace_id)  # only keywords need its settings
        _apply_keyword(session, workspace, channel, contact, conversation, message, keyword)
    return InboundResult(message, conversation, contact, created=True, keyword=keyword)


def _threaded_conversation(
    session: Session, workspace_id: int, inbound: InboundMessage
) -> Conversation | None:
    """The conversation an email reply belongs to, found by the Message-IDs it references
    (ours on outbound mail, the customer's on inbound). A closed one is reopened."""
    for ref in inbound.thread_refs[:20]:
        known = find_duplicate(session, workspace_id, inbound.channel, ref)
        if known is not None:
            conversation = session.get(Conversation, known.conversation_id)
            if conversation is not None:
                conversations.reopen(session, conversation, Actor.customer())
                return conversation
    return None


def _duplicate(session: Session, message: Message) -> InboundResult:
    conversation = session.get(Conversation, message.conversation_id)
    contact = session.get(Contact, message.contact_id)
    assert conversation is not None and contact is not None
    return InboundResult(message, conversation, contact, created=False)


def keyword_reply_text(workspace: Workspace, keyword: Keyword) -> str:
    """The confirmation or help text the product sends for a carrier keyword."""
    if keyword == Keyword.STOP:
        return (
            f"You're unsubscribed from {workspace.name} and will get no more messages. "
            "Reply START to resubscribe."
        )
    if keyword == Keyword.START:
        return f"You're resubscribed to {workspace.name}. Reply STOP to opt out."
    return workspace.help_text or (
        f"{workspace.name}: reply here and a team member will help. Reply STOP to opt out."
    )


def _apply_keyword(
    session: Session,
    workspace: Workspace,
    channel: Channel,
    contact: Contact,
    conversation: Conversation,
    message: Message,
    keyword: Keyword,
) -> None:
    customer = Actor.customer()
    if keyword in (Keyword.STOP, Keyword.START):
        change = contacts.opt_out if keyword == Keyword.STOP else contacts.opt_in
        changed = change(
            session,
            contact,
            keyword=message.body.strip(),
            channel=message.channel,
            actor=customer,
            conversation_id=conversation.id,
        )
    else:
        changed = True
        events.record(
            session,
            workspace.id,
            EventKind.HELP_REQUESTED,
            customer,
            conversation_id=conversation.id,
            contact_id=contact.id,
        )
    # Invariant 2 leaves one exception, the STOP confirmation itself: an opted-out contact's
    # HELP gets no automated answer.
    if contact.opted_out and keyword != Keyword.STOP:
        return
    if changed and keyword_replies_by(channel) == "product":
        outbox.enqueue(
            session,
            conversation,
            keyword_reply_text(workspace, keyword),
            Actor.automation("Compliance"),
            purpose="opt_out_confirmation" if keyword == Keyword.STOP else f"{keyword}_reply",
            answers_message_id=None,
        )
