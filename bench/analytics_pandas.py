"""Every dashboard figure of `data/analytics` computed with pandas, for bench/analytics.py to
time against DuckDB: same inputs (frames of the snapshot's tables, kept columns included),
same definitions, same columns. Each function is the plain pandas way: filter, merge,
group, and `merge_asof` / `searchsorted` where a time lookup is needed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

import numpy as np
import pandas as pd

from data.analytics.leads import STAGES
from data.analytics.period import Period, opening_intervals
from data.models import Workspace
from data.usage import month_start, not_billed_statuses

Frames = dict[str, pd.DataFrame]
RANK = {stage: i for i, stage in enumerate(STAGES)}


def _local(times: pd.Series, period: Period) -> pd.Series:
    return times.dt.tz_localize("UTC").dt.tz_convert(period.timezone).dt.tz_localize(None)


def _bucket(times: pd.Series, period: Period) -> pd.Series:
    day = _local(times, period).dt.normalize()
    if period.grain == "week":
        day = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    return day


def _in(times: pd.Series, period: Period) -> pd.Series:
    return (times >= period.start) & (times < period.end)


def _ws(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[frame["workspace_id"] == period.workspace_id]


def _share(part: float, whole: float, digits: int = 4) -> float | None:
    return round(part / whole, digits) if whole else None


# Leads


def _contacts(f: Frames, period: Period) -> pd.DataFrame:
    c = _ws(f["contact"], period).copy()
    c["start"] = c[["created_at", "first_message_at"]].min(axis=1)
    return c if period.channel is None else c[c["channel"] == period.channel]


def _changes(f: Frames, period: Period) -> pd.DataFrame:
    e = _ws(f["event"], period)
    e = e[(e["kind"] == "lead_temperature_changed") & e["to_value"].notna()]
    return e.sort_values(["created_at", "id"])


def _as_of(contacts: pd.DataFrame, moments: pd.Series, changes: pd.DataFrame) -> pd.Series:
    """Each contact's temperature at its moment: the latest change at or before it, else the
    first change's `from`, else the current temperature."""
    left = pd.DataFrame({"id": contacts["id"].values, "moment": moments.values})
    left = left.reset_index().sort_values("moment")
    right = changes[["contact_id", "created_at", "to_value"]].rename(columns={"contact_id": "id"})
    found = pd.merge_asof(left, right, left_on="moment", right_on="created_at", by="id")
    latest = found.set_index("index")["to_value"].sort_index()
    return pd.Series(latest.values, index=contacts.index).fillna(_first_from(contacts, changes))


def _first_from(contacts: pd.DataFrame, changes: pd.DataFrame) -> pd.Series:
    """Each contact's first change's `from` (even if it has none), else its temperature."""
    first = changes.drop_duplicates("contact_id").set_index("contact_id")["from_value"]
    return contacts["id"].map(first).fillna(contacts["lead_temperature"])


def temperature_over_time(f: Frames, period: Period) -> pd.DataFrame:
    contacts, changes = _contacts(f, period), _changes(f, period)
    changes = changes[changes["contact_id"].isin(contacts["id"])]
    days = pd.date_range(period.first_day, period.last_day, freq="D")
    week = period.grain == "week"
    starts = sorted({d - pd.Timedelta(days=d.weekday()) for d in days} if week else days)
    step = pd.Timedelta(days=7 if week else 1)
    now = pd.Timestamp.now("UTC").tz_localize(None)
    out = []
    first_from = _first_from(contacts, changes)
    for start in starts:
        end = (start + step).tz_localize(period.timezone).tz_convert("UTC").tz_localize(None)
        end = min(end, now)
        latest = changes[changes["created_at"] <= end].groupby("contact_id")["to_value"].last()
        counted = contacts["start"] < end
        state = contacts["id"].map(latest).fillna(first_from)[counted]
        for temperature, n in state.value_counts().items():
            out.append((start, temperature, n))
    frame = pd.DataFrame(out, columns=["bucket", "temperature", "contacts"])
    return frame.sort_values(["bucket", "temperature"], ignore_index=True)


def temperature_by_channel(f: Frames, period: Period) -> pd.DataFrame:
    m = _ws(f["message"], period)
    wrote = m.loc[(m["direction"] == "inbound") & _in(m["created_at"], period), "contact_id"]
    c = _contacts(f, period)
    c = c[c["id"].isin(wrote.unique())]
    frame = c.groupby(["channel", "lead_temperature"], dropna=False).size()
    frame = (
        frame.rename("contacts").reset_index().rename(columns={"lead_temperature": "temperature"})
    )
    return frame.sort_values(["channel", "temperature"], ignore_index=True)


