"""The automations' timing: appointment reminders, quote follow-ups, when a silent lead turns
cold, quiet hours, and how many automatic emails one sender may get a day."""

from __future__ import annotations

from datetime import time

import streamlit as st

from console import actions
from console.auth import SignedIn
from console.settings.saving import save
from data.models import Workspace

_FORM = "settings.automations"

#: (setting, label, help): the whole-number settings, validated in `data.workspaces`.
_COUNTS = (
    ("reminder_hours", "Appointment reminder (hours before)", "1 to 168 hours (a week)."),
    ("follow_up_days", "Quote follow-up (days of silence)", "One follow-up; 1 to 60 days."),
    ("cold_after_days", "A lead turns cold after (days)", "Of silence; 1 to 365 days."),
    (
        "email_auto_replies_per_day",
        "Automatic emails to one sender a day",
        "So two robots can't email each other forever; 0 to 50.",
    ),
)


def automations(me: SignedIn, workspace: Workspace) -> None:
    for name, _, _ in _COUNTS:
        actions.sync(f"{_FORM}.{name}", int(getattr(workspace, name)))
    actions.sync(f"{_FORM}.quiet_start", time.fromisoformat(workspace.quiet_hours_start))
    actions.sync(f"{_FORM}.quiet_end", time.fromisoformat(workspace.quiet_hours_end))
    with st.form(_FORM):
        st.subheader("Automations")
        left, right = st.columns(2)
        for index, (name, text, hint) in enumerate(_COUNTS):
            (left if index % 2 == 0 else right).number_input(
                text, step=1, key=f"{_FORM}.{name}", help=hint
            )
        st.caption("Quiet hours: no automated message between these times; it waits until after.")
        start, end = st.columns(2)
        start.time_input("Quiet from", key=f"{_FORM}.quiet_start", step=900)
        end.time_input("Quiet until", key=f"{_FORM}.quiet_end", step=900)
        saved = st.form_submit_button("Save automations", type="primary")
    if saved:
        state = st.session_state
        changes: dict[str, object] = {name: state[f"{_FORM}.{name}"] for name, _, _ in _COUNTS}
        changes["quiet_hours_start"] = state[f"{_FORM}.quiet_start"].strftime("%H:%M")
        changes["quiet_hours_end"] = state[f"{_FORM}.quiet_end"].strftime("%H:%M")
        save(me, changes, "Automations")
