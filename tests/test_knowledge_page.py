"""The Knowledge base page (owners and managers) through the real Streamlit app: entries listed,
searched, added, edited and disabled; CSV and Markdown import with a preview; the try-it box;
knowledge gaps turned into entries; operators refused."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from data import knowledge
from data.clock import utcnow
from data.models import KnowledgeEntry, User, Workspace
from data.vocab import EventKind
from tests.console_helpers import (
    customer_writes,
    events,
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    ok,
    open_page,
    reread,
    shown,
    signed_in_app,
    submit,
    values,
)
from tests.factories import make_user

ESTIMATES = "Do you charge for estimates?"
_senders = itertools.count(10)


def shop(session: Session, role: str = "manager") -> tuple[Workspace, User]:
    workspace = make_shop(session)
    knowledge.add(session, workspace.id, ESTIMATES, "Estimates are free.", "pricing, estimates")
    knowledge.add(session, workspace.id, "What are your hours?", "Mon-Fri 8 to 5.", "hours")
    knowledge.add(
        session,
        workspace.id,
        "Do you install tankless water heaters?",
        "Yes: Rinnai and Navien, usually in a day.",
        "water heaters",
    )
    return workspace, make_user(session, workspace, role, name="Mo")


def knowledge_page(session: Session, role: str = "manager") -> tuple[AppTest, Workspace, User]:
    """`role` (Mo) on the Knowledge base page of a shop with three entries."""
    workspace, user = shop(session, role)
    session.commit()
    at = open_page(signed_in_app(user, run=False), "knowledge")
    assert values(at.title) == ["Knowledge base"]
    return at, workspace, user


def view(at: AppTest, name: str) -> AppTest:
    at.segmented_control(key="knowledge.view").set_value(name).run()
    return ok(at)


def entries(session: Session, workspace: Workspace) -> list[KnowledgeEntry]:
    return knowledge.list_entries(reread(session), workspace.id)


def entry_id(session: Session, workspace: Workspace, question: str) -> int:
    return next(e.id for e in entries(session, workspace) if e.question == question)


def try_it(at: AppTest, question: str) -> AppTest:
    at.text_area(key="knowledge.try_text").input(question)
    return submit(at, "knowledge.try", "Ask the AI")


def test_the_entries_are_listed_newest_first_and_searched(session: Session) -> None:
    at, _, _ = knowledge_page(session)

    questions = [v for v in values(at.markdown) if v.startswith("**")]
    assert questions == [
        r"**Do you install tankless water heaters\?**",
        r"**What are your hours\?**",
        r"**Do you charge for estimates\?**",
    ]
    assert "Yes: Rinnai and Navien, usually in a day." in values(at.text)
    assert shown(at.caption, "3 entries, 3 answering customers.")

    at.text_input(key="knowledge.search").input("navien").run()

    assert [v for v in values(ok(at).markdown) if v.startswith("**")] == [
        r"**Do you install tankless water heaters\?**"
    ]
    assert shown(at.caption, "1 of 3 entries match.")


def test_an_entry_without_an_answer_is_refused_and_a_complete_one_added(
    session: Session,
) -> None:
    at, workspace, manager = knowledge_page(session)

    at.text_input(key="knowledge.question").input("Are you licensed?")
    submit(at, "knowledge.add", "Add entry")

    assert values(at.error) == ["Write the answer the AI should give."]
    assert at.text_input(key="knowledge.question").value == "Are you licensed?"
    assert len(entries(session, workspace)) == 3

    at.text_area(key="knowledge.answer").input("Yes: Texas M-40123, fully insured.")
    at.text_input(key="knowledge.tags").input("Licence, Insurance")
    submit(at, "knowledge.add", "Add entry")

    assert not at.error
    assert values(at.success) == ["Added: the AI answers from it now."]
    added = entries(session, workspace)[-1]
    assert (added.question, added.answer, added.tags) == (
        "Are you licensed?",
        "Yes: Texas M-40123, fully insured.",
        "licence,insurance",
    )
    assert at.text_input(key="knowledge.question").value == ""
    (event,) = [e for e in events(session, EventKind.KNOWLEDGE_CHANGED) if e.actor_user_id]
    assert (event.data["action"], event.actor_user_id) == ("added", manager.id)


def test_an_entry_is_edited_and_an_emptied_answer_refused(session: Session) -> None:
    at, workspace, _ = knowledge_page(session)
    hours = entry_id(session, workspace, "What are your hours?")

    at.button(key=f"knowledge.edit_button.{hours}").click().run()
    assert ok(at).text_area(key="knowledge.edit.answer").value == "Mon-Fri 8 to 5."
    at.text_area(key="knowledge.edit.answer").input("  ")
    submit(at, f"knowledge.edit.{hours}", "Save")
    assert values(at.error) == ["Write the answer the AI should give."]

    at.text_area(key="knowledge.edit.answer").input("Mon-Sat 8 to 6.")
    at.text_input(key="knowledge.edit.tags").input("hours, weekends")
    submit(at, f"knowledge.edit.{hours}", "Save")

    assert values(at.success) == ["Saved."]
    edited = knowledge.get(reread(session), workspace.id, hours)
    assert (edited.answer, edited.tags) == ("Mon-Sat 8 to 6.", "hours,weekends")
    assert "Mon-Sat 8 to 6." in values(at.text)
    assert "knowledge.edit.answer" not in [area.key for area in at.text_area]  # closed
    assert [e.data["action"] for e in events(session, EventKind.KNOWLEDGE_CHANGED)][-1] == "edited"


def test_try_it_shows_the_matched_entry_and_its_confidence(session: Session) -> None:
    at, _, _ = knowledge_page(session)

    try_it(view(at, "Try it"), "is the estimate free for a small job?")

    assert values(at.success) == [
        r"The AI would answer from **Do you charge for estimates\?** (confidence 0.30):"
    ]
    assert values(at.text) == ["Estimates are free."]

    try_it(at, "do you install pool pumps?")

    assert not at.success
    assert shown(at.warning, "The AI wouldn't answer this")
    assert shown(at.caption, "Nearest entries, not confident enough to answer")
    assert shown(at.caption, r"Do you install tankless water heaters\? (confidence 0.1")

    try_it(at, "thanks!")
    assert values(at.info) == ["Not a knowledge question (Thanks). The AI would say:"]


def test_a_disabled_entry_no_longer_answers(session: Session) -> None:
    at, workspace, _ = knowledge_page(session)
    estimates = entry_id(session, workspace, ESTIMATES)

    at.button(key=f"knowledge.enabled.{estimates}").click().run()

    assert values(ok(at).success) == ["Disabled: the AI no longer answers from it."]
    assert not knowledge.get(reread(session), workspace.id, estimates).enabled
    assert shown(at.markdown, ":gray-badge[Disabled]")
    assert [e.data["action"] for e in events(session, EventKind.KNOWLEDGE_CHANGED)][-1] == (
        "disabled"
    )

    try_it(view(at, "Try it"), "how much do you charge for an estimate?")

    assert not at.success
    assert shown(at.warning, "it would hand the conversation to a person")

    view(at, "Entries").button(key=f"knowledge.enabled.{estimates}").click().run()
    assert knowledge.get(reread(session), workspace.id, estimates).enabled


CSV = b"""question,answer,tags
Do you clean gutters?,"Yes, from $120.",gutters
What are your hours?,Mon-Sat 8 to 6.,hours
"""


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    view(at, "Import").file_uploader[0].set_value((name, content, "text/plain")).run()
    return ok(at)


def test_a_csv_is_previewed_then_imported(session: Session) -> None:
    at, workspace, _ = knowledge_page(session)

    upload(at, "faq.csv", CSV)

    assert shown(at.caption, "2 entries found. Nothing is saved until you import them.")
    assert list(at.dataframe[0].value["Question"]) == [
        "Do you clean gutters?",
        "What are your hours?",
    ]
    assert len(entries(session, workspace)) == 3

    at.button(key="knowledge.import").click().run()

    assert values(ok(at).success) == ["Imported: 1 added, 1 updated, 0 unchanged."]
    by_question = {e.question: e.answer for e in entries(session, workspace)}
    assert by_question["Do you clean gutters?"] == "Yes, from $120."
    assert by_question["What are your hours?"] == "Mon-Sat 8 to 6."
    assert not at.dataframe  # the uploader was emptied
    (event,) = [
        e for e in events(session, EventKind.KNOWLEDGE_CHANGED) if e.data["action"] == "imported"
    ]
    assert (event.data["added"], event.data["updated"]) == (1, 1)


def test_a_markdown_file_can_replace_the_whole_knowledge_base(session: Session) -> None:
    at, workspace, _ = knowledge_page(session)

    upload(at, "faq.md", b"# FAQ\n\n## Do you clean gutters?\nYes, from $120.\n")
    at.checkbox(key="knowledge.replace.0").check()
    at.button(key="knowledge.import").click().run()

    assert values(ok(at).success) == ["Imported: 1 added, 0 updated, 0 unchanged, 3 removed first."]
    assert [e.question for e in entries(session, workspace)] == ["Do you clean gutters?"]


def test_a_malformed_file_gets_a_clear_error_and_changes_nothing(session: Session) -> None:
    at, workspace, _ = knowledge_page(session)

    upload(at, "faq.csv", b"question,tags\nDo you clean gutters?,gutters\n")

    (error,) = values(at.error)
    assert error.startswith("That file can't be imported: The CSV needs columns question")
    assert "missing" in error
    assert "knowledge.import" not in [button.key for button in at.button]

    upload(at, "faq.csv", b"question,answer\nDo you clean gutters?,\n")
    assert shown(at.error, "row 2")

    upload(at, "faq.csv", "question,answer\nCafé?,Oui\n".encode("latin-1"))
    assert shown(at.error, "not UTF\\-8 text")
    assert len(entries(session, workspace)) == 3


def unanswered(session: Session, body: str, ago: timedelta = timedelta(hours=2)) -> None:
    """A customer's question the reply job could not answer."""
    message = customer_writes(
        session, body, sender=f"+151255501{next(_senders):02d}", at=utcnow() - ago
    ).message
    message.meta = {**message.meta, "reply": {"kind": "cannot_answer", "source": "offline"}}
    session.add(message)


