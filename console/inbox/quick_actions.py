"""The bar at the top of a conversation: Call, Email, Text, Escalate, Close / Reopen, Take
over and Resume AI. Each writes an intent through `data/` (a Call row, an outbox row, an
Event); the pipeline does the calling and sending."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from data import click_to_call, conversations, escalations, outbox
from data.models import Contact, Conversation
from data.vocab import ChannelKind, ConversationStatus, EscalationReason, ManagedBy


def _conversation(session: Session, user: SignedIn, conversation_id: int) -> Conversation:
    conversation = conversations.get(session, user.workspace_id, conversation_id)
    if conversation is None:
        raise LookupError("That conversation no longer exists.")
    return conversation


def _send(
    user: SignedIn,
    conversation_id: int,
    body: str,
    channel: str,
    *,
    subject: str | None = None,
    override: bool = False,
    clear: tuple[str, ...] = (),
) -> None:
    def send(session: Session) -> None:
        conversation = _conversation(session, user, conversation_id)
        outbox.enqueue(
            session,
            conversation,
            body,
            user.actor,
            channel=channel,
            subject=(subject or "").strip() or None,
            override_opt_out=override,
        )

    actions.run(
        send, done=f"{'Email' if channel == ChannelKind.EMAIL else 'Text'} queued.", clear=clear
    )


def _call(user: SignedIn, conversation_id: int, phone: str) -> None:
    def call(session: Session) -> None:
        click_to_call.request_call(
            session, _conversation(session, user, conversation_id), phone, user.actor
        )

    actions.run(call, done="Calling: your phone rings first, then the customer's.")


def _escalate(user: SignedIn, conversation_id: int, note: str) -> None:
    def escalate(session: Session) -> bool:
        return escalations.escalate(
            session,
            _conversation(session, user, conversation_id),
            EscalationReason.MANUAL,
            user.actor,
            note=note,
        )

    actions.run(escalate, done="Escalated: the team has been alerted.")


def _transition(user: SignedIn, conversation_id: int, name: str, done: str) -> None:
    def change(session: Session) -> bool:
        move = getattr(conversations, name)
        return move(session, _conversation(session, user, conversation_id), user.actor)

    actions.run(change, done=done)


def quick_actions(user: SignedIn, conversation: Conversation, contact: Contact) -> None:
    cid = conversation.id
    # A wrapping row: every label stays readable however narrow the column.
    bar = st.container(horizontal=True, key=f"quick-actions-{cid}")
    call = email = text = escalate = status = handover = bar
    with call.popover("Call", icon=":material/call:"):
        phone = st.text_input("Ring me at", value=user.phone or "", key=f"call.phone.{cid}")
        st.caption("Your phone rings from the AI number, then the customer is connected.")
        if st.button("Call the customer", key=f"call.go.{cid}", type="primary"):
            _call(user, cid, phone)
    with email.popover("Email", icon=":material/mail:"):
        subject = st.text_input("Subject", key=f"email.subject.{cid}")
        body = st.text_area("Message", key=f"email.body.{cid}")
        if st.button("Send email", key=f"email.go.{cid}", type="primary"):
            _send(
                user,
                cid,
                body,
                ChannelKind.EMAIL,
                subject=subject,
                clear=(f"email.subject.{cid}", f"email.body.{cid}"),
            )
    with text.popover("Text", icon=":material/sms:"):
        body = st.text_area("SMS from the AI number", key=f"text.body.{cid}")
        override = False
        if contact.opted_out:
            st.warning("This customer opted out of texts.")
            override = st.checkbox("Send anyway (they asked for it)", key=f"text.override.{cid}")
        if st.button("Send text", key=f"text.go.{cid}", type="primary"):
            _send(user, cid, body, ChannelKind.SMS, override=override, clear=(f"text.body.{cid}",))
    with escalate.popover("Escalate", icon=":material/priority_high:"):
        note = st.text_input("Reason (optional)", key=f"escalate.note.{cid}")
        if st.button("Escalate", key=f"escalate.go.{cid}", type="primary"):
            if conversation.status == ConversationStatus.ESCALATED:
                st.info("This conversation is already escalated.")
            else:
                _escalate(user, cid, note)
    if conversation.status == ConversationStatus.CLOSED:
        if status.button("Reopen", key=f"reopen.{cid}", icon=":material/undo:"):
            _transition(user, cid, "reopen", "Reopened.")
    elif status.button("Close", key=f"close.{cid}", icon=":material/check:"):
        _transition(user, cid, "close", "Closed.")
    needs_handback = (
        conversation.managed_by == ManagedBy.HUMAN
        or conversation.status == ConversationStatus.ESCALATED
    )
    if needs_handback:
        if handover.button("Resume AI", key=f"resume.{cid}", icon=":material/smart_toy:"):
            _transition(user, cid, "resume_ai", "The AI is answering this conversation again.")
    elif handover.button("Take over", key=f"takeover.{cid}", icon=":material/front_hand:"):
        _transition(user, cid, "take_over", "You're handling this conversation: the AI is silent.")
