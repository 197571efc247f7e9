"""The entries: an add form (which a knowledge gap can fill), search, and each entry with Edit
and Disable/Enable. Newest first, in pages of `PAGE` (a knowledge base has hundreds)."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn
from console.display import inert
from console.knowledge.common import ANSWER, FROM_GAP, QUESTION, TAGS, read
from data import knowledge
from data.models import KnowledgeEntry

PAGE = 50
SEARCH = "knowledge.search"
SHOWN = "knowledge.shown"
EDITING = "knowledge.editing"
EDIT_QUESTION, EDIT_ANSWER, EDIT_TAGS = (
    "knowledge.edit.question",
    "knowledge.edit.answer",
    "knowledge.edit.tags",
)


def _entry(session: Session, me: SignedIn, entry_id: int) -> KnowledgeEntry:
    entry = knowledge.get(session, me.workspace_id, entry_id)
    if entry is None:
        raise LookupError("That entry no longer exists.")
    return entry


def _complete(question: str, answer: str) -> bool:
    """Both parts written; said here rather than by the domain's message, which quotes the
    question (maybe a customer's, from a gap) into Markdown."""
    if not question.strip():
        st.error("Write the question.")
        return False
    if not answer.strip():
        st.error("Write the answer the AI should give.")
        return False
    return True


def _add_form(me: SignedIn) -> None:
    with st.form("knowledge.add"):
        st.subheader("Add an entry")
        from_gap = st.session_state.get(FROM_GAP)
        if from_gap:
            st.caption("From a knowledge gap: write the answer the AI should give.")
        question = st.text_input(
            "Question",
            key=QUESTION,
            max_chars=knowledge.MAX_QUESTION,
            placeholder="e.g. Do you charge for estimates?",
        )
        answer = st.text_area(
            "Answer (sent to customers as written)", key=ANSWER, max_chars=knowledge.MAX_ANSWER
        )
        tags = st.text_input("Tags (comma-separated, optional)", key=TAGS)
        added = st.form_submit_button("Add entry", type="primary")
    if not added or not _complete(question, answer):
        return
    entry = actions.run(
        lambda s: knowledge.add(s, me.workspace_id, question, answer, tags, actor=me.actor),
        done="Added: the AI answers from it now.",
        clear=(QUESTION, ANSWER, TAGS),
        rerun=False,
    )
    if entry is not None:
        st.session_state.pop(FROM_GAP, None)
        st.rerun()


def _start_edit(entry: KnowledgeEntry) -> None:
    st.session_state[EDITING] = entry.id
    st.session_state[EDIT_QUESTION] = entry.question
    st.session_state[EDIT_ANSWER] = entry.answer
    st.session_state[EDIT_TAGS] = entry.tags.replace(",", ", ")


def _edit_form(me: SignedIn, entry: KnowledgeEntry) -> None:
    with st.form(f"knowledge.edit.{entry.id}"):
        question = st.text_input("Question", key=EDIT_QUESTION, max_chars=knowledge.MAX_QUESTION)
        answer = st.text_area("Answer", key=EDIT_ANSWER, max_chars=knowledge.MAX_ANSWER)
        tags = st.text_input("Tags (comma-separated)", key=EDIT_TAGS)
        save, cancel = st.columns([1, 1])
        saved = save.form_submit_button("Save", type="primary")
        cancelled = cancel.form_submit_button("Cancel")
    if cancelled:
        st.session_state.pop(EDITING, None)
        st.rerun()
    if not saved or not _complete(question, answer):
        return
    done = actions.run(
        lambda s: knowledge.update(
            s, _entry(s, me, entry.id), question=question, answer=answer, tags=tags, actor=me.actor
        ),
        done="Saved.",
        rerun=False,
    )
    if done is not None:
        st.session_state.pop(EDITING, None)
        st.rerun()


def _show(me: SignedIn, entry: KnowledgeEntry) -> None:
    with st.container(border=True):
        if st.session_state.get(EDITING) == entry.id:
            _edit_form(me, entry)
            return
        text, buttons = st.columns([5, 1])
        badge = "" if entry.enabled else " :gray-badge[Disabled]"
        text.markdown(f"**{inert(entry.question)}**{badge}")
        # As typed: the answer goes to customers as plain text, line breaks and all.
        text.text(entry.answer)
        if entry.tag_list:
            text.caption(" · ".join(inert(tag) for tag in entry.tag_list))
        buttons.button(
            "Edit", key=f"knowledge.edit_button.{entry.id}", on_click=_start_edit, args=(entry,)
        )
        verb = "Disable" if entry.enabled else "Enable"
        if buttons.button(verb, key=f"knowledge.enabled.{entry.id}"):
            actions.run(
                lambda s: knowledge.update(
                    s, _entry(s, me, entry.id), enabled=not entry.enabled, actor=me.actor
                ),
                done=(
                    "Disabled: the AI no longer answers from it."
                    if entry.enabled
                    else "Enabled: the AI answers from it again."
                ),
            )


def _more() -> None:
    st.session_state[SHOWN] = st.session_state.get(SHOWN, PAGE) + PAGE


def entries_view(me: SignedIn) -> None:
    _add_form(me)
    search = st.text_input(
        "Search",
        key=SEARCH,
        placeholder="Search questions, answers and tags",
        label_visibility="collapsed",
    )
    found = read(
        lambda s: (
            knowledge.list_entries(s, me.workspace_id, search=search),
            knowledge.count(s, me.workspace_id),
        )
    )
    if found is None:
        return
    rows, total = found
    if not total:
        st.info("No entries yet: add one above, or import a CSV or Markdown file.")
        return
    if search.strip():
        st.caption(f"{len(rows)} of {total} entries match.")
    else:
        answering = sum(1 for row in rows if row.enabled)
        st.caption(f"{total} entries, {answering} answering customers.")
    shown = st.session_state.get(SHOWN, PAGE)
    for entry in list(reversed(rows))[:shown]:
        _show(me, entry)
    if len(rows) > shown:
        st.button(f"Show more ({len(rows) - shown} left)", key="knowledge.more", on_click=_more)
