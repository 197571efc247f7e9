"""Saving a section of the Settings page: the workspace re-read in the write transaction,
the change validated and recorded by `data.workspaces.update_settings`, and one message
saying what happened (or why not)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.pages import acting
from data import workspaces

PAGE = "settings"


def apply(action: Callable[[Session], object], what: str) -> None:
    """Run a settings change (which returns whether anything changed) and say so; a refusal
    is shown by `actions.run` and keeps the form as typed."""
    changed = actions.run(action, rerun=False)
    if changed is None:
        return
    actions.flash(f"{what} saved." if changed else f"{what}: nothing to change.")
    st.rerun()


def save(me: SignedIn, changes: dict[str, Any], what: str) -> None:
    """Store `changes` to the workspace's settings (validated and recorded by `data`)."""
    apply(
        lambda s: workspaces.update_settings(
            s, workspaces.get(s, me.workspace_id), changes, me.actor
        ),
        what,
    )


def callback_user(me: SignedIn) -> SignedIn | None:
    """The user a switch's callback acts as (see `console.pages.acting`)."""
    return acting(me, PAGE)


def resync(key: str) -> None:
    """After a refused switch, draw the stored value again instead of the flipped one."""
    st.session_state.pop(f"{key}.seen", None)
