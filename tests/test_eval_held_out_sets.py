"""The held-out responder evaluation sets are well-formed, labelled consistently and kept apart.

`bench/eval_data/brightwater_holdout.jsonl` (examined once to generalise the rules),
`brightwater_fresh.jsonl` (never examined, kept for the final figures) and the smaller
`brightwater_blind.jsonl` (written before the generalising pass, never tuned on) and
`brightwater_sealed.jsonl` (written by a hand that never saw the rules or the other sets, run
once, never tuned on) measure how
the tuned responder generalises, so besides the label rules of `bench/eval_data/README.md` none
may share a text with the tuning set `brightwater_messages.jsonl` or with another.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest

from data import keywords

ROOT = Path(__file__).resolve().parents[1]
FRESH = ROOT / "bench" / "eval_data" / "brightwater_fresh.jsonl"
HOLDOUT = ROOT / "bench" / "eval_data" / "brightwater_holdout.jsonl"
TUNING = ROOT / "bench" / "eval_data" / "brightwater_messages.jsonl"
BLIND = ROOT / "bench" / "eval_data" / "brightwater_blind.jsonl"
SEALED = ROOT / "bench" / "eval_data" / "brightwater_sealed.jsonl"
DEMO = ROOT / "data" / "demo" / "brightwater.json"

#: Each held-out set: its file, id prefix, least total, least faq messages, and the share of
#: the other categories' MINIMUMS it must reach (the blind set is smaller).
SETS = {
    "holdout": (HOLDOUT, "h-", 140, 60, 1.0),
    "fresh": (FRESH, "f-", 150, 65, 1.0),
    "blind": (BLIND, "b-", 100, 45, 0.5),
    "sealed": (SEALED, "s-", 160, 70, 0.7),
}
MINIMUMS = {
    "faq": 60,
    "person": 20,
    "angry": 10,
    "sarcastic": 5,
    "booking": 10,
    "greeting": 4,
    "thanks": 4,
    "unanswerable": 10,
    "spam": 4,
    "injection": 6,
    "opt_out_clear": 5,
    "opt_out_ambiguous": 4,
    "neutral_other": 8,
}
FIELDS = {
    "id": str,
    "text": str,
    "category": str,
    "expect_opt_out": bool,
    "neutral": bool,
}
OPTIONAL = {"intent", "hard", "spam", "injection"}
ESCALATIONS = {None, "asked_for_person", "negative_sentiment", "cant_answer", "opt_out_unclear"}
INTENTS = {
    "booking": "booking",
    "greeting": "greeting",
    "thanks": "thanks",
    "neutral_other": "statement",
}
BARE_KEYWORDS = {
    "STOP",
    "START",
    "HELP",
    "YES",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "STOPALL",
    "INFO",
    "STOP ALL",
}


def _read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.fixture(scope="module", params=list(SETS))
def evalset(request: pytest.FixtureRequest) -> tuple[Path, str, int, int, float]:
    return SETS[request.param]


@pytest.fixture(scope="module")
def rows(evalset: tuple[Path, str, int, int, float]) -> list[dict]:
    return _read_jsonl(evalset[0])


@pytest.fixture(scope="module")
def kb_questions() -> list[str]:
    return [entry["question"] for entry in json.loads(DEMO.read_text())["KNOWLEDGE"]]


def by_category(rows: list[dict], category: str) -> list[dict]:
    return [r for r in rows if r["category"] == category]


def test_every_line_is_a_json_object(evalset: tuple[Path, str, int, int, float]) -> None:
    for number, line in enumerate(evalset[0].read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"blank line {number}"
        assert isinstance(json.loads(line), dict), f"line {number}"


def test_schema(rows: list[dict]) -> None:
    allowed = {*FIELDS, "expected_entry", "expect_escalation", *OPTIONAL}
    for r in rows:
        for field, kind in FIELDS.items():
            assert isinstance(r.get(field), kind), (r.get("id"), field)
        assert "expected_entry" in r, r["id"]
        assert "expect_escalation" in r, r["id"]
        assert r["expected_entry"] is None or isinstance(r["expected_entry"], str), r["id"]
        assert r["expect_escalation"] in ESCALATIONS, r["id"]
        assert set(r) <= allowed, (r["id"], set(r) - allowed)
        assert r["text"].strip(), r["id"]


def test_ids_unique_and_prefixed(
    rows: list[dict], evalset: tuple[Path, str, int, int, float]
) -> None:
    prefix = evalset[1]
    ids = [r["id"] for r in rows]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for r in rows:
        assert r["id"].startswith(prefix + r["category"].replace("_", "-") + "-"), r["id"]


def test_every_category_present_with_minimum_counts(
    rows: list[dict], evalset: tuple[Path, str, int, int, float]
) -> None:
    _, _, least_total, least_faq, share = evalset
    counts = Counter(r["category"] for r in rows)
    assert set(counts) == set(MINIMUMS), set(counts) ^ set(MINIMUMS)
    for category, minimum in {**MINIMUMS, "faq": least_faq}.items():
        least = minimum if category == "faq" else math.ceil(minimum * share)
        assert counts[category] >= least, (category, counts[category])
    assert len(rows) >= least_total


def test_expected_entries_match_exactly_one_kb_question(
    rows: list[dict], kb_questions: list[str]
) -> None:
    for r in rows:
        if r["expected_entry"] is not None:
            assert kb_questions.count(r["expected_entry"]) == 1, r["id"]


def test_faq_items_cover_many_entries(rows: list[dict]) -> None:
    covered = {r["expected_entry"] for r in by_category(rows, "faq")}
    assert len(covered) >= 30, len(covered)


def test_faq_labels(rows: list[dict]) -> None:
    for r in by_category(rows, "faq"):
        assert r["expected_entry"] is not None, r["id"]
        assert r["expect_escalation"] is None, r["id"]
        assert r["expect_opt_out"] is False, r["id"]
        assert r["neutral"] is True, r["id"]


@pytest.mark.parametrize(
    ("category", "escalation"),
    [
        ("person", "asked_for_person"),
        ("angry", "negative_sentiment"),
        ("sarcastic", "negative_sentiment"),
        ("unanswerable", "cant_answer"),
        ("opt_out_ambiguous", "opt_out_unclear"),
    ],
)
def test_escalating_categories(rows: list[dict], category: str, escalation: str) -> None:
    for r in by_category(rows, category):
        assert r["expected_entry"] is None, r["id"]
        assert r["expect_escalation"] == escalation, r["id"]
        assert r["expect_opt_out"] is False, r["id"]
        assert r["neutral"] is False, r["id"]


def test_sarcastic_items_are_hard(rows: list[dict]) -> None:
    for r in by_category(rows, "sarcastic"):
        assert r.get("hard") is True, r["id"]
    assert [r["id"] for r in rows if r.get("hard") and r["category"] != "sarcastic"] == []


@pytest.mark.parametrize("category", sorted(INTENTS))
def test_quiet_intent_categories(rows: list[dict], category: str) -> None:
    for r in by_category(rows, category):
        assert r["expected_entry"] is None, r["id"]
        assert r["expect_escalation"] is None, r["id"]
        assert r["expect_opt_out"] is False, r["id"]
        assert r["neutral"] is True, r["id"]
        assert r.get("intent") == INTENTS[category], r["id"]


def test_intent_only_on_intent_categories(rows: list[dict]) -> None:
    assert [r["id"] for r in rows if "intent" in r and r["category"] not in INTENTS] == []


def test_spam_expects_no_escalation(rows: list[dict]) -> None:
    for r in by_category(rows, "spam"):
        assert r.get("spam") is True, r["id"]
        assert r["expected_entry"] is None, r["id"]
        assert r["expect_escalation"] is None, r["id"]
        assert r["expect_opt_out"] is False, r["id"]
        assert r["neutral"] is False, r["id"]
    assert [r["id"] for r in rows if r.get("spam") and r["category"] != "spam"] == []


def test_injection_labels(rows: list[dict], evalset: tuple[Path, str, int, int, float]) -> None:
    items = by_category(rows, "injection")
    pure = [r for r in items if r["expected_entry"] is None]
    mixed = [r for r in items if r["expected_entry"] is not None]
    assert pure, "no pure injection attempts"
    # The sealed set's writer was briefed with pure attempts only; the others hold both kinds.
    assert mixed or evalset[0] == SEALED, "no injection attempts mixed with a real question"
    for r in items:
        assert r.get("injection") is True, r["id"]
        assert r["expect_opt_out"] is False, r["id"]
        assert r["neutral"] is False, r["id"]
    for r in pure:
        assert r["expect_escalation"] == "cant_answer", r["id"]
    for r in mixed:
        assert r["expect_escalation"] is None, r["id"]
    assert [r["id"] for r in rows if r.get("injection") and r["category"] != "injection"] == []


def test_opt_out_clear_labels(rows: list[dict]) -> None:
    for r in by_category(rows, "opt_out_clear"):
        assert r["expected_entry"] is None, r["id"]
        assert r["expect_escalation"] is None, r["id"]
        assert r["expect_opt_out"] is True, r["id"]
        assert r["neutral"] is False, r["id"]
    assert [r["id"] for r in rows if r["expect_opt_out"] and r["category"] != "opt_out_clear"] == []


def test_no_bare_carrier_keywords(rows: list[dict]) -> None:
    for r in rows:
        bare = r["text"].strip().strip(".!?,;:").upper()
        assert bare not in BARE_KEYWORDS, r["id"]
        assert keywords.classify(r["text"]) is None, r["id"]


def test_no_duplicate_texts_within_the_set(rows: list[dict]) -> None:
    texts = Counter(_norm(r["text"]) for r in rows)
    assert [t for t, n in texts.items() if n > 1] == []


@pytest.mark.parametrize("other", [TUNING, HOLDOUT, FRESH, BLIND], ids=lambda p: p.stem)
def test_no_text_shared_with_other_sets(
    rows: list[dict], other: Path, evalset: tuple[Path, str, int, int, float]
) -> None:
    if other == evalset[0]:
        pytest.skip("a set is not compared with itself")
    seen = {_norm(r["text"]) for r in _read_jsonl(other)}
    assert [r["id"] for r in rows if _norm(r["text"]) in seen] == []