def outcome_by_first_temperature(f: Frames, period: Period) -> pd.DataFrame:
    c = _contacts(f, period)
    c = c[_in(c["start"], period)]
    c = c.assign(temperature=_as_of(c, c["start"] + pd.Timedelta(hours=1), _changes(f, period)))
    c["won"] = c["lead_status"].isin(["booked", "won"])
    frame = c.groupby("temperature").agg(contacts=("id", "size"), booked_or_won=("won", "sum"))
    frame["share"] = (frame["booked_or_won"] / frame["contacts"]).round(4)
    return frame.reset_index()


def funnel(f: Frames, period: Period) -> pd.DataFrame:
    c = _contacts(f, period)
    c = c[_in(c["start"], period)]
    e = _ws(f["event"], period)
    e = e[e["kind"] == "lead_status_changed"]
    moved = e["to_value"].map(RANK).fillna(-1).groupby(e["contact_id"]).max()
    rank = np.maximum(c["lead_status"].map(RANK).fillna(-1), c["id"].map(moved).fillna(0))
    counts = [int((rank >= i).sum()) for i in range(len(STAGES))]
    conversion = [None] + [_share(b, a) for a, b in pairwise(counts)]
    lost = int((c["lead_status"] == "lost").sum())
    return pd.DataFrame(
        {
            "stage": [*STAGES, "lost"],
            "contacts": [*counts, lost],
            "conversion": [*conversion, None],
        }
    )


def time_to_booking(f: Frames, period: Period) -> pd.DataFrame:
    c = _contacts(f, period)
    c = c[_in(c["start"], period)]
    e = _ws(f["event"], period)
    e = e[(e["kind"] == "lead_status_changed") & (e["to_value"] == "booked")]
    booked = e.groupby("contact_id")["created_at"].min()
    hours = ((c["id"].map(booked) - c["start"]).dt.total_seconds() / 3600).dropna()
    quantile = (lambda q: round(hours.quantile(q), 2)) if len(hours) else (lambda q: None)
    return pd.DataFrame(
        [{"contacts": len(hours), "p50_hours": quantile(0.5), "p90_hours": quantile(0.9)}]
    )


# Conversations


def _started(f: Frames, period: Period) -> pd.DataFrame:
    v = _ws(f["conversation"], period)
    if period.channel is not None:
        v = v[v["channel"] == period.channel]
    return v.assign(started_at=v[["created_at", "first_message_at"]].min(axis=1))


def _inbound(f: Frames, period: Period) -> pd.DataFrame:
    m = _ws(f["message"], period)
    keep = (m["direction"] == "inbound") & _in(m["created_at"], period)
    if period.channel is not None:
        keep &= m["channel"] == period.channel
    return m[keep]


def volume(f: Frames, period: Period) -> pd.DataFrame:
    s = _started(f, period)
    s = s[_in(s["started_at"], period)]
    started = s.groupby([_bucket(s["started_at"], period), "channel"]).size()
    m = _inbound(f, period)
    received = m.groupby([_bucket(m["created_at"], period), "channel"]).size()
    frame = pd.concat({"conversations": started, "customer_messages": received}, axis=1)
    frame = frame.fillna(0).astype("int64").rename_axis(["bucket", "channel"]).reset_index()
    return frame.sort_values(["bucket", "channel"], ignore_index=True)


def heatmap(f: Frames, period: Period) -> pd.DataFrame:
    t = _local(_inbound(f, period)["created_at"], period)
    frame = t.groupby([t.dt.day_of_week + 1, t.dt.hour]).size()
    frame = frame.rename_axis(["weekday", "hour"]).rename("customer_messages").reset_index()
    return frame.sort_values(["weekday", "hour"], ignore_index=True)


def ai_only_share(f: Frames, period: Period) -> pd.DataFrame:
    s = _started(f, period)
    cohort = s.loc[_in(s["started_at"], period) & s["first_inbound_at"].notna(), "id"]
    m, e = _ws(f["message"], period), _ws(f["event"], period)
    touched = set(m.loc[m["sender_kind"] == "operator", "conversation_id"])
    touched |= set(e.loc[e["kind"].isin(["escalated", "taken_over"]), "conversation_id"])
    ai_only = int((~cohort.isin(touched)).sum())
    return pd.DataFrame(
        [{"conversations": len(cohort), "ai_only": ai_only, "share": _share(ai_only, len(cohort))}]
    )


