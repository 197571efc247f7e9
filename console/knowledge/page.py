"""The Knowledge base page (owners and managers): the entries the AI answers from (list,
search, add, edit, disable), importing a CSV or Markdown file, a box to try what the AI would
answer, and the knowledge gaps (questions it could not answer) to turn into entries."""

from __future__ import annotations

import streamlit as st

from console import actions
from console.auth import SignedIn, account_menu
from console.knowledge.common import ENTRIES, GAPS, IMPORT, TRY, VIEW, VIEWS
from console.knowledge.entries import entries_view
from console.knowledge.gaps import gaps_view
from console.knowledge.importing import import_view
from console.knowledge.try_it import try_view

_VIEWS = {ENTRIES: entries_view, TRY: try_view, GAPS: gaps_view, IMPORT: import_view}


def render(me: SignedIn) -> None:
    actions.clear_sent_inputs()
    title, account = st.columns([4, 0.8])
    title.title("Knowledge base")
    with account:
        account_menu(me)
    actions.show_flashes()
    # One view at a time (not tabs, which run every tab's queries on each click); a gap's
    # "Turn into an entry" switches to Entries.
    st.session_state.setdefault(VIEW, ENTRIES)
    view = st.segmented_control(
        "View", VIEWS, key=VIEW, required=True, label_visibility="collapsed"
    )
    _VIEWS.get(view or ENTRIES, entries_view)(me)
