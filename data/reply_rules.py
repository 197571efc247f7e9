"""When the AI may reply in a conversation: every condition in one place. The conversation's
own state (`conversations.ai_silence_reason`: channel switched off, opted out, a person in
charge, escalated, closed) plus what depends on the moment: the SMS allowance, WhatsApp's
24-hour window, and email that must never get an automatic reply (RFC 3834)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from data import alerts, conversations, usage, workspaces
from data.clock import as_utc
from data.models import Contact, Conversation, Message, Workspace
from data.outbox import whatsapp_window_open
from data.vocab import ChannelKind, Direction, SenderKind


@dataclass(frozen=True)
class Silence:
    """Why the AI stays quiet. `escalate_for` names an escalation reason when the customer
    must be handed to a person instead (the SMS allowance is used up)."""

    reason: str
    escalate_for: str | None = None


def silence(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    contact: Contact,
    message: Message,
    now: datetime,
) -> Silence | None:
    """None when the AI may answer `message` now; otherwise why not."""
    reason = conversations.ai_silence_reason(workspace, conversation, contact)
    if reason:
        return Silence(reason)
    if message.meta.get("no_auto_reply"):
        return Silence("This email must not get an automatic reply (auto-mail, list or bounce).")
    if conversation.channel == ChannelKind.EMAIL:
        quiet = _email_loop_guard(session, workspace, contact, message, now)
        if quiet:
            return quiet
    if conversation.channel == ChannelKind.WHATSAPP and not whatsapp_window_open(conversation, now):
        return Silence("WhatsApp's 24-hour window is closed.")
    if (
        conversation.channel == ChannelKind.SMS
        and usage.sms_usage(session, workspace, now).exhausted
    ):
        return Silence("The SMS allowance for this month is used up.", "sms_allowance")
    return None


def _own_addresses(session: Session, workspace: Workspace) -> set[str]:
    """The workspace's own addresses and those of the people who get alerts (an
    out-of-office answering an alert must not loop). Both are read once per transaction
    (`transaction_cache`): the pipeline checks many emails in one."""
    own = {c.address.lower() for c in workspaces.channels(session, workspace.id)}
    return own | {
        address.lower()
        for kind, address, _ in alerts.recipients(session, workspace)
        if kind == ChannelKind.EMAIL
    }


def _email_loop_guard(
    session: Session, workspace: Workspace, contact: Contact, message: Message, now: datetime
) -> Silence | None:
    """Two auto-responders must never loop: no automatic reply to the workspace's own
    addresses, and at most `email_auto_replies_per_day` to one sender a day."""
    sender = (message.from_address or "").lower()
    if sender in _own_addresses(session, workspace):
        return Silence("The email came from one of the business's own addresses.")
    # No autoflush: automatic emails to customers are written as they are queued
    # (`outbox.enqueue`), so the count sees them without flushing the caller's other changes
    # on their own. Alerts wait for the flush, but go only to the addresses refused above.
    with session.no_autoflush:
        sent = session.exec(
            select(func.count()).where(
                Message.workspace_id == workspace.id,
                Message.channel == ChannelKind.EMAIL,
                Message.direction == Direction.OUTBOUND,
                func.lower(Message.to_address) == sender,
                col(Message.sender_kind).in_([SenderKind.AI, SenderKind.AUTOMATION]),
                col(Message.created_at) >= as_utc(now) - timedelta(days=1),
            )
        ).one()
    if sent >= workspace.email_auto_replies_per_day:
        return Silence(
            f"Already {sent} automatic emails to this sender today (limit "
            f"{workspace.email_auto_replies_per_day}): a person answers from here."
        )
    return None
