"""The left column: filters, search, and the conversations, newest activity first, kept live
by a fragment that re-reads the page every couple of seconds."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from console.display import channel_badge, customer_name, inert, relative, status_badge
from data import inbox
from data.db import session_scope
from data.inbox import InboxRow
from data.search import MAX_TERM_LENGTH, is_truncated
from data.vocab import ChannelKind, ConversationStatus, ManagedBy, label

LIVE_SECONDS = 2.0
PAGE_SIZE = 25

CHANNELS = {"All": None} | {
    label(kind): str(kind)
    for kind in (ChannelKind.SMS, ChannelKind.WHATSAPP, ChannelKind.WEBCHAT, ChannelKind.EMAIL)
}
STATUSES = {
    "All": (None, None),
    "Active": (ConversationStatus.ACTIVE, None),
    "Escalated": (ConversationStatus.ESCALATED, None),
    "Closed": (ConversationStatus.CLOSED, None),
    "Handled by a person": (None, ManagedBy.HUMAN),
}

OPEN_KEY = "inbox.open"
_CURSORS = "inbox.cursors"


def _restart_paging() -> None:
    st.session_state[_CURSORS] = []


def _older(cursor: tuple[datetime, int]) -> None:
    st.session_state.setdefault(_CURSORS, []).append(cursor)


def _newer() -> None:
    cursors = st.session_state.get(_CURSORS)
    if cursors:
        cursors.pop()


def filters() -> None:
    """The filter controls (outside the live fragment, so typing a search is not
    interrupted by a refresh)."""
    st.pills(
        "Channel",
        list(CHANNELS),
        default="All",
        key="inbox.channel",
        on_change=_restart_paging,
        label_visibility="collapsed",
    )
    left, right = st.columns([1, 1])
    left.selectbox("Status", list(STATUSES), key="inbox.status", on_change=_restart_paging)
    right.text_input(
        "Search",
        key="inbox.search",
        placeholder="Name, phone, email or words",
        on_change=_restart_paging,
    )


def _row_label(row: InboxRow) -> str:
    name = inert(customer_name(row.contact_name, row.contact_phone, row.contact_email))
    unread = f" :blue[● {row.unread_count}]" if row.unread_count else ""
    return f"**{name}**{unread}"


def _row_badges(row: InboxRow) -> str:
    parts = [channel_badge(row.channel)]
    if row.status != ConversationStatus.ACTIVE:
        parts.append(status_badge(row.status))
    if row.managed_by == ManagedBy.HUMAN:
        parts.append(":orange-badge[:material/person: Human]")
    if row.opted_out:
        parts.append(":gray-badge[:material/block: Opted out]")
    return " ".join(parts)


def _preview(row: InboxRow) -> str:
    who = "You: " if row.last_message_sender not in (None, "customer") else ""
    return inert(f"{who}{row.last_message_preview}"[:90])


@st.fragment(run_every=LIVE_SECONDS)
def conversation_list(workspace_id: int) -> None:
    """The page of conversations; re-read every LIVE_SECONDS."""
    channel = CHANNELS.get(st.session_state.get("inbox.channel") or "All")
    status, managed_by = STATUSES.get(st.session_state.get("inbox.status", "All"), (None, None))
    typed = st.session_state.get("inbox.search") or ""
    search = typed.strip() or None
    if is_truncated(typed):
        st.caption(f"Only the first {MAX_TERM_LENGTH} characters of the search are used.")
    cursors: list[tuple[datetime, int]] = st.session_state.setdefault(_CURSORS, [])
    with session_scope() as session:
        rows = inbox.list_inbox(
            session,
            workspace_id,
            channel=channel,
            status=status,
            managed_by=managed_by,
            search=search,
            before=cursors[-1] if cursors else None,
            limit=PAGE_SIZE + 1,
        )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not rows:
        st.info(
            "No conversations match." if (channel or status or search) else "No conversations yet."
        )
    opened = st.session_state.get(OPEN_KEY)
    for row in rows:
        with st.container(border=True, key=f"row-{row.conversation_id}"):
            top, when = st.columns([4, 1], vertical_alignment="center")
            if top.button(
                _row_label(row),
                key=f"open.{row.conversation_id}",
                type="primary" if row.conversation_id == opened else "tertiary",
            ):
                st.session_state[OPEN_KEY] = row.conversation_id
                st.rerun()
            when.caption(relative(row.last_message_at))
            st.markdown(f"{_row_badges(row)} :gray[{_preview(row)}]")
    # Paging happens in the buttons' callbacks, which run before the list is read again: no
    # rerun of our own (a fragment-scoped st.rerun raises when the click is folded into a
    # full-app rerun, e.g. one the live thread asked for at the same moment).
    newer, older = st.columns(2)
    if cursors:
        newer.button("← Newer", key="inbox.newer", on_click=_newer)
    if more:
        last = (rows[-1].last_message_at, rows[-1].conversation_id)
        older.button("Older →", key="inbox.older", on_click=_older, args=(last,))
