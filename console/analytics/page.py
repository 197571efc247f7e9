"""The Analytics page (managers and owners): filters on top (period, channel, day or week),
then one tab per section. Every figure comes from `data/analytics` (DuckDB over a snapshot
at most a minute old); this page only draws."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import altair as alt
import streamlit as st
from duckdb import DuckDBPyConnection

from console.analytics.charts import (
    TEMPERATURE_COLOURS,
    bars,
    figure,
    heatmap,
    labelled,
    line,
    stacked_bars,
)
from console.auth import SignedIn, account_menu
from console.display import local_time
from data import workspaces
from data.analytics import compliance, conversations, escalations, leads, responsiveness
from data.analytics.period import Period
from data.analytics.snapshot import snapshot_for
from data.clock import utcnow
from data.db import get_engine, session_scope
from data.models import Workspace
from data.vocab import REPLYABLE_CHANNELS, ChannelKind, label

CHANNELS = {"All channels": None} | {
    label(c): str(c) for c in (*REPLYABLE_CHANNELS, ChannelKind.VOICE)
}
PRESETS = {"Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90}


def _filters(workspace: Workspace) -> Period | None:
    today = utcnow().astimezone(ZoneInfo(workspace.timezone)).date()
    left, mid, right = st.columns([2, 1, 1])
    chosen = left.date_input(
        "Period",
        value=(today - timedelta(days=29), today),
        max_value=today,
        key="analytics.period",
    )
    channel = mid.selectbox("Channel", list(CHANNELS), key="analytics.channel")
    grain = right.segmented_control(
        "By", ["day", "week"], default="day", format_func=str.title, key="analytics.grain"
    )
    if not isinstance(chosen, tuple) or len(chosen) != 2:
        st.info("Choose the last day of the period too.")
        return None
    first, last = chosen
    if (last - first).days > 731:
        st.error("Choose a period of at most two years.")
        return None
    return Period.of(workspace, first, last, CHANNELS[channel], grain or "day")


def _leads(cursor: DuckDBPyConnection, period: Period) -> None:
    over_time = leads.temperature_over_time(cursor, period)
    figure(
        "Lead temperature over time",
        over_time,
        stacked_bars(over_time, "bucket", "contacts", "temperature", scale=TEMPERATURE_COLOURS),
        key="lead-temperature",
        caption="Contacts by temperature at the end of each day or week.",
    )
    left, right = st.columns(2)
    with left:
        by_channel = labelled(leads.temperature_by_channel(cursor, period), "channel")
        chart = (
            alt.Chart(by_channel)
            .mark_bar()
            .encode(
                x=alt.X("channel:N", title=None),
                y=alt.Y("contacts:Q", title=None),
                color=alt.Color("temperature:N", scale=TEMPERATURE_COLOURS),
                tooltip=list(by_channel.columns),
            )
        )
        figure(
            "Temperature by channel",
            by_channel,
            chart,
            key="temperature-by-channel",
            caption="Contacts who wrote in the period, by their current temperature.",
        )
    with right:
        outcome = leads.outcome_by_first_temperature(cursor, period)
        figure(
            "Booked or won, by temperature at first contact",
            outcome,
            bars(outcome, "temperature", "share", sort=["hot", "warm", "cool", "cold"]),
            key="outcome-by-temperature",
            caption="Temperature one hour after a contact's first message; share now Booked/Won.",
        )
    funnel = labelled(leads.funnel(cursor, period), "stage")
    left, right = st.columns([2, 1])
    with left:
        figure(
            "Lead funnel",
            funnel,
            bars(funnel, "stage", "contacts", sort=list(funnel["stage"])),
            key="lead-funnel",
            caption="Contacts who started in the period and reached each stage.",
        )
    with right:
        booking = leads.time_to_booking(cursor, period)
        figure("Time to booking (hours)", booking, None, key="time-to-booking")
        if not booking.empty and booking["contacts"].iloc[0]:
            st.metric("Median", f"{booking['p50_hours'].iloc[0]:.1f} h")


def _conversations(cursor: DuckDBPyConnection, period: Period) -> None:
    volume = labelled(conversations.volume(cursor, period), "channel")
    figure(
        "Conversations by channel",
        volume,
        stacked_bars(volume, "bucket", "conversations", "channel"),
        key="volume",
        caption="Conversations started in each day or week.",
    )
    left, right = st.columns([2, 1])
    with left:
        hours = conversations.heatmap(cursor, period)
        figure(
            "When customers write",
            hours,
            heatmap(hours) if not hours.empty else None,
            key="heatmap",
            caption="Customer messages by weekday and hour, in the business's time zone.",
        )
    with right:
        ai_only = conversations.ai_only_share(cursor, period)
        after = conversations.after_hours_share(cursor, period)
        if not ai_only.empty and ai_only["conversations"].iloc[0]:
            st.metric("Answered fully by the AI", f"{ai_only['share'].iloc[0]:.0%}")
        if not after.empty and after["customer_messages"].iloc[0]:
            st.metric("Messages after hours", f"{after['share'].iloc[0]:.0%}")
        figure("AI-only conversations", ai_only, None, key="ai-only")
        figure("After-hours messages", after, None, key="after-hours")


def _responsiveness(cursor: DuckDBPyConnection, period: Period) -> None:
    first = responsiveness.first_response(cursor, period)
    for _, row in first.iterrows():
        if row["answered"]:
            st.metric(
                f"First response, {row['responder']} (median)",
                f"{row['p50_minutes']:.1f} min",
                help=f"Within business hours: {row['p50_business_minutes']:.1f} min",
            )
    figure(
        "First response time",
        first,
        None,
        key="first-response",
        caption="From the customer's first message; the AI and people counted apart.",
    )
    figure(
        "Reply by a person after escalation",
        responsiveness.human_after_escalation(cursor, period),
        None,
        key="after-escalation",
    )
    figure(
        "Resolution time",
        responsiveness.resolution(cursor, period),
        None,
        key="resolution",
        caption="From the first message to the first close.",
    )


def _escalations(cursor: DuckDBPyConnection, period: Period) -> None:
    rate = escalations.escalation_rate(cursor, period)
    figure(
        "Escalation rate",
        rate,
        line(rate, "bucket", "rate"),
        key="escalation-rate",
        caption="Share of the conversations started each day or week that were escalated.",
    )
    reasons = labelled(escalations.reasons(cursor, period), "reason")
    figure(
        "Escalation reasons",
        reasons,
        stacked_bars(reasons, "bucket", "escalations", "reason"),
        key="escalation-reasons",
    )
    sentiment = escalations.sentiment_trend(cursor, period)
    figure(
        "Customer sentiment",
        sentiment,
        line(sentiment, "bucket", "average_sentiment"),
        key="sentiment",
        caption="Average score of customers' messages (-1 to +1).",
    )


def _compliance(cursor: DuckDBPyConnection, period: Period, workspace: Workspace) -> None:
    segments = compliance.sms_segments(cursor, workspace)
    row = segments.iloc[0]
    st.metric("SMS segments this month", f"{row['used']:,} of {row['allowance']:,}")
    if row["allowance"]:
        st.progress(min(1.0, float(row["used"]) / float(row["allowance"])))
    figure("SMS allowance", segments, None, key="sms-segments")
    outs = labelled(compliance.opt_outs(cursor, period), "channel")
    figure("Opt-outs", outs, stacked_bars(outs, "bucket", "opt_outs", "channel"), key="opt-outs")


def render(user: SignedIn) -> None:
    title, account = st.columns([4, 0.8])
    title.title("Analytics")
    with account:
        account_menu(user)
    with session_scope() as session:
        workspace = workspaces.get(session, user.workspace_id)
    period = _filters(workspace)
    if period is None:
        return
    snapshot = snapshot_for(get_engine())
    cursor = snapshot.fresh()
    st.caption(
        f"Figures as of {local_time(snapshot.refreshed_at, workspace.timezone)}"
        " (brought up to date every minute). Definitions: README, section Analytics."
    )
    tabs = st.tabs(["Leads", "Conversations", "Responsiveness", "Escalations", "Compliance & cost"])
    with tabs[0]:
        _leads(cursor, period)
    with tabs[1]:
        _conversations(cursor, period)
    with tabs[2]:
        _responsiveness(cursor, period)
    with tabs[3]:
        _escalations(cursor, period)
    with tabs[4]:
        _compliance(cursor, period, workspace)
