"""Business hours, time zone, the after-hours note and the holding reply."""

from __future__ import annotations

from datetime import time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import streamlit as st

from console import actions
from console.auth import SignedIn
from console.settings.saving import save
from data.models import Workspace
from data.scheduling import Hours, describe_hours
from data.workspaces import WEEKDAYS

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
_FORM = "settings.business"


@cache
def time_zones() -> list[str]:
    """Every zone the system knows: the only ones the select offers."""
    return sorted(available_timezones())


def _clock(value: str) -> time:
    return time.fromisoformat(value)


def _hh_mm(value: time) -> str:
    return value.strftime("%H:%M")


def _shown(ranges: list[list[str]]) -> tuple[bool, time, time]:
    """A day as its row shows it: open, first opening, last closing (9 to 5 when closed)."""
    if not ranges:
        return False, time(9), time(17)
    return True, _clock(ranges[0][0]), _clock(ranges[-1][1])


def _day_row(day: str, ranges: list[list[str]]) -> None:
    is_open, opens, closes = _shown(ranges)
    key = f"{_FORM}.{day}"
    for suffix, stored in (("open", is_open), ("opens", opens), ("closes", closes)):
        actions.sync(f"{key}.{suffix}", stored)
    name, start, end = st.columns([1.2, 1, 1], vertical_alignment="center")
    name.checkbox(DAY_NAMES[day], key=f"{key}.open", help="Ticked: open that day.")
    start.time_input(
        f"{DAY_NAMES[day]} opens", key=f"{key}.opens", step=900, label_visibility="collapsed"
    )
    end.time_input(
        f"{DAY_NAMES[day]} closes", key=f"{key}.closes", step=900, label_visibility="collapsed"
    )
    if len(ranges) > 1:
        split = ", ".join(f"{a}-{b}" for a, b in ranges)
        st.caption(f"{DAY_NAMES[day]} has a break ({split}): kept unless you change this row.")


def _hours_typed(stored: dict[str, Any]) -> dict[str, list[list[str]]]:
    """The week as the form has it. A day whose row is untouched keeps its stored ranges,
    so a day with a break (two openings, which one row cannot show) survives a save."""
    week: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        ranges = stored.get(day, [])
        key = f"{_FORM}.{day}"
        typed = tuple(st.session_state[f"{key}.{s}"] for s in ("open", "opens", "closes"))
        if typed == _shown(ranges):
            week[day] = ranges
        elif typed[0]:
            week[day] = [[_hh_mm(typed[1]), _hh_mm(typed[2])]]
        else:
            week[day] = []
    return week


def business(me: SignedIn, workspace: Workspace) -> None:
    zones = time_zones()
    if workspace.timezone not in zones:
        zones = [workspace.timezone, *zones]
    actions.sync(f"{_FORM}.timezone", workspace.timezone)
    actions.sync(f"{_FORM}.after_hours_note", workspace.after_hours_note)
    actions.sync(f"{_FORM}.holding_reply", workspace.holding_reply)
    with st.form(_FORM):
        st.subheader("Business hours")
        st.caption("Now: " + describe_hours(Hours(workspace.business_hours, workspace.timezone)))
        st.selectbox(
            "Time zone",
            zones,
            key=f"{_FORM}.timezone",
            help="Hours, appointments and quiet hours are in this zone.",
        )
        day, opens, closes = st.columns([1.2, 1, 1])
        day.caption("Open on")
        opens.caption("Opens")
        closes.caption("Closes")
        for weekday in WEEKDAYS:
            _day_row(weekday, workspace.business_hours.get(weekday, []))
        st.text_area(
            "After-hours note",
            key=f"{_FORM}.after_hours_note",
            max_chars=1000,
            help="What the AI tells customers who write while you're closed "
            "(e.g. your emergency line).",
        )
        st.text_area(
            "Holding reply",
            key=f"{_FORM}.holding_reply",
            max_chars=500,
            help="Sent to the customer when their conversation goes to a person. "
            "Leave it empty to send nothing.",
        )
        saved = st.form_submit_button("Save hours and replies", type="primary")
    if saved:
        state = st.session_state
        save(
            me,
            {
                "timezone": state[f"{_FORM}.timezone"],
                "business_hours": _hours_typed(workspace.business_hours),
                "after_hours_note": state[f"{_FORM}.after_hours_note"],
                "holding_reply": state[f"{_FORM}.holding_reply"],
            },
            "Business hours and replies",
        )