def _is_open(times: pd.Series, hours: pd.DataFrame) -> np.ndarray:
    """Whether each time falls in an opening interval (intervals sorted, not overlapping)."""
    at = hours["opens"].searchsorted(times, side="right") - 1
    closes = hours["closes"].to_numpy()
    return (at >= 0) & (times.to_numpy() < closes[np.clip(at, 0, None)])


def after_hours_share(f: Frames, period: Period) -> pd.DataFrame:
    times = _inbound(f, period)["created_at"]
    after = int((~_is_open(times, opening_intervals(period, 0))).sum())
    return pd.DataFrame(
        [
            {
                "customer_messages": len(times),
                "after_hours": after,
                "share": _share(after, len(times)),
            }
        ]
    )


# Responsiveness


def _open_seconds(times: pd.Series, hours: pd.DataFrame) -> np.ndarray:
    """Opening seconds from the first interval until each time."""
    at = hours["opens"].searchsorted(times, side="right") - 1
    i = np.clip(at, 0, None)
    into = (times.to_numpy() - hours["opens"].to_numpy()[i]) / np.timedelta64(1, "s")
    seconds = hours["before"].to_numpy()[i] + np.minimum(into, hours["length"].to_numpy()[i])
    return np.where(at >= 0, seconds, 0.0)


def _summary(spans: pd.DataFrame, period: Period) -> pd.DataFrame:
    """spans: responder, since, answered (NaT if never)."""
    hours = opening_intervals(period)
    done = spans.dropna(subset=["answered"]).copy()
    done["minutes"] = (done["answered"] - done["since"]).dt.total_seconds() / 60
    business = _open_seconds(done["answered"], hours) - _open_seconds(done["since"], hours)
    done["business"] = np.maximum(business, 0) / 60
    rows = []
    for responder, asked in spans.groupby("responder").size().items():
        d = done[done["responder"] == responder]
        figures = [
            round(d[column].quantile(q), 2) if len(d) else None
            for column in ("minutes", "business")
            for q in (0.5, 0.9)
        ]
        rows.append((responder, asked, len(d), figures[0], figures[1], figures[2], figures[3]))
    columns = ["responder", "asked", "answered", "p50_minutes", "p90_minutes"]
    return pd.DataFrame(rows, columns=[*columns, "p50_business_minutes", "p90_business_minutes"])


def _conversations_on(f: Frames, period: Period) -> pd.Series:
    v = _ws(f["conversation"], period)
    return v["id"] if period.channel is None else v.loc[v["channel"] == period.channel, "id"]


def _first_after(
    since: pd.DataFrame, replies: pd.DataFrame, key: str = "conversation_id"
) -> pd.Series:
    """For each row of `since` (key, since), the first reply time at or after it."""
    both = since.reset_index().merge(replies[["conversation_id", "created_at"]], on=key)
    both = both[both["created_at"] >= both["since"]]
    return both.groupby("index")["created_at"].min().reindex(since.index)


def first_response(f: Frames, period: Period) -> pd.DataFrame:
    v = _ws(f["conversation"], period)
    v = v[_in(v["first_inbound_at"], period) & v["id"].isin(_conversations_on(f, period))]
    firsts = pd.DataFrame(
        {"conversation_id": v["id"].values, "since": v["first_inbound_at"].values}
    )
    m = _ws(f["message"], period)
    m = m[(m["direction"] == "outbound") & (m["created_at"] >= period.start)]
    ai = m[(m["sender_kind"] == "ai") & (m["purpose"].fillna("") != "alert")]
    person = m[m["sender_kind"] == "operator"]
    spans = pd.concat(
        [
            firsts.assign(responder="AI", answered=_first_after(firsts, ai)),
            firsts.assign(responder="Person", answered=_first_after(firsts, person)),
        ]
    )
    return _summary(spans, period)


def human_after_escalation(f: Frames, period: Period) -> pd.DataFrame:
    e = _ws(f["event"], period)
    e = e[(e["kind"] == "escalated") & _in(e["created_at"], period)]
    e = e[e["conversation_id"].isin(_conversations_on(f, period))]
    x = e[["conversation_id", "created_at"]].rename(columns={"created_at": "since"})
    x = x.reset_index(drop=True)
    m = _ws(f["message"], period)
    person = m[(m["direction"] == "outbound") & (m["sender_kind"] == "operator")]
    answered = _first_after(x, person[person["created_at"] >= period.start])
    return _summary(x.assign(responder="Person after escalation", answered=answered), period)


