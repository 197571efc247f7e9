"""Alerts to the business's own people (the owner's alert phone and email, and team members
who get alerts): one SMS and one email per recipient per escalation, and the monthly SMS
allowance warning. They are outbox rows like any message, so dispatch delivers and retries
them and the conversation shows that they went out; they never reach the customer."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from data import events, sms, workspaces
from data.events import Actor
from data.models import Contact, Conversation, Event, Message, User, Workspace
from data.settings import get_settings
from data.transaction_cache import remembered_rows
from data.vocab import ChannelKind, DeliveryStatus, Direction, EventKind, label

ALERT_PURPOSE = "alert"


def recipients(session: Session, workspace: Workspace) -> list[tuple[str, str, str]]:
    """(channel, address, name) for everyone who gets alerts, each address once."""
    found: list[tuple[str, str, str]] = []
    if workspace.alert_phone:
        found.append((ChannelKind.SMS, workspace.alert_phone, "Alert phone"))
    if workspace.alert_email:
        found.append((ChannelKind.EMAIL, workspace.alert_email, "Alert email"))
    for user in _team(session, workspace.id):
        if not (user.receives_alerts and user.active):
            continue
        if user.phone:
            found.append((ChannelKind.SMS, user.phone, user.display_name))
        found.append((ChannelKind.EMAIL, user.email, user.display_name))
    unique: dict[tuple[str, str], tuple[str, str, str]] = {}
    for channel, address, name in found:
        unique.setdefault((channel, address.lower()), (channel, address, name))
    return list(unique.values())


def _team(session: Session, workspace_id: int) -> list[User]:
    """The workspace's people, oldest first, read once per transaction: a chunk of messages
    escalates several conversations and checks every email against these addresses, and a
    query between two alerts would flush the first on its own. Who gets alerts is decided
    on the objects, so a change made earlier in the transaction counts."""
    return remembered_rows(
        session,
        User,
        workspace_id,
        lambda: session.exec(
            select(User).where(User.workspace_id == workspace_id).order_by(col(User.id))
        ).all(),
    )


def _link(conversation: Conversation) -> str:
    return f"{get_settings().console_url.rstrip('/')}/?conversation={conversation.id}"


def escalation_alerts(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    contact: Contact,
    reason: str,
    note: str | None,
    actor: Actor,
) -> list[Message]:
    """Queue the alerts for a new escalation; returns the outbox rows (written at the
    session's next flush)."""
    who = contact.display_name
    said = conversation.last_message_preview
    text = (
        f"{workspace.name}: {who} ({label(conversation.channel)}) needs a person - "
        f"{label(reason)}."
        + (f' Last message: "{said[:100]}"' if said else "")
        + (f" Note: {note[:200]}" if note and actor.is_person else "")
        + f" {_link(conversation)}"
    )
    subject = f"Escalated: {who} - {label(reason)}"
    return _queue(session, workspace, conversation, text, subject, kind="escalation")


def allowance_alerted(session: Session, workspace_id: int, since: datetime) -> bool:
    """Whether this billing month's allowance warning already went out."""
    return (
        session.exec(
            select(Event.id).where(
                Event.workspace_id == workspace_id,
                Event.kind == EventKind.SMS_ALLOWANCE_ALERTED,
                col(Event.created_at) >= since,
            )
        ).first()
        is not None
    )


def allowance_alert(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    used: int,
) -> list[Message]:
    """The once-a-month warning that SMS use is near the allowance (recorded as an Event on
    the conversation whose message crossed the line)."""
    events.record(
        session,
        workspace.id,
        EventKind.SMS_ALLOWANCE_ALERTED,
        Actor.automation("SMS allowance"),
        conversation_id=conversation.id,
        data={"used": used, "allowance": workspace.sms_allowance},
    )
    text = (
        f"{workspace.name}: {used} of {workspace.sms_allowance} SMS segments used this month. "
        "At the allowance, AI replies by SMS stop and customers are handed to a person."
    )
    return _queue(session, workspace, conversation, text, "SMS allowance nearly used", "allowance")


def _queue(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    text: str,
    subject: str,
    kind: str,
) -> list[Message]:
    queued = []
    for channel, address, name in recipients(session, workspace):
        own = workspaces.channel_for(session, workspace.id, channel)
        if own is None:
            continue  # no SMS number or email address set up to send from
        body = sms.fit(text, 2) if channel == ChannelKind.SMS else text
        message = Message(
            workspace_id=workspace.id,
            conversation_id=conversation.id,
            contact_id=conversation.contact_id,
            channel=channel,
            direction=Direction.OUTBOUND,
            sender_kind="automation",
            body=body,
            subject=subject if channel == ChannelKind.EMAIL else None,
            meta={"purpose": ALERT_PURPOSE, "alert": kind, "recipient": name},
            from_address=own.address,
            to_address=address,
            status=DeliveryStatus.QUEUED,
            segments=sms.segments(body) if channel == ChannelKind.SMS else None,
        )
        session.add(message)
        queued.append(message)
    # Not flushed here: written with the caller's other changes at its next flush (an
    # escalation in the middle of a chunk of messages would otherwise flush the chunk's
    # writes so far on their own).
    return queued
