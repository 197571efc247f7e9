"""Knowledge gaps: the customers' questions the AI could not answer, alike ones grouped and
counted, most asked first; each turns into a new entry with one click (the add form, filled)."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console.auth import SignedIn
from console.display import inert, local_time
from console.knowledge.common import fill_add_form, read
from data import knowledge, knowledge_gaps, workspaces
from data.knowledge_gaps import Gap

DAYS = "knowledge.gap_days"
PERIODS = [7, 30, 90]
SHOWN = 30


def _gaps(session: Session, me: SignedIn, days: int) -> tuple[list[Gap], str]:
    timezone = workspaces.get(session, me.workspace_id).timezone
    return knowledge_gaps.gaps(session, me.workspace_id, days=days), timezone


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def gaps_view(me: SignedIn) -> None:
    st.session_state.setdefault(DAYS, knowledge_gaps.DEFAULT_DAYS)
    days = st.segmented_control(
        "Period",
        PERIODS,
        key=DAYS,
        format_func=lambda d: f"Last {d} days",
        required=True,
        label_visibility="collapsed",
    )
    found = read(lambda s: _gaps(s, me, days or knowledge_gaps.DEFAULT_DAYS))
    if found is None:
        return
    gaps, timezone = found
    if not gaps:
        st.info(f"No unanswered questions in the last {days} days.")
        return
    asked = sum(gap.count for gap in gaps)
    st.caption(
        f"{asked} questions the AI couldn't answer in the last {days} days, in {len(gaps)} "
        "groups of alike questions, most asked first. A group leaves the list once an entry "
        "answers it."
    )
    for n, gap in enumerate(gaps[:SHOWN]):
        with st.container(border=True):
            text, button = st.columns([4, 1.3])
            # Customer text: inert, so it shows as typed.
            text.markdown(f"**{inert(gap.question)}**")
            text.caption(f"Asked {_times(gap.count)} · last {local_time(gap.last_asked, timezone)}")
            for example in gap.examples:
                text.caption(f"Also asked as: {inert(example)}")
            button.button(
                "Turn into an entry",
                key=f"knowledge.gap.{n}",
                on_click=fill_add_form,
                args=(gap.question[: knowledge.MAX_QUESTION],),
                icon=":material/add:",
            )
    if len(gaps) > SHOWN:
        st.caption(f"And {len(gaps) - SHOWN} more groups asked less often.")