def resolution(f: Frames, period: Period) -> pd.DataFrame:
    e = _ws(f["event"], period)
    e = e[(e["kind"] == "closed") & e["conversation_id"].isin(_conversations_on(f, period))]
    closed = e.groupby("conversation_id")["created_at"].min()
    closed = closed[_in(closed, period)].rename("answered").reset_index()
    s = _started(f, period)[["id", "started_at"]].rename(columns={"id": "conversation_id"})
    spans = closed.merge(s, on="conversation_id").rename(columns={"started_at": "since"})
    return _summary(spans.assign(responder="Resolution"), period)


# Escalations and compliance


def escalation_rate(f: Frames, period: Period) -> pd.DataFrame:
    s = _started(f, period)
    s = s[_in(s["started_at"], period)]
    e = _ws(f["event"], period)
    s["escalated"] = s["id"].isin(e.loc[e["kind"] == "escalated", "conversation_id"])
    frame = s.groupby(_bucket(s["started_at"], period).rename("bucket")).agg(
        conversations=("id", "size"), escalated=("escalated", "sum")
    )
    frame["rate"] = (frame["escalated"] / frame["conversations"]).round(4)
    return frame.reset_index()


def _escalations_on(f: Frames, period: Period) -> pd.DataFrame:
    e = _ws(f["event"], period)
    e = e[(e["kind"] == "escalated") & _in(e["created_at"], period)]
    return e[e["conversation_id"].isin(_conversations_on(f, period))]


def reasons(f: Frames, period: Period) -> pd.DataFrame:
    e = _escalations_on(f, period)
    frame = e.groupby([_bucket(e["created_at"], period), e["reason"].fillna("manual")]).size()
    frame = frame.rename_axis(["bucket", "reason"]).rename("escalations").reset_index()
    return frame.sort_values(["bucket", "reason"], ignore_index=True)


def sentiment_trend(f: Frames, period: Period) -> pd.DataFrame:
    m = _inbound(f, period)
    m = m[m["sentiment"].notna()]
    frame = m.groupby(_bucket(m["created_at"], period).rename("bucket"))["sentiment"]
    frame = frame.agg(average_sentiment="mean", scored_messages="size").reset_index()
    frame["average_sentiment"] = frame["average_sentiment"].round(3)
    return frame


def opt_outs(f: Frames, period: Period) -> pd.DataFrame:
    e = _ws(f["event"], period)
    e = e[(e["kind"] == "opted_out") & _in(e["created_at"], period)]
    channels = f["conversation"].set_index("id")["channel"]
    channel = e["conversation_id"].map(channels)
    if period.channel:
        e, channel = e[channel == period.channel], channel[channel == period.channel]
    channel = channel.fillna("unknown")
    frame = e.groupby([_bucket(e["created_at"], period), channel]).size()
    frame = frame.rename_axis(["bucket", "channel"]).rename("opt_outs").reset_index()
    return frame.sort_values(["bucket", "channel"], ignore_index=True)


def sms_segments(f: Frames, workspace: Workspace, now: datetime) -> pd.DataFrame:
    start = month_start(workspace, now).replace(tzinfo=None)
    m = f["message"]
    m = m[(m["workspace_id"] == workspace.id) & (m["channel"] == "sms")]
    m = m[(m["direction"] == "outbound") & (m["created_at"] >= start)]
    used = int(m.loc[~m["status"].isin(not_billed_statuses()), "segments"].sum())
    allowance = workspace.sms_allowance
    return pd.DataFrame(
        [
            {
                "month_start": start,
                "used": used,
                "allowance": allowance,
                "share": _share(used, allowance),
            }
        ]
    )


FIGURES: dict[str, Callable[[Frames, Period], pd.DataFrame]] = {
    f.__name__: f
    for f in (
        temperature_over_time, temperature_by_channel, outcome_by_first_temperature, funnel,
        time_to_booking, volume, heatmap, ai_only_share, after_hours_share, first_response,
        human_after_escalation, resolution, escalation_rate, reasons, sentiment_trend, opt_outs,
    )
}  # fmt: skip
