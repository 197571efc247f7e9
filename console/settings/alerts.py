"""The SMS allowance, where escalation alerts go (the alert phone and email), and which team
members get them too."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.display import inert
from console.settings.saving import callback_user, resync, save
from data import users
from data.addresses import format_phone
from data.db import session_scope
from data.models import Workspace

_FORM = "settings.alerts"


def sms_and_alerts(me: SignedIn, workspace: Workspace) -> None:
    actions.sync(f"{_FORM}.allowance", int(workspace.sms_allowance))
    actions.sync(f"{_FORM}.phone", workspace.alert_phone or "")
    actions.sync(f"{_FORM}.email", workspace.alert_email or "")
    with st.form(_FORM):
        st.subheader("SMS allowance and alerts")
        st.number_input(
            "SMS allowance (segments a month)",
            step=100,
            key=f"{_FORM}.allowance",
            help="When it is used up, customers on SMS go to a person instead of the AI. "
            "You're warned at 80%.",
        )
        st.text_input(
            "Alert phone",
            key=f"{_FORM}.phone",
            help="Gets a text for every escalation. Leave empty for none.",
        )
        st.text_input(
            "Alert email",
            key=f"{_FORM}.email",
            help="Gets an email for every escalation. Leave empty for none.",
        )
        saved = st.form_submit_button("Save allowance and alerts", type="primary")
    if saved:
        state = st.session_state
        save(
            me,
            {
                "sms_allowance": state[f"{_FORM}.allowance"],
                "alert_phone": state[f"{_FORM}.phone"],
                "alert_email": state[f"{_FORM}.email"],
            },
            "SMS allowance and alerts",
        )


def _switch(me: SignedIn, user_id: int, name: str, key: str) -> None:
    enabled = bool(st.session_state[key])
    if (now := callback_user(me)) is None:
        return

    def change(session: Session) -> bool:
        person = users.get(session, now.workspace_id, user_id)
        if person is None:
            raise LookupError("That person is no longer in this workspace.")
        return users.set_receives_alerts(session, person, enabled, now.actor)

    verb = "gets" if enabled else "no longer gets"
    done = actions.run(change, done=f"{name} {verb} escalation alerts.", rerun=False)
    if done is None:
        resync(key)


def alert_recipients(me: SignedIn, workspace: Workspace) -> None:
    st.subheader("Team members who get alerts")
    st.caption("A text to their mobile (if they have one) and an email, for every escalation.")
    with session_scope() as session:
        people = [u for u in users.list_users(session, workspace.id) if u.active]
    for person in people:
        key = f"settings.alerts.user.{person.id}"
        actions.sync(key, bool(person.receives_alerts))
        who, switch = st.columns([3, 1], vertical_alignment="center")
        mobile = format_phone(person.phone) if person.phone else "no mobile: email only"
        who.markdown(f"**{inert(person.display_name)}**  \n{inert(person.email)} · {inert(mobile)}")
        switch.toggle(
            "Gets alerts",
            key=key,
            on_change=_switch,
            args=(me, person.id, person.display_name, key),
        )
