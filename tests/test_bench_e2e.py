"""bench/e2e.py end to end on SQLite for a few seconds at a low rate (real `inbox ingest` and
`inbox pipeline` processes, signed mixed traffic): every reconciliation check passes. And the
shared reconciliation queries (bench/reconcile.py) do catch what they look for."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session

from bench import e2e, reconcile
from data.events import Actor
from data.outbox import enqueue
from tests.factories import make_business, text_in


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_short_soak_on_sqlite_reconciles(capsys: pytest.CaptureFixture[str]) -> None:
    assert e2e.main(["--seconds", "8", "--rate", "4"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert out.count("PASS  ") == 11
    assert "| SQLite 1+1 | 4 | 32 | 32 | 0 |" in out
    assert "Reconciliation: PASS in every configuration" in out


def test_reconciliation_finds_the_lost_the_untriaged_the_due_and_the_queued(
    session: Session,
) -> None:
    make_business(session)
    first = text_in(session, "do you do free estimates?", provider_id="SMfirst")
    text_in(session, "and saturdays?", provider_id="SMsecond")
    first.message.reply_due_at = first.message.created_at
    reply = enqueue(
        session,
        first.conversation,
        "Yes.",
        Actor.ai(),
        answers_message_id=first.message.id,
    )
    session.commit()

    counts = reconcile.stored_counts(session, ["SMfirst", "SMsecond", "SMlost"])
    assert counts == {"SMfirst": 1, "SMsecond": 1, "SMlost": 0}
    assert len(reconcile.untriaged(session)) == 2
    assert reconcile.replies_due(session) == [first.message.id]
    assert reconcile.outbox_pending(session) == {reply.id: "queued"}
    assert reconcile.multiple_ai_replies(session) == {}
    assert reconcile.ai_replies_without_target(session) == []
    assert reconcile.over_sampled(session) == {}

    first.conversation.sentiment_samples = 3  # as if a message had been triaged twice
    session.add(first.conversation)
    session.commit()
    assert reconcile.over_sampled(session) == {first.conversation.id: (3, 2)}


def test_a_row_sent_twice_shows_in_the_log_sender_lines(tmp_path: Path) -> None:
    log = tmp_path / "pipeline-0.log"
    line = "2026-01-01 10:00:00,000 INFO inbox.sender.log: send sms message {} to +1512 (9 chars)"
    log.write_text("\n".join([line.format(7), line.format(8), line.format(7), "noise"]))
    sends = reconcile.log_sends([log])
    assert sends == Counter({7: 2, 8: 1})
    assert reconcile.sent_more_than_once(sends) == {7: 2}
