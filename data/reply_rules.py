"""When the AI may reply in a conversation: every condition in one place. The conversation's
own state (`conversations.ai_silence_reason`: channel switched off, opted out, a person in
charge, escalated, closed) plus what depends on the moment: the SMS allowance, WhatsApp's
24-hour window, and email that must never get an automatic reply (RFC 3834)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from data import conversations, usage
from data.clock import as_utc
from data.models import Contact, Conversation, Message, Workspace
from data.vocab import ChannelKind

WHATSAPP_WINDOW = timedelta(hours=24)


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
    if conversation.channel == ChannelKind.WHATSAPP:
        last = conversation.last_inbound_at
        if last is None or as_utc(now) - as_utc(last) > WHATSAPP_WINDOW:
            return Silence("WhatsApp's 24-hour window is closed.")
    if (
        conversation.channel == ChannelKind.SMS
        and usage.sms_usage(session, workspace, now).exhausted
    ):
        return Silence("The SMS allowance for this month is used up.", "sms_allowance")
    return None