def test_a_knowledge_gap_is_counted_and_turned_into_an_entry(session: Session) -> None:
    workspace, manager = shop(session)
    unanswered(session, "Do you clean gutters?", timedelta(days=3))
    unanswered(session, "how much for gutter cleaning")
    unanswered(session, "Do you clean gutters?", timedelta(hours=1))
    unanswered(session, "Can you fix a **pool** pump? [click](http://x.example)")
    session.commit()
    at = view(open_page(signed_in_app(manager, run=False), "knowledge"), "Knowledge gaps")

    gaps = [v for v in values(at.markdown) if v.startswith("**")]
    assert gaps[0] == r"**Do you clean gutters\?**"
    # Customer text is inert: no bold, no link.
    assert gaps[1] == r"**Can you fix a \*\*pool\*\* pump\? \[click\]\(http\:\/\/x\.example\)**"
    assert shown(at.caption, "Asked 3 times")
    assert shown(at.caption, "Also asked as: how much for gutter cleaning")
    assert shown(at.caption, "Asked once")

    at.button(key="knowledge.gap.0").click().run()

    assert ok(at).segmented_control(key="knowledge.view").value == "Entries"
    assert at.text_input(key="knowledge.question").value == "Do you clean gutters?"
    assert shown(at.caption, "From a knowledge gap")
    at.text_area(key="knowledge.answer").input("Yes, from $120 for a one-storey house.")
    submit(at, "knowledge.add", "Add entry")

    assert values(at.success) == ["Added: the AI answers from it now."]
    assert "Do you clean gutters?" in [e.question for e in entries(session, workspace)]
    view(at, "Knowledge gaps")
    gaps = [v for v in values(at.markdown) if v.startswith("**")]
    assert gaps == [r"**Can you fix a \*\*pool\*\* pump\? \[click\]\(http\:\/\/x\.example\)**"]


