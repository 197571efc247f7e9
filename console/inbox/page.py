"""The inbox page: the SMS Replies switch and usage on top, then the conversations list, the
open conversation (quick actions, live thread, reply box) and the customer panel."""

from __future__ import annotations

import streamlit as st

from console import actions
from console.auth import SignedIn, account_menu
from console.display import channel_badge, customer_name, inert, status_badge
from console.inbox.conversation_list import OPEN_KEY, conversation_list, filters
from console.inbox.customer_panel import customer_panel
from console.inbox.quick_actions import quick_actions
from console.inbox.reply_box import reply_box
from console.inbox.thread_view import render_thread
from console.pages import acting
from data import contacts, conversations, thread, usage, workspaces
from data.clock import utcnow
from data.db import session_scope
from data.models import Contact, Conversation, Workspace
from data.vocab import ChannelKind, ConversationStatus, ManagedBy, label

# A change of status redraws the whole page after the thread's next tick, which takes up to
# another second in a browser: at 2 s it could take over 3 s to show; at 1 s it shows in 2.
LIVE_SECONDS = 1.0
_SEEN = "inbox.seen_state"


def _sms_switch(user: SignedIn, workspace: Workspace) -> None:
    def switch() -> None:
        enabled = st.session_state["inbox.sms_replies"]
        if (now := acting(user, "inbox")) is None:
            return
        actions.run(
            lambda s: workspaces.set_auto_reply(
                s, workspaces.get(s, workspace.id), ChannelKind.SMS, enabled, now.actor
            ),
            done="SMS Replies on: the AI answers texts."
            if enabled
            else "SMS Replies off: texts wait for a person.",
            rerun=False,
        )

    actions.sync("inbox.sms_replies", bool(workspace.auto_reply_sms))
    on = st.toggle("SMS Replies", key="inbox.sms_replies", on_change=switch)
    st.caption(
        ":green[AI answers texts]" if on else ":orange[Off: texts wait for a person]",
    )


def _usage(workspace: Workspace) -> None:
    with session_scope() as session:
        used = usage.sms_usage(session, workspace, utcnow())
    colour = "red" if used.exhausted else "orange" if used.near_limit else "gray"
    st.caption(f":{colour}[SMS this month: {used.used:,} of {used.allowance:,} segments]")
    if used.exhausted:
        st.caption(":red[Allowance used up: customers on SMS are escalated to a person.]")


def _state(conversation: Conversation, contact: Contact) -> tuple:
    """What, when changed elsewhere, makes the whole page redraw."""
    return (
        conversation.status,
        conversation.managed_by,
        contact.opted_out,
        contact.lead_status,
        contact.lead_temperature,
        contact.name,
        contact.phone,
        contact.email,
    )


@st.fragment(run_every=LIVE_SECONDS)
def _live_thread(workspace: Workspace, conversation_id: int, contact_id: int) -> None:
    with session_scope() as session:
        conversation = conversations.get(session, workspace.id, conversation_id)
        contact = contacts.get(session, workspace.id, contact_id)
        page = thread.thread_page(session, workspace.id, contact_id)
    if conversation is not None and conversation.unread_count:
        with session_scope(write=True) as session:
            # Re-read in this transaction: only the unread count changes, nothing stale is
            # written back over what ingest stored meanwhile.
            fresh = conversations.get(session, workspace.id, conversation_id)
            if fresh is not None:
                conversations.mark_read(session, fresh)
    if conversation is None or contact is None:
        st.warning("This conversation no longer exists.")
        return
    state = _state(conversation, contact)
    if st.session_state.get(_SEEN) not in (None, state):
        # Status, takeover or the customer changed elsewhere: redraw the whole page so the
        # buttons and the panel match (inputs keep what a person has typed).
        st.session_state[_SEEN] = state
        st.rerun()
    st.session_state[_SEEN] = state
    with st.container(height=520, key="thread", autoscroll=True):
        if page.has_older:
            st.caption("Older messages are not shown.")
        render_thread(page, workspace.timezone)


def _header(conversation: Conversation, contact: Contact) -> None:
    badges = [channel_badge(conversation.channel), status_badge(conversation.status)]
    if conversation.managed_by == ManagedBy.HUMAN:
        badges.append(":orange-badge[:material/person: Handled by a person]")
    else:
        badges.append(":violet-badge[:material/smart_toy: AI]")
    if contact.opted_out:
        badges.append(":gray-badge[:material/block: Opted out]")
    name = inert(customer_name(contact.name, contact.phone, contact.email))
    st.markdown(f"### {name}")
    st.markdown(" ".join(badges))
    if conversation.status == ConversationStatus.ESCALATED:
        reason = label(conversation.escalation_reason or "manual")
        note = f": {conversation.escalation_note}" if conversation.escalation_note else ""
        st.error(f"Escalated — {inert(reason + note)}", icon=":material/priority_high:")


def render(user: SignedIn) -> None:
    actions.clear_sent_inputs()
    with session_scope() as session:
        workspace = workspaces.get(session, user.workspace_id)
    title, switch, sms_usage, account = st.columns([2, 1, 1, 0.8])
    title.title("Inbox")
    with switch:
        _sms_switch(user, workspace)
    with sms_usage:
        _usage(workspace)
    with account:
        account_menu(user)
    actions.show_flashes()

    left, middle, right = st.columns([1.3, 2, 1.1], gap="medium")
    with left:
        filters()
        conversation_list(workspace.id)

    opened = st.session_state.get(OPEN_KEY)
    with session_scope() as session:
        conversation = conversations.get(session, workspace.id, opened) if opened else None
        contact = (
            contacts.get(session, workspace.id, conversation.contact_id) if conversation else None
        )
    if conversation is None or contact is None:
        middle.info("Choose a conversation on the left.")
        return
    st.session_state[_SEEN] = _state(conversation, contact)
    with middle:
        # The header grows and shrinks with the status; in its own container it leaves the
        # reply form at the same place on the page, so a redraw doesn't remount it (which
        # took the focus out of a reply being typed).
        with st.container():
            _header(conversation, contact)
        quick_actions(user, conversation, contact)
        _live_thread(workspace, conversation.id, contact.id)
        reply_box(user, workspace, conversation, contact)
    with right:
        customer_panel(user, workspace, contact, conversation.id)
