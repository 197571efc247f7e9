"""Import: a .csv (question, answer, tags) or Markdown Q&A file, its entries previewed before
anything is written; the same question again updates its entry in place, and "replace"
removes every entry first."""

from __future__ import annotations

import streamlit as st

from console import actions
from console.auth import SignedIn
from console.display import inert
from console.knowledge.common import read
from data import knowledge
from data.knowledge import InvalidKnowledge

#: Bumped after an import: new keys are the only way to empty a file uploader (and untick
#: "replace" once it has been drawn).
UPLOAD_ROUND = "knowledge.upload_round"
REPLACE = "knowledge.replace"
MAX_MB = 2
PREVIEW = 200


def import_view(me: SignedIn) -> None:
    round_ = st.session_state.setdefault(UPLOAD_ROUND, 0)
    upload = st.file_uploader(
        "A .csv file with question, answer and (optionally) tags columns, or a Markdown file: "
        "'## Question' headings with the answer below, or 'Q:' and 'A:' lines",
        type=["csv", "md", "markdown", "txt"],
        key=f"knowledge.upload.{round_}",
        max_upload_size=MAX_MB,
    )
    if upload is None:
        return
    try:
        drafts = knowledge.parse_upload(upload.name, upload.getvalue())
    except InvalidKnowledge as refused:
        # The reason quotes the file's text: inert, so it shows as written.
        st.error(f"That file can't be imported: {inert(str(refused))}")
        return
    if not drafts:
        st.warning("That file has no entries.")
        return
    st.caption(f"{len(drafts)} entries found. Nothing is saved until you import them.")
    st.dataframe(
        [{"Question": d.question, "Answer": d.answer, "Tags": d.tags} for d in drafts[:PREVIEW]],
        hide_index=True,
    )
    if len(drafts) > PREVIEW:
        st.caption(f"The first {PREVIEW} are shown.")
    existing = read(lambda s: knowledge.count(s, me.workspace_id))
    if existing is None:
        return
    replace = st.checkbox(
        f"Replace the whole knowledge base (removes the {existing} entries there now)",
        key=f"{REPLACE}.{round_}",
        disabled=not existing,
    )
    if not st.button(f"Import {len(drafts)} entries", type="primary", key="knowledge.import"):
        return
    result = actions.run(
        lambda s: knowledge.import_entries(
            s, me.workspace_id, drafts, replace=replace, actor=me.actor
        ),
        rerun=False,
    )
    if result is None:
        return
    removed = f", {result.removed} removed first" if replace else ""
    actions.flash(
        f"Imported: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged{removed}."
    )
    st.session_state[UPLOAD_ROUND] = round_ + 1
    st.rerun()
