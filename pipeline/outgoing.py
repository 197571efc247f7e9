"""What a sender needs to deliver an outbox row, read from the database: email threading
headers from the customer's latest mail, the business's name, and for WhatsApp outside the
24-hour window the workspace's approved template (or the reason nothing can be sent)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from data.models import Channel, Contact, Conversation, Message, Workspace
from data.outbox import whatsapp_window_open
from data.vocab import ChannelKind, Direction, SenderKind
from pipeline.senders import Outgoing, Permanent

AUTOMATED = (SenderKind.AI, SenderKind.AUTOMATION, SenderKind.SYSTEM)


def build(
    session: Session, message: Message, workspace: Workspace, channel: Channel | None, now: datetime
) -> Outgoing:
    """The sender's input for `message`; raises Permanent when it cannot be sent at all."""
    if message.channel == ChannelKind.EMAIL:
        return _email(session, message, workspace)
    if message.channel == ChannelKind.WHATSAPP and message.meta.get("purpose") != "alert":
        return _whatsapp(session, message, workspace, channel, now)
    return Outgoing(message, business_name=workspace.name)


def _email(session: Session, message: Message, workspace: Workspace) -> Outgoing:
    latest = session.exec(
        select(Message)
        .where(
            Message.conversation_id == message.conversation_id,
            Message.direction == Direction.INBOUND,
            col(Message.id) < message.id,
        )
        .order_by(col(Message.id).desc())
        .limit(1)
    ).first()
    if latest is None or message.meta.get("purpose") == "alert":
        return Outgoing(message, business_name=workspace.name)
    references = [r for r in latest.meta.get("references") or [] if isinstance(r, str)]
    return Outgoing(
        message,
        business_name=workspace.name,
        in_reply_to=latest.provider_id,
        references=references[-20:],
    )


def _whatsapp(
    session: Session,
    message: Message,
    workspace: Workspace,
    channel: Channel | None,
    now: datetime,
) -> Outgoing:
    conversation = session.get(Conversation, message.conversation_id)
    if conversation is not None and whatsapp_window_open(conversation, now):
        return Outgoing(message, business_name=workspace.name)
    template = (channel.config or {}).get("whatsapp_template") if channel else None
    if template and template.get("content_sid") and message.sender_kind in AUTOMATED:
        contact = session.get(Contact, message.contact_id)
        first_name = (contact.name or "there").split()[0] if contact else "there"
        variables = {
            str(k): str(v).format(first_name=first_name, business=workspace.name)
            for k, v in (template.get("variables") or {"1": "{first_name}"}).items()
        }
        return Outgoing(
            message,
            business_name=workspace.name,
            template_sid=template["content_sid"],
            template_variables=variables,
        )
    raise Permanent(
        "WhatsApp's 24-hour window is closed: free-form messages can't be sent until the "
        "customer writes again"
        + ("" if template else ", and no approved template is set up (Settings).")
        + ("." if template else ""),
        "63016",
    )
