"""`inbox demo`: load the demo workspace from `data/demo/content.py`, once.

Seeding is one transaction and does nothing when the demo workspace already exists, so running
it twice changes nothing. The history is stored as it would have happened: customer messages go
through the same inbound rule as ingest (so the STOP in the history opts that contact out),
state changes go through the domain transitions (so every one has its Event), and everything is
back-dated relative to now so the inbox looks live. Historical messages are stored as delivered
and triaged: the pipeline has nothing to answer or send for them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlmodel import Session

from data import (
    appointments,
    calls,
    contacts,
    conversations,
    knowledge,
    notes,
    users,
    workspaces,
)
from data.clock import utcnow
from data.demo import content
from data.events import Actor
from data.inbound import InboundMessage, receive
from data.models import Channel, Contact, Conversation, Event, Message, User, Workspace
from data.vocab import (
    ChannelKind,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    ManagedBy,
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    password: str


@dataclass(frozen=True)
class SeedResult:
    created: bool
    workspace_id: int
    logins: list[DemoLogin]


def demo_exists(session: Session) -> bool:
    return workspaces.by_slug(session, content.BUSINESS["slug"]) is not None


def seed(session: Session, now: datetime | None = None) -> SeedResult:
    """Create the demo workspace unless it exists. Passwords are random and returned only
    when the users are created (the command line saves them under var/)."""
    existing = workspaces.by_slug(session, content.BUSINESS["slug"])
    if existing is not None:
        return SeedResult(False, existing.id, [])
    now = now or utcnow()
    business = dict(content.BUSINESS)
    workspace = workspaces.create(session, business.pop("slug"), business.pop("name"), **business)
    channels = {}
    for spec in content.CHANNELS:
        channel = workspaces.add_channel(
            session,
            workspace,
            spec["kind"],
            spec["address"],
            spec["provider"],
            spec.get("label", ""),
            spec.get("config"),
        )
        channels[channel.kind] = channel
    logins, people = _users(session, workspace)
    for entry in content.KNOWLEDGE:
        knowledge.add(session, workspace.id, entry["question"], entry["answer"], entry["tags"])
    loader = _ConversationLoader(session, workspace, channels, people, now)
    for spec in content.CONVERSATIONS:
        loader.load(spec)
    return SeedResult(True, workspace.id, logins)


def reset_passwords(session: Session) -> list[DemoLogin]:
    """New random passwords for the demo users (when the saved ones were lost)."""
    logins = []
    for spec in content.USERS:
        user = users.by_email(session, spec["email"])
        if user is not None:
            password = _password()
            user.password_hash = users.hash_password(password)
            session.add(user)
            logins.append(DemoLogin(user.email, user.role, password))
    return logins


def _password() -> str:
    return secrets.token_urlsafe(12)


def _users(session: Session, workspace: Workspace) -> tuple[list[DemoLogin], dict[str, User]]:
    logins, people = [], {}
    for spec in content.USERS:
        password = _password()
        user = users.create(
            session,
            workspace.id,
            spec["email"],
            password,
            spec["role"],
            display_name=spec["display_name"],
            phone=spec.get("phone"),
            receives_alerts=spec.get("receives_alerts", False),
        )
        people[user.email] = user
        logins.append(DemoLogin(user.email, user.role, password))
    return logins, people


def _fake_sid(prefix: str, *parts: Any) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"{prefix}{digest}"


_DELIVERED = {
    ChannelKind.SMS: DeliveryStatus.DELIVERED,
    ChannelKind.WHATSAPP: DeliveryStatus.READ,
    ChannelKind.EMAIL: DeliveryStatus.SENT,
    ChannelKind.WEBCHAT: DeliveryStatus.DELIVERED,
}


class _ConversationLoader:
    """Replays one conversation of the content file into the database."""

    def __init__(
        self,
        session: Session,
        workspace: Workspace,
        channels: dict[str, Channel],
        people: dict[str, User],
        now: datetime,
    ) -> None:
        self.session = session
        self.workspace = workspace
        self.channels = channels
        self.people = people
        self.now = now
        self.operator = next(u for u in people.values() if u.role == "operator")
        # Events are written by the domain rules at "now"; the history back-dates them.
        self._fresh_events: list[Event] = []
        sa_event.listen(session, "pending_to_persistent", self._on_persist)

    def _on_persist(self, _session: Session, obj: object) -> None:
        if isinstance(obj, Event):
            self._fresh_events.append(obj)

    def _stamp(self, at: datetime) -> None:
        """Back-date the events written since the last stamp to `at`."""
        self.session.flush()
        for event in self._fresh_events:
            event.created_at = at
        self._fresh_events.clear()

    def load(self, spec: dict[str, Any]) -> None:
        session, key = self.session, spec["key"]
        start = self.now - timedelta(hours=spec["started_hours_ago"])
        kind = spec["channel"]
        channel = self.channels[ChannelKind.SMS if kind == ChannelKind.VOICE else kind]
        person = spec["contact"]
        visitor_id = _fake_sid("v_", key)[:18] if kind == ChannelKind.WEBCHAT else None
        contact, _ = contacts.find_or_create(
            session,
            self.workspace.id,
            phone=person.get("phone"),
            email=person.get("email"),
            visitor_id=visitor_id,
            name=person.get("name"),
        )
        conversation: Conversation | None = None
        first_operator_at: datetime | None = None
        last_at = start
        for index, item in enumerate(spec.get("messages") or []):
            at = start + timedelta(minutes=item["minutes"])
            last_at = at
            if item["from"] == "customer":
                conversation = self._customer(spec, channel, contact, visitor_id, index, item, at)
            else:
                conversation = (
                    conversation
                    or conversations.find_or_create(
                        session, contact, kind, channel.id, subject=spec.get("subject")
                    )[0]
                )
                author = (
                    self.people.get(item.get("operator", ""))
                    if item["from"] == "operator"
                    else None
                )
                if author is not None and first_operator_at is None:
                    first_operator_at = at
                self._outbound(conversation, contact, channel, item, author, at)
            self._stamp(at)
        for index, item in enumerate(spec.get("calls") or []):
            at = start + timedelta(minutes=item["minutes"])
            last_at = max(last_at, at)
            call, _ = calls.record(
                session,
                contact,
                _fake_sid("CA", key, index),
                channel_id=self.channels[ChannelKind.VOICE].id,
                direction=item.get("direction", "inbound"),
                from_address=contact.phone,
                to_address=self.channels[ChannelKind.VOICE].address,
                started_at=at,
                duration_seconds=item.get("duration_seconds"),
                recording_url=item.get("recording_url"),
                summary=item.get("summary", ""),
                transcript=item.get("transcript"),
            )
            if kind == ChannelKind.VOICE and conversation is None:
                conversation = session.get(Conversation, call.conversation_id)
            self._stamp(at)
        if conversation is None:
            conversation, _ = conversations.find_or_create(session, contact, kind, channel.id)
        self._extras(spec, contact, conversation, start)
        self._state(spec, contact, conversation, first_operator_at or last_at, last_at)

    def _customer(
        self,
        spec: dict[str, Any],
        channel: Channel,
        contact: Contact,
        visitor_id: str | None,
        index: int,
        item: dict[str, Any],
        at: datetime,
    ) -> Conversation:
        kind = spec["channel"]
        sender = {
            ChannelKind.EMAIL: contact.email,
            ChannelKind.WEBCHAT: visitor_id,
        }.get(kind, contact.phone)
        result = receive(
            self.session,
            InboundMessage(
                channel=kind,
                to_address=channel.address,
                from_address=sender,
                body=item["body"],
                provider_id=_fake_sid(
                    "SM" if kind != ChannelKind.EMAIL else "<demo-", spec["key"], index
                ),
                subject=spec.get("subject"),
                received_at=at,
            ),
        )
        result.message.triaged_at = at
        self.session.add(result.message)
        return result.conversation

    def _outbound(
        self,
        conversation: Conversation,
        contact: Contact,
        channel: Channel,
        item: dict[str, Any],
        author: User | None,
        at: datetime,
    ) -> None:
        message = Message(
            workspace_id=self.workspace.id,
            conversation_id=conversation.id,
            contact_id=contact.id,
            channel=conversation.channel,
            direction=Direction.OUTBOUND,
            sender_kind=item["from"],
            sender_user_id=author.id if author else None,
            body=item["body"],
            subject=conversation.subject,
            from_address=channel.address,
            to_address={
                ChannelKind.EMAIL: contact.email,
                ChannelKind.WEBCHAT: contact.visitor_id,
            }.get(conversation.channel, contact.phone),
            provider_id=_fake_sid("SM", conversation.id, at.isoformat(), item["body"][:20]),
            status=_DELIVERED.get(conversation.channel, DeliveryStatus.SENT),
            created_at=at,
            sent_at=at,
            delivered_at=at + timedelta(seconds=3),
        )
        self.session.add(message)
        conversations.note_message(conversation, message)
        self.session.add(conversation)

    def _extras(
        self,
        spec: dict[str, Any],
        contact: Contact,
        conversation: Conversation,
        start: datetime,
    ) -> None:
        for item in spec.get("appointments") or []:
            starts_at = self.now + timedelta(hours=item["starts_in_hours"])
            actor = Actor.ai() if item.get("source") == "ai" else Actor.operator(self.operator)
            appointments.book(
                self.session,
                contact,
                starts_at,
                starts_at + timedelta(minutes=item.get("duration_minutes", 60)),
                actor,
                title=item.get("title", "Appointment"),
                source=item.get("source", "operator"),
                conversation_id=conversation.id,
                status=item.get("status", "booked"),
            )
            booked_at = min(self.now, max(start, starts_at - timedelta(days=2)))
            self._stamp(booked_at)
        for item in spec.get("notes") or []:
            at = start + timedelta(minutes=item["minutes"])
            note = notes.add(
                self.session,
                contact,
                item["body"],
                Actor.operator(self.people[item["author"]]),
                conversation_id=conversation.id,
            )
            note.created_at = at
            self._stamp(at)

    def _state(
        self,
        spec: dict[str, Any],
        contact: Contact,
        conversation: Conversation,
        handover_at: datetime,
        last_at: datetime,
    ) -> None:
        session = self.session
        if spec["status"] == ConversationStatus.ESCALATED:
            reason = spec["escalation_reason"]
            actor = Actor.operator(self.operator) if reason == "manual" else Actor.ai()
            conversations.escalate(session, conversation, reason, actor)
            conversation.escalated_at = handover_at
        if spec["managed_by"] == ManagedBy.HUMAN:
            conversations.take_over(session, conversation, Actor.operator(self.operator))
        self._stamp(handover_at)
        if spec.get("opted_out") and not contact.opted_out:
            contacts.opt_out(
                session, contact, keyword="STOP", channel=spec["channel"], actor=Actor.customer()
            )
        scoring = Actor.system("Lead scoring")
        contacts.set_lead_status(session, contact, spec["lead_status"].lower(), scoring)
        contacts.set_lead_temperature(session, contact, spec["lead_temperature"].lower(), scoring)
        self._stamp(last_at)
        if spec["status"] == ConversationStatus.CLOSED:
            conversations.close(session, conversation, Actor.operator(self.operator))
            conversation.closed_at = min(self.now, last_at + timedelta(hours=2))
            self._stamp(conversation.closed_at)
        # Older conversations have been read; recent ones still waiting on the business stay
        # unread, as they would in a live inbox.
        answered = conversation.last_message_sender != "customer"
        if answered or self.now - last_at > timedelta(hours=12):
            conversation.unread_count = 0
        session.add(conversation)
