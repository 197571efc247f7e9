"""One figure on the analytics page: an Altair chart (or a metric row), its table and a CSV
download beside it."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from data.vocab import label

TEMPERATURE_COLOURS = alt.Scale(
    domain=["hot", "warm", "cool", "cold"], range=["#d62728", "#ff7f0e", "#1f77b4", "#7f7f7f"]
)


def labelled(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The frame with stored values (e.g. "webchat", "cant_answer") in the console's words."""
    frame = frame.copy()
    for column in columns:
        if column in frame:
            frame[column] = frame[column].map(lambda v: label(str(v)) if v is not None else v)
    return frame


def figure(
    title: str,
    frame: pd.DataFrame,
    chart: alt.Chart | None,
    *,
    key: str,
    caption: str = "",
) -> None:
    """A chart with its definition underneath, the numbers in a table and as CSV."""
    st.markdown(f"**{title}**")
    if caption:
        st.caption(caption)
    if frame.empty:
        st.info("No data for this period.")
        return
    if chart is not None:
        st.altair_chart(chart.properties(height=260), use_container_width=True)
    with st.expander("Table"):
        st.dataframe(frame, hide_index=True, use_container_width=True)
    st.download_button(
        "Download CSV",
        frame.to_csv(index=False).encode(),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"csv.{key}",
        icon=":material/download:",
    )


def stacked_bars(frame: pd.DataFrame, x: str, y: str, colour: str, **kwargs: object) -> alt.Chart:
    scale = kwargs.get("scale")
    colour_encoding = (
        alt.Color(f"{colour}:N", scale=scale) if scale is not None else alt.Color(f"{colour}:N")
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:T", title=None),
            y=alt.Y(f"{y}:Q", title=None, stack="zero"),
            color=colour_encoding,
            tooltip=list(frame.columns),
        )
    )


def line(frame: pd.DataFrame, x: str, y: str, colour: str | None = None) -> alt.Chart:
    encoding = {
        "x": alt.X(f"{x}:T", title=None),
        "y": alt.Y(f"{y}:Q", title=None),
        "tooltip": list(frame.columns),
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N")
    return alt.Chart(frame).mark_line(point=True).encode(**encoding)


def bars(frame: pd.DataFrame, x: str, y: str, sort: list[str] | None = None) -> alt.Chart:
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:N", title=None, sort=sort),
            y=alt.Y(f"{y}:Q", title=None),
            tooltip=list(frame.columns),
        )
    )


def heatmap(frame: pd.DataFrame) -> alt.Chart:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    shaped = frame.assign(day=frame["weekday"].map(lambda d: days[int(d) - 1]))
    return (
        alt.Chart(shaped)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour"),
            y=alt.Y("day:N", sort=days, title=None),
            color=alt.Color("customer_messages:Q", title="Messages"),
            tooltip=["day", "hour", "customer_messages"],
        )
    )
