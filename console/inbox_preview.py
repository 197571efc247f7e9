"""A first console page: the workspace's conversations, newest activity first.

The full inbox (sign-in, thread, takeover, customer panel) replaces this page; it already
reads through the same query the full inbox uses, `data.inbox.list_inbox`.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from data import inbox, workspaces
from data.addresses import format_phone
from data.clock import utcnow
from data.db import session_scope
from data.vocab import ChannelKind, label

FILTERS = ["All", *[label(k) for k in ChannelKind if k != ChannelKind.VOICE], "Voice"]


def relative(at: datetime, now: datetime) -> str:
    seconds = int((now - at).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def render() -> None:
    st.set_page_config(page_title="Inbox", page_icon="💬", layout="wide")
    with session_scope() as session:
        all_ws = workspaces.all_workspaces(session)
        if not all_ws:
            st.info("No workspace yet. Run `inbox demo` (or `make run`) to load the demo.")
            return
        workspace = all_ws[0]
        st.title(f"{workspace.name}: conversations")
        choice = st.radio("Channel", FILTERS, horizontal=True, label_visibility="collapsed")
        kind = None if choice == "All" else next(k for k in ChannelKind if label(k) == choice)
        rows = inbox.list_inbox(session, workspace.id, channel=kind, limit=100)
    now = utcnow()
    st.caption(f"{len(rows)} conversations (newest activity first)")
    st.dataframe(
        [
            {
                "Customer": row.contact_name
                or (format_phone(row.contact_phone) if row.contact_phone else None)
                or row.contact_email
                or "Web visitor",
                "Channel": label(row.channel),
                "Status": label(row.status),
                "Managed by": label(row.managed_by),
                "Opted out": "Opted out" if row.opted_out else "",
                "Last message": row.last_message_preview,
                "When": relative(row.last_message_at, now),
                "Unread": row.unread_count,
            }
            for row in rows
        ],
        hide_index=True,
        use_container_width=True,
    )
