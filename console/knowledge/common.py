"""What the Knowledge base page's parts share: the widget keys, reading without a traceback,
and filling the add form (from a knowledge gap)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from data.db import session_scope

log = logging.getLogger(__name__)
T = TypeVar("T")

VIEW = "knowledge.view"
ENTRIES, TRY, GAPS, IMPORT = "Entries", "Try it", "Knowledge gaps", "Import"
VIEWS = [ENTRIES, TRY, GAPS, IMPORT]

QUESTION, ANSWER, TAGS = "knowledge.question", "knowledge.answer", "knowledge.tags"
#: The gap question the add form was filled from, until the entry is added.
FROM_GAP = "knowledge.from_gap"


def read(what: Callable[[Session], T]) -> T | None:
    """`what` in a read-only transaction; a failure is logged and shown as a plain message
    (None is returned), never as a traceback."""
    try:
        with session_scope() as session:
            return what(session)
    except Exception:
        log.exception("knowledge page: reading failed")
        st.error("Something went wrong reading the knowledge base. Please try again.")
        return None


def fill_add_form(question: str) -> None:
    """A button callback (it runs before any widget is drawn, so it may set their values):
    the add form gets `question`, an empty answer to write, and the Entries view opens."""
    st.session_state[QUESTION] = question
    st.session_state[ANSWER] = ""
    st.session_state[TAGS] = ""
    st.session_state[FROM_GAP] = question
    st.session_state[VIEW] = ENTRIES
