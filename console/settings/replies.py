"""AI replies per channel, and when a conversation goes to a person (sentiment thresholds)."""

from __future__ import annotations

import streamlit as st

from console import actions
from console.auth import SignedIn
from console.settings.saving import callback_user, resync, save
from data import workspaces
from data.models import Workspace
from data.vocab import REPLYABLE_CHANNELS, label

_FORM = "settings.escalation"

NEGATIVE_HELP = (
    "How upset one message must be before a person takes over. -1 is furious, 0 is neutral: "
    "closer to 0 hands over sooner, closer to -1 only when a customer is very upset."
)
TREND_HELP = (
    "The same for the conversation's mood over several messages: a customer getting steadily "
    "more unhappy goes to a person once their average mood falls this low."
)


def _switch(me: SignedIn, channel: str, key: str) -> None:
    enabled = bool(st.session_state[key])
    if (now := callback_user(me)) is None:
        return
    name = label(channel)
    done = actions.run(
        lambda s: workspaces.set_auto_reply(
            s, workspaces.get(s, now.workspace_id), channel, enabled, now.actor
        ),
        done=f"{name}: the AI replies." if enabled else f"{name}: messages wait for a person.",
        rerun=False,
    )
    if done is None:
        resync(key)


def auto_replies(me: SignedIn, workspace: Workspace) -> None:
    st.subheader("AI replies")
    st.caption("Switch a channel off and its messages wait for a person (nothing is lost).")
    columns = st.columns(len(REPLYABLE_CHANNELS))
    for column, channel in zip(columns, REPLYABLE_CHANNELS, strict=True):
        key = f"settings.auto_reply.{channel}"
        actions.sync(key, workspaces.auto_reply_enabled(workspace, channel))
        column.toggle(label(channel), key=key, on_change=_switch, args=(me, str(channel), key))


def escalation(me: SignedIn, workspace: Workspace) -> None:
    actions.sync(f"{_FORM}.negative", float(workspace.negative_sentiment_threshold))
    actions.sync(f"{_FORM}.trend", float(workspace.sentiment_trend_threshold))
    with st.form(_FORM):
        st.subheader("When a person takes over")
        st.caption(
            "Besides these, a conversation goes to a person when the customer asks for one or "
            "the AI has no answer."
        )
        st.slider(
            "One very unhappy message",
            min_value=-1.0,
            max_value=0.0,
            step=0.05,
            key=f"{_FORM}.negative",
            help=NEGATIVE_HELP,
        )
        st.slider(
            "A conversation going badly",
            min_value=-1.0,
            max_value=0.0,
            step=0.05,
            key=f"{_FORM}.trend",
            help=TREND_HELP,
        )
        saved = st.form_submit_button("Save thresholds", type="primary")
    if saved:
        # Sliders step in floats (-0.6000000000000001): stored to two places.
        save(
            me,
            {
                "negative_sentiment_threshold": round(st.session_state[f"{_FORM}.negative"], 2),
                "sentiment_trend_threshold": round(st.session_state[f"{_FORM}.trend"], 2),
            },
            "Escalation thresholds",
        )
