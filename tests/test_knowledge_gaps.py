"""Knowledge gaps: the questions the AI could not answer, grouped by similarity and counted,
on SQLite and PostgreSQL; bursts counted once; other workspaces' questions never seen."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from data import knowledge, knowledge_gaps
from data.clock import utcnow
from data.inbound import InboundMessage, receive
from data.knowledge_gaps import Unanswered, gaps, group
from data.models import Message, Workspace
from tests.factories import make_business, make_workspace
from tests.pipeline_helpers import answer

_ids = itertools.count(1)
NOW = utcnow()
NUMBERS = {"acme": "+15125550100", "north": "+15125550100", "south": "+15125550200"}


def asked(
    session: Session,
    workspace: Workspace,
    body: str,
    *,
    sender: str = "+15125550123",
    ago: timedelta = timedelta(hours=1),
    kind: str | None = "cannot_answer",
) -> Message:
    """A customer's message as the reply job leaves it: `kind` is what the AI made of it."""
    message = receive(
        session,
        InboundMessage(
            channel="sms",
            to_address=NUMBERS[workspace.slug],
            from_address=sender,
            body=body,
            provider_id=f"gap-{next(_ids)}",
            received_at=NOW - ago,
        ),
    ).message
    if kind is not None:
        message.meta = {**message.meta, "reply": {"kind": kind, "source": "offline"}}
        session.add(message)
        session.flush()
    return message


def q(text: str, minutes_ago: int = 0, message_id: int = 0) -> Unanswered:
    return Unanswered(message_id, 1, text, NOW - timedelta(minutes=minutes_ago))


def test_alike_questions_are_grouped_and_counted_most_asked_first() -> None:
    found = group(
        [
            q("Do you clean gutters?", 50, 1),
            q("How much for gutter cleaning", 40, 2),
            q("do you clean gutters", 30, 3),
            q("Can you fix my pool pump?", 20, 4),
            q("Do you sell gift cards?", 10, 5),
            q("pool pump repair?", 5, 6),
            q("Do you clean gutters?", 1, 7),
        ]
    )

    assert [(g.question, g.count) for g in found] == [
        ("Do you clean gutters?", 4),
        ("pool pump repair?", 2),
        ("Do you sell gift cards?", 1),
    ]
    gutters = found[0]
    assert gutters.last_asked == NOW - timedelta(minutes=1)
    assert gutters.examples == ("How much for gutter cleaning",)
    assert found[1].examples == ("Can you fix my pool pump?",)


def test_a_one_word_question_does_not_swallow_every_question_using_that_word() -> None:
    found = group([q("What's the price of a pool pump install on a weekend?", 2), q("price?", 1)])

    assert [g.count for g in found] == [1, 1]


def test_a_message_with_no_words_is_not_a_question() -> None:
    assert group([q("👍", 1), q("???", 2)]) == []


def test_gaps_read_what_the_reply_job_recorded_within_the_period(session: Session) -> None:
    workspace = make_workspace(session)
    asked(session, workspace, "Do you clean gutters?", sender="+15125550001")
    asked(session, workspace, "gutter cleaning price?", sender="+15125550002")
    asked(
        session, workspace, "Do you clean gutters?", sender="+15125550003", ago=timedelta(days=40)
    )
    asked(session, workspace, "What are your hours?", sender="+15125550004", kind="answer")
    asked(session, workspace, "Do you clean gutters?", sender="+15125550005", kind=None)

    found = gaps(session, workspace.id, now=NOW)

    assert [(g.question, g.count) for g in found] == [("gutter cleaning price?", 2)]
    assert len(found[0].conversation_ids) == 2
    assert [g.count for g in gaps(session, workspace.id, days=60, now=NOW)] == [3]


def test_a_burst_counts_once_and_not_at_all_when_its_last_message_got_an_answer(
    session: Session,
) -> None:
    workspace = make_workspace(session)
    # Two texts in a row, neither answerable: one question, worded across both.
    asked(session, workspace, "Quick one", sender="+15125550001", ago=timedelta(seconds=70))
    asked(session, workspace, "do you clean gutters?", sender="+15125550001", ago=timedelta(0))
    # The start of a burst the next text made answerable: no gap.
    asked(session, workspace, "so about the", sender="+15125550002", ago=timedelta(seconds=50))
    asked(session, workspace, "hours?", sender="+15125550002", ago=timedelta(0), kind="answer")
    # The same customer asking again a day later is a second question.
    asked(session, workspace, "Do you clean gutters?", sender="+15125550003", ago=timedelta(1))
    asked(session, workspace, "What are your hours?", sender="+15125550003", kind="answer")

    found = gaps(session, workspace.id, now=NOW)

    assert [(g.count, g.question) for g in found] == [(2, "Quick one do you clean gutters?")]


def test_a_workspace_sees_only_its_own_gaps(session: Session) -> None:
    north = make_workspace(session, "north", "+15125550100")
    south = make_workspace(session, "south", "+15125550200")
    asked(session, north, "Do you clean gutters?")
    asked(session, south, "Do you clean gutters?")
    asked(session, south, "Do you sell gift cards?", sender="+15125550124")

    assert [(g.question, g.count) for g in gaps(session, north.id, now=NOW)] == [
        ("Do you clean gutters?", 1)
    ]
    assert sorted(g.question for g in gaps(session, south.id, now=NOW)) == [
        "Do you clean gutters?",
        "Do you sell gift cards?",
    ]


def test_work_is_capped_at_the_newest_messages(session: Session) -> None:
    workspace = make_workspace(session)
    for n in range(5):
        asked(session, workspace, "Do you clean gutters?", sender=f"+151255500{n:02d}")

    assert [g.count for g in gaps(session, workspace.id, now=NOW, limit=3)] == [3]


def test_a_gap_the_knowledge_base_now_answers_is_closed(session: Session) -> None:
    workspace = make_workspace(session)
    asked(session, workspace, "Do you clean gutters?")
    knowledge.add(session, workspace.id, "What are your hours?", "Mon-Fri 8-5.")
    assert len(gaps(session, workspace.id, now=NOW)) == 1

    knowledge.add(session, workspace.id, "Do you clean gutters?", "Yes, from $120.")

    assert gaps(session, workspace.id, now=NOW) == []
    assert len(gaps(session, workspace.id, now=NOW, open_only=False)) == 1


def test_the_pipeline_records_the_questions_the_gaps_read(engine: Engine, session: Session) -> None:
    workspace = make_business(session)
    for n, body in enumerate(["Do you repair pool pumps?", "What are your hours?"]):
        receive(
            session,
            InboundMessage(
                channel="sms",
                to_address=NUMBERS["acme"],
                from_address=f"+1512555010{n}",
                body=body,
                provider_id=f"pipe-{n}",
            ),
        )
    answer(engine, session)

    found = knowledge_gaps.gaps(session, workspace.id, now=utcnow())

    assert [(g.question, g.count) for g in found] == [("Do you repair pool pumps?", 1)]
