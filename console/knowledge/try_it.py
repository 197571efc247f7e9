"""Try it: what the AI would answer a customer's question, from which entry and how sure it
is, or that it would hand the question to a person (with the nearest entries, not sure
enough). Asked of the offline responder the way the inbox's suggestions ask it."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console.auth import SignedIn
from console.display import inert
from console.knowledge.common import read
from data import knowledge, suggestions, workspaces
from data.answers.replies import Reply, ReplyKind
from data.answers.retrieval import DEFAULT_MIN_CONFIDENCE, Match
from data.vocab import label

TEXT = "knowledge.try_text"


def _ask(session: Session, me: SignedIn, text: str) -> tuple[Reply, list[Match]]:
    workspace = workspaces.get(session, me.workspace_id)
    reply = suggestions.offline_reply(session, workspace, text)
    nearest = knowledge.index_for(session, me.workspace_id).search(text, limit=3)
    return reply, nearest


def _confidence(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def try_view(me: SignedIn) -> None:
    with st.form("knowledge.try"):
        text = st.text_area(
            "A customer asks", key=TEXT, placeholder="e.g. Do you charge for estimates?"
        )
        asked = st.form_submit_button("Ask the AI", type="primary")
    st.caption(
        f"Answers come from enabled entries with a confidence of at least "
        f"{DEFAULT_MIN_CONFIDENCE:.2f} (0 to 1); below that the AI hands the question to a person."
    )
    if not asked:
        return
    if not text.strip():
        st.warning("Type a question a customer might ask.")
        return
    found = read(lambda s: _ask(s, me, text))
    if found is None:
        return
    reply, nearest = found
    if reply.kind == ReplyKind.ANSWER:
        st.success(
            f"The AI would answer from **{inert(reply.entry_question)}** "
            f"(confidence {_confidence(reply.confidence)}):"
        )
        with st.container(border=True):
            st.text(reply.text)
        return
    if not reply.escalates:
        kind = inert(label(reply.kind))
        if not reply.text:
            st.info(f"Not a knowledge question ({kind}): the AI would say nothing.")
            return
        st.info(f"Not a knowledge question ({kind}). The AI would say:")
        with st.container(border=True):
            st.text(reply.text)
        return
    st.warning(
        "The AI wouldn't answer this: it would hand the conversation to a person. "
        + inert(reply.reason or "")
    )
    if nearest:
        st.caption("Nearest entries, not confident enough to answer:")
        for match in nearest:
            st.caption(
                f"{inert(match.entry.question)} (confidence {_confidence(match.confidence)})"
            )
