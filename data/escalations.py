"""Escalation, the whole rule in one place, for the pipeline's automatic reasons and the
console's Escalate button alike: the conversation goes to people (status Escalated, the
reason kept, an Event), the customer gets one holding reply if the AI was the one talking to
them, and the owner and team get one alert each by SMS and email."""

from __future__ import annotations

import contextlib

from sqlmodel import Session

from data import alerts, contacts, conversations, outbox, usage, workspaces
from data.clock import utcnow
from data.events import Actor
from data.models import Conversation, Message
from data.vocab import ChannelKind

HOLDING_PURPOSE = "holding_reply"


def escalate(
    session: Session,
    conversation: Conversation,
    reason: str,
    actor: Actor,
    *,
    note: str | None = None,
    answering: Message | None = None,
) -> bool:
    """Escalate; returns False (and does nothing) if the conversation already is, so each
    escalation sends one holding reply and one set of alerts. `answering` is the customer's
    message that caused it: the holding reply counts as the AI's one reply to it."""
    workspace = workspaces.get(session, conversation.workspace_id)
    contact = contacts.get(session, conversation.workspace_id, conversation.contact_id)
    ai_was_talking = conversations.ai_silence_reason(workspace, conversation, contact) is None
    if not conversations.escalate(session, conversation, reason, actor, note):
        return False
    # Alerts first: they quote the customer's last message, which the holding reply would
    # replace as the conversation's latest.
    alerts.escalation_alerts(session, workspace, conversation, contact, reason, note, actor)
    holding = (workspace.holding_reply or "").strip()
    sms_left = (
        conversation.channel != ChannelKind.SMS
        or not usage.sms_usage(session, workspace, utcnow()).exhausted
    )
    if ai_was_talking and holding and sms_left:
        # No address to answer on: the alerts still reach a person.
        with contextlib.suppress(outbox.OutboxError):
            outbox.enqueue(
                session,
                conversation,
                holding,
                Actor.ai(),
                answers_message_id=answering.id if answering is not None else None,
                purpose=HOLDING_PURPOSE,
            )
    return True
