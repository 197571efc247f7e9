"""Knowledge-base import: CSV and Markdown Q&A, idempotent re-import, --replace, clear errors."""

from pathlib import Path

import pytest

from data import knowledge
from data.knowledge import InvalidKnowledge, parse_csv, parse_markdown
from tests.factories import make_workspace

CSV = """question,answer,tags
Do you charge for estimates?,Estimates for big jobs are free.,"pricing, Estimates"
What are your hours?,Mon-Fri 7:30-6; Sat 9-1.,hours
"""

MARKDOWN = """# Brightwater FAQ

## Do you install tankless water heaters?
Yes: Rinnai and Navien, usually in one day.
Tags: water heaters, tankless

## Are you licensed?
Texas M-40123, fully insured.

Q: Do you offer financing?
A: Yes, 12 months same-as-cash on approved credit.
"""


def test_csv_rows_become_entries_with_normalised_tags() -> None:
    drafts = parse_csv("\ufeff" + CSV)
    assert [d.question for d in drafts] == ["Do you charge for estimates?", "What are your hours?"]
    assert drafts[0].tags == "pricing,estimates"


def test_markdown_headings_and_q_a_pairs_become_entries() -> None:
    drafts = parse_markdown(MARKDOWN)
    assert [d.question for d in drafts] == [
        "Do you install tankless water heaters?",
        "Are you licensed?",
        "Do you offer financing?",
    ]
    assert drafts[0].answer == "Yes: Rinnai and Navien, usually in one day."
    assert drafts[0].tags == "water heaters,tankless"
    assert drafts[2].answer.startswith("Yes, 12 months")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("question,tags\nQ?,x\n", "missing: answer"),
        ("question,answer\nWhat?,\n", "row 2: the answer"),
    ],
)
def test_bad_csv_says_what_and_where(text: str, message: str) -> None:
    with pytest.raises(InvalidKnowledge, match=message):
        parse_csv(text)


def test_markdown_without_questions_is_refused() -> None:
    with pytest.raises(InvalidKnowledge, match="No questions found"):
        parse_markdown("just some prose\nwithout any headings")


def test_importing_twice_changes_nothing_and_replace_starts_over(session, tmp_path: Path) -> None:
    workspace = make_workspace(session)
    path = tmp_path / "faq.csv"
    path.write_text(CSV)
    first = knowledge.import_entries(session, workspace.id, knowledge.parse_file(path))
    again = knowledge.import_entries(session, workspace.id, knowledge.parse_file(path))
    assert (first.added, again.added, again.unchanged) == (2, 0, 2)
    md = tmp_path / "faq.md"
    md.write_text(MARKDOWN)
    replaced = knowledge.import_entries(
        session, workspace.id, knowledge.parse_file(md), replace=True
    )
    assert (replaced.removed, replaced.added) == (2, 3)
    assert knowledge.count(session, workspace.id) == 3


def test_an_edited_answer_is_updated_in_place(session) -> None:
    workspace = make_workspace(session)
    knowledge.import_entries(session, workspace.id, parse_csv(CSV))
    changed = CSV.replace("free.", "free within 20 miles.")
    result = knowledge.import_entries(session, workspace.id, parse_csv(changed))
    assert (result.updated, result.unchanged) == (1, 1)
    (entry,) = knowledge.list_entries(session, workspace.id, search="20 miles")
    assert entry.question == "Do you charge for estimates?"


def test_unsupported_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "faq.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(InvalidKnowledge, match=r"use a \.csv or \.md"):
        knowledge.parse_file(path)


def test_every_change_is_an_event_and_a_change_to_nothing_is_none(session) -> None:
    from data import events
    from data.events import Actor
    from data.vocab import EventKind
    from tests.factories import make_user

    workspace = make_workspace(session)
    person = Actor.operator(make_user(session, workspace, "manager", name="Mo"))
    entry = knowledge.add(session, workspace.id, "Hours?", "8 to 5.", actor=person)
    knowledge.update(session, entry, answer="8 to 6.", actor=person)
    knowledge.update(session, entry, enabled=False, actor=person)
    knowledge.update(session, entry, answer="8 to 6.", enabled=False, actor=person)
    knowledge.import_entries(session, workspace.id, parse_csv(CSV), actor=person)
    knowledge.import_entries(session, workspace.id, parse_csv(CSV), actor=person)

    recorded = events.recent(session, workspace.id, EventKind.KNOWLEDGE_CHANGED)
    assert [e.data["action"] for e in reversed(recorded)] == [
        "added",
        "edited",
        "disabled",
        "imported",
    ]
    assert {(e.actor_label, e.actor_user_id) for e in recorded} == {("Mo", person.user_id)}
    assert recorded[1].data["changed"] == ["enabled"]
    assert recorded[0].data["added"] == 2


def test_an_upload_is_read_by_its_name_and_must_be_utf8() -> None:
    assert len(knowledge.parse_upload("faq.CSV", CSV.encode())) == 2
    assert len(knowledge.parse_upload("faq.md", MARKDOWN.encode())) == 3
    with pytest.raises(InvalidKnowledge, match="not UTF-8"):
        knowledge.parse_upload("faq.csv", "question,answer\nCafé?,Oui\n".encode("latin-1"))
    with pytest.raises(InvalidKnowledge, match="cannot be read"):
        # A field past the csv module's limit (an unclosed quote swallowing the file, say).
        knowledge.parse_upload("faq.csv", b'question,answer\n"' + b"x" * 200_000 + b'",a\n')
