"""Running what a person asks for: one write transaction, domain errors shown as a clear
message, anything unexpected logged and shown without a traceback. Messages survive the
rerun that follows a change (a "flash")."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from data.db import session_scope

log = logging.getLogger(__name__)
T = TypeVar("T")
_FLASH = "console.flash"
_CLEAR = "console.clear"


def run(
    action: Callable[[Session], T],
    *,
    done: str | None = None,
    clear: tuple[str, ...] = (),
    rerun: bool = True,
) -> T | None:
    """Run `action` in one write transaction. A ValueError (the domain's way of saying
    no, with a reason) is shown as an error and nothing is changed. Once it is committed,
    the inputs named in `clear` are emptied (a refused message keeps its text to fix)."""
    try:
        with session_scope(write=True) as session:
            result = action(session)
    except (ValueError, LookupError) as refused:
        st.error(str(refused) or "That can't be done.")
        return None
    except Exception:
        log.exception("console action failed")
        st.error("Something went wrong and nothing was changed. Please try again.")
        return None
    if clear:
        st.session_state.setdefault(_CLEAR, set()).update(clear)
    if done:
        flash(done)
    if rerun:
        st.rerun()
    return result


def flash(message: str, kind: str = "success") -> None:
    st.session_state.setdefault(_FLASH, []).append((kind, message))


def show_flashes() -> None:
    # Always one container, with or without messages: the page below keeps its place, so the
    # redraw that drops a flash doesn't remount the forms (and the focus) under it.
    with st.container():
        for kind, message in st.session_state.pop(_FLASH, []):
            (st.success if kind == "success" else st.warning)(message)


def clear_sent_inputs() -> None:
    """Empty the inputs whose text was sent; called before any widget is drawn (Streamlit
    refuses changes to a widget's value once it is on the page)."""
    for key in st.session_state.pop(_CLEAR, set()):
        st.session_state[key] = ""


def sync(key: str, stored: object) -> None:
    """Make the input `key` show the stored value whenever that value changed since the
    page last drew it (an edit elsewhere, or by the pipeline), and leave a person's own
    unsaved edit alone otherwise. Call before drawing the input."""
    seen = f"{key}.seen"
    if key not in st.session_state or st.session_state.get(seen) != stored:
        st.session_state[key] = stored
        st.session_state[seen] = stored
