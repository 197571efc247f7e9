"""Users on the Settings page: who is in the team, and the way to the Team page, where people
are invited, given a role and switched off (that page owns those changes)."""

from __future__ import annotations

import streamlit as st

from console.auth import SignedIn
from console.display import inert
from console.pages import all_pages, allowed, guarded
from data import users
from data.db import session_scope
from data.vocab import label


def people(me: SignedIn) -> None:
    st.subheader("Users")
    with session_scope() as session:
        team = users.list_users(session, me.workspace_id)
    for person in team:
        off = " :gray-badge[Switched off]" if not person.active else ""
        st.markdown(f"**{inert(person.display_name)}** · {inert(label(person.role))}{off}")
    team_page = next((page for page in all_pages() if page.key == "team"), None)
    if team_page is not None and allowed(me, team_page.key):
        st.caption("Invite people, change their role or switch them off on the Team page.")
        # The same page st.navigation registered (a page is known by its url path).
        st.page_link(
            st.Page(
                guarded(team_page),
                title=team_page.title,
                icon=team_page.icon,
                url_path=team_page.key,
            ),
            label="Open the Team page",
        )