def test_no_gaps_says_so(session: Session) -> None:
    at, _, _ = knowledge_page(session)

    view(at, "Knowledge gaps")

    assert values(at.info) == ["No unanswered questions in the last 30 days."]


def _knowledge_page_script() -> None:
    # Runs as the app script: the page as st.navigation would run it.
    from console.pages import all_pages, guarded

    guarded(next(page for page in all_pages() if page.key == "knowledge"))()


def test_an_operator_is_refused(session: Session) -> None:
    workspace, _ = shop(session)
    operator = make_user(session, workspace, "operator", name="Sam")
    session.commit()

    at = open_page(signed_in_app(operator, run=False), "knowledge")
    # Hidden from an operator's navigation, and refused by URL.
    assert values(at.error) == ["Your role doesn't give access to this page."]

    direct = AppTest.from_function(_knowledge_page_script, default_timeout=30)
    direct.session_state["console.user_id"] = operator.id
    ok(direct.run())
    assert values(direct.error) == ["Your role doesn't give access to this page."]
    assert not direct.title
    assert not any(key.startswith("knowledge.") for key in direct.session_state)


def test_an_owner_may_use_the_page(session: Session) -> None:
    at, _, _ = knowledge_page(session, role="owner")

    assert shown(at.caption, "3 entries, 3 answering customers.")
