"""The Settings page (owners): business hours and replies, AI replies and escalation, the SMS
allowance and alerts, automations, channels and users, one tab each. Every save goes through
a `data/` function that validates it and records a settings_changed Event."""

from __future__ import annotations

import streamlit as st

from console import actions
from console.auth import SignedIn, account_menu
from console.settings.alerts import alert_recipients, sms_and_alerts
from console.settings.automations import automations
from console.settings.business import business
from console.settings.channels import channels
from console.settings.people import people
from console.settings.replies import auto_replies, escalation
from data import workspaces
from data.db import session_scope


def render(me: SignedIn) -> None:
    actions.clear_sent_inputs()
    title, account = st.columns([4, 0.8])
    title.title("Settings")
    with account:
        account_menu(me)
    actions.show_flashes()
    with session_scope() as session:
        workspace = workspaces.get(session, me.workspace_id)
    tabs = st.tabs(
        ["Business", "Replies and escalation", "SMS and alerts", "Automations", "Channels", "Users"]
    )
    with tabs[0]:
        business(me, workspace)
    with tabs[1]:
        auto_replies(me, workspace)
        escalation(me, workspace)
    with tabs[2]:
        sms_and_alerts(me, workspace)
        alert_recipients(me, workspace)
    with tabs[3]:
        automations(me, workspace)
    with tabs[4]:
        channels(me)
    with tabs[5]:
        people(me)
