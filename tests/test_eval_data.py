"""The hand-written responder evaluation set is well-formed and its labels are consistent."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from data import keywords

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = ROOT / "bench" / "eval_data" / "brightwater_messages.jsonl"
DEMO = ROOT / "data" / "demo" / "brightwater.json"

MINIMUMS = {
    "faq": 75,
    "person": 30,
    "angry": 15,
    "sarcastic": 8,
    "booking": 15,
    "greeting": 6,
    "thanks": 6,
    "unanswerable": 12,
    "spam": 6,
    "injection": 10,
    "opt_out_clear": 8,
    "opt_out_ambiguous": 5,
    "neutral_other": 10,
}
ESCALATIONS = {None, "asked_for_person", "negative_sentiment", "cant_answer", "opt_out_unclear"}
REQUIRED = {
    "id": str,
    "text": str,
    "category": str,
    "expect_opt_out": bool,
    "neutral": bool,
}
INTENTS = {
    "booking": "booking",
    "greeting": "greeting",
    "thanks": "thanks",
    "neutral_other": "statement",
}


def _load() -> list[dict]:
    lines = MESSAGES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _load()


@pytest.fixture(scope="module")
def kb_questions() -> list[str]:
    return [entry["question"] for entry in json.loads(DEMO.read_text())["KNOWLEDGE"]]


def _of(rows: list[dict], *categories: str) -> list[dict]:
    return [r for r in rows if r["category"] in categories]


def test_every_line_parses_as_an_object_with_the_full_label_schema() -> None:
    for number, line in enumerate(MESSAGES.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {number}"
        row = json.loads(line)
        assert isinstance(row, dict), number
        for field, kind in REQUIRED.items():
            assert isinstance(row.get(field), kind), (number, field)
        assert row["text"].strip(), number
        assert "expected_entry" in row and "expect_escalation" in row, number
        assert row["expected_entry"] is None or isinstance(row["expected_entry"], str), number
        assert row["expect_escalation"] in ESCALATIONS, (number, row["expect_escalation"])
        assert row["category"] in MINIMUMS, (number, row["category"])


def test_ids_are_unique_and_named_after_their_category(rows: list[dict]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        prefix, _, number = r["id"].rpartition("-")
        assert prefix == r["category"] and len(number) == 3 and number.isdigit(), r["id"]


def test_no_message_text_appears_twice(rows: list[dict]) -> None:
    texts = Counter(r["text"].strip().lower() for r in rows)
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_category_has_at_least_its_minimum_number_of_messages(rows: list[dict]) -> None:
    counts = Counter(r["category"] for r in rows)
    short = {c: (counts[c], m) for c, m in MINIMUMS.items() if counts[c] < m}
    assert short == {}


def test_every_expected_entry_names_exactly_one_knowledge_question(
    rows: list[dict], kb_questions: list[str]
) -> None:
    for r in rows:
        if r["expected_entry"] is not None:
            assert kb_questions.count(r["expected_entry"]) == 1, r["id"]


def test_every_labelled_faq_message_points_at_a_real_knowledge_entry_and_stays_neutral(
    rows: list[dict], kb_questions: list[str]
) -> None:
    for r in _of(rows, "faq"):
        assert r["expected_entry"] in kb_questions, r["id"]
        assert r["expect_escalation"] is None, r["id"]
        assert r["neutral"] is True and r["expect_opt_out"] is False, r["id"]


def test_faq_messages_cover_at_least_30_distinct_knowledge_entries(rows: list[dict]) -> None:
    assert len({r["expected_entry"] for r in _of(rows, "faq")}) >= 30


def test_faq_messages_are_paraphrases_not_copies_of_the_knowledge_question(
    rows: list[dict],
) -> None:
    copies = [r["id"] for r in _of(rows, "faq") if r["text"].strip() == r["expected_entry"]]
    assert copies == []


def test_requests_for_a_person_expect_the_asked_for_person_escalation(rows: list[dict]) -> None:
    for r in _of(rows, "person"):
        assert r["expect_escalation"] == "asked_for_person", r["id"]
        assert r["neutral"] is False and r["expected_entry"] is None, r["id"]


def test_angry_and_sarcastic_messages_expect_negative_sentiment(rows: list[dict]) -> None:
    for r in _of(rows, "angry", "sarcastic"):
        assert r["expect_escalation"] == "negative_sentiment", r["id"]
        assert r["neutral"] is False and r["expected_entry"] is None, r["id"]


def test_sarcastic_messages_are_marked_hard_for_a_lexicon_scorer(rows: list[dict]) -> None:
    assert all(r.get("hard") is True for r in _of(rows, "sarcastic"))


def test_bookings_greetings_thanks_and_statements_are_neutral_and_never_escalate(
    rows: list[dict],
) -> None:
    for r in _of(rows, *INTENTS):
        assert r["intent"] == INTENTS[r["category"]], r["id"]
        assert r["expected_entry"] is None and r["expect_escalation"] is None, r["id"]
        assert r["neutral"] is True and r["expect_opt_out"] is False, r["id"]


def test_unanswerable_questions_expect_cant_answer_and_are_not_neutral(
    rows: list[dict],
) -> None:
    for r in _of(rows, "unanswerable"):
        assert r["expect_escalation"] == "cant_answer", r["id"]
        assert r["expected_entry"] is None and r["neutral"] is False, r["id"]


def test_spam_expects_no_reply_and_no_escalation(rows: list[dict]) -> None:
    # Escalating spam would text the owner an alert for every marketing message.
    for r in _of(rows, "spam"):
        assert r["expect_escalation"] is None and r["expected_entry"] is None, r["id"]
        assert r.get("spam") is True and r["neutral"] is False, r["id"]


def test_pure_injections_expect_cant_answer_and_mixed_ones_expect_the_real_answer(
    rows: list[dict],
) -> None:
    injections = _of(rows, "injection")
    assert all(r.get("injection") is True and r["neutral"] is False for r in injections)
    pure = [r for r in injections if r["expected_entry"] is None]
    mixed = [r for r in injections if r["expected_entry"] is not None]
    assert pure and mixed
    assert all(r["expect_escalation"] == "cant_answer" for r in pure)
    assert all(r["expect_escalation"] is None for r in mixed)


def test_clear_opt_outs_expect_an_opt_out_and_no_escalation(rows: list[dict]) -> None:
    for r in _of(rows, "opt_out_clear"):
        assert r["expect_opt_out"] is True and r["expect_escalation"] is None, r["id"]
        assert r["neutral"] is False, r["id"]


def test_ambiguous_opt_outs_escalate_as_unclear_without_opting_out(rows: list[dict]) -> None:
    for r in _of(rows, "opt_out_ambiguous"):
        assert r["expect_escalation"] == "opt_out_unclear", r["id"]
        assert r["expect_opt_out"] is False and r["neutral"] is False, r["id"]


def test_only_clear_opt_outs_expect_an_opt_out(rows: list[dict]) -> None:
    opted = {r["category"] for r in rows if r["expect_opt_out"]}
    assert opted == {"opt_out_clear"}


def test_a_message_labelled_neutral_never_expects_an_escalation(rows: list[dict]) -> None:
    for r in rows:
        if r["neutral"]:
            assert r["expect_escalation"] is None and not r["expect_opt_out"], r["id"]


def test_no_message_is_a_bare_carrier_keyword_the_responder_would_never_see(
    rows: list[dict],
) -> None:
    assert [r["id"] for r in rows if keywords.classify(r["text"]) is not None] == []
