"""The reply box under the thread: a reply on the conversation's channel (which makes the
conversation human-managed at once), the AI's suggested answer to insert and edit while a
person is in charge, and the opt-out warning with its explicit override."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.display import customer_name, inert
from data import conversations, outbox, suggestions
from data.db import session_scope
from data.models import Contact, Conversation, Workspace
from data.outbox import OVERRIDABLE_CHANNELS
from data.vocab import ChannelKind, ConversationStatus, ManagedBy, label


def _body_key(conversation_id: int) -> str:
    return f"reply.body.{conversation_id}"


def _insert(conversation_id: int, text: str) -> None:
    st.session_state[_body_key(conversation_id)] = text


def _suggestion(workspace: Workspace, conversation: Conversation) -> None:
    with session_scope() as session:
        offer = suggestions.suggest(session, workspace, conversation)
    if offer is None:
        return
    with st.container(border=True, key=f"suggestion-{conversation.id}"):
        source = (
            f"from the knowledge entry “{inert(offer.entry_question)}”"
            if offer.entry_question
            else "from the AI"
        )
        confidence = f", confidence {offer.confidence:.0%}" if offer.confidence is not None else ""
        st.caption(f":material/lightbulb: Suggested answer {source}{confidence}")
        st.text(offer.text)
        st.button(
            "Insert suggestion",
            key=f"suggestion.insert.{conversation.id}",
            on_click=_insert,
            args=(conversation.id, offer.text),
        )


def reply_box(
    user: SignedIn, workspace: Workspace, conversation: Conversation, contact: Contact
) -> None:
    cid = conversation.id
    if conversation.channel == ChannelKind.VOICE:
        st.info("Call transcripts are read-only: answer with Call, Text or Email above.")
        return
    # Notices come and go with the conversation's state: one container keeps the form below
    # at the same place, so a redraw keeps the reply being typed focused.
    with st.container():
        if contact.opted_out:
            st.warning(
                f"{inert(customer_name(contact.name, contact.phone, contact.email))} opted out"
                f" ({inert(contact.opted_out_keyword or 'opt-out')})."
                " Nothing automated is sent; a message from you needs the override below."
            )
        if conversation.channel == ChannelKind.WHATSAPP and not outbox.whatsapp_window_open(
            conversation
        ):
            st.info("WhatsApp's 24-hour window is closed: the customer has to write first.")
        if (
            conversation.managed_by == ManagedBy.HUMAN
            or conversation.status == ConversationStatus.ESCALATED
        ):
            _suggestion(workspace, conversation)
    with st.form(f"reply.{cid}", border=False):
        body = st.text_area(
            f"Reply by {label(conversation.channel)}",
            key=_body_key(cid),
            height=110,
            placeholder="Type a reply…",
        )
        override = False
        if contact.opted_out and conversation.channel in OVERRIDABLE_CHANNELS:
            override = st.checkbox(
                "Send despite the opt-out (the customer asked for this)",
                key=f"reply.override.{cid}",
            )
        sent = st.form_submit_button("Send", type="primary", icon=":material/send:")
    if sent:
        _send_reply(user, cid, body, override)


def _send_reply(user: SignedIn, conversation_id: int, body: str, override: bool) -> None:
    if not (body or "").strip():
        st.error("The reply is empty.")
        return

    def send(session: Session) -> None:
        conversation = conversations.get(session, user.workspace_id, conversation_id)
        if conversation is None:
            raise LookupError("That conversation no longer exists.")
        outbox.enqueue(session, conversation, body, user.actor, override_opt_out=override)

    actions.run(
        send,
        done="Reply queued. You're handling this conversation: the AI is silent.",
        clear=(_body_key(conversation_id),),
    )
