"""Hostile and huge search input: SQL-like strings, LIKE wildcards, backslashes, NUL bytes,
broken Unicode and 100 KB terms, typed into the inbox search (`data.inbox.list_inbox`), the
contact search and the knowledge-base search, and into the console's search box. None is an
error, none matches everything, each matches only rows holding it literally, a term is cut to
its first 200 characters (the console says so), and every search answers fast. On SQLite and
PostgreSQL."""

from __future__ import annotations

import random
import string
import time
from types import SimpleNamespace

import pytest
from sqlmodel import Session

from data import contacts, inbox, knowledge
from data.search import MAX_TERM_LENGTH, clean_term, fts_trigrams
from tests.console_helpers import (
    customer_writes,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    signed_in_app,
    values,
)
from tests.factories import make_user

HUGE = "".join(
    random.Random(8).choice(string.ascii_letters + string.digits + " ") for _ in range(100_000)
)

SQL_LIKE = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '"; DROP TABLE message; --',
    "') UNION SELECT password_hash FROM app_user --",
    "%",
    "%%",
    "_",
    "___",
    "\\",
    "\\%",
    "*",
    '"*" OR x',
    "NEAR(a b)",
    "a:b",
]
UNSEARCHABLE = ["\x00", "\x00\x00\x00", "\ud800", "\x1b[31m", "\x7f"]


@pytest.fixture
def shop(session: Session) -> SimpleNamespace:
    """A workspace with a few customers, whose texts hold some of the hostile strings."""
    workspace = make_shop(session)
    leak = customer_writes(session, "Leak at the north office", name="Ada Byron")
    percent = customer_writes(session, "Is it 50% off?", sender="+15125550124", name="Bo Diaz")
    sql = customer_writes(session, "my name is ' OR 1=1 --", sender="+15125550125")
    snake = customer_writes(session, "file C:\\temp\\x_y.txt", sender="+15125550126")
    knowledge.add(session, workspace.id, "Do you fix leaks?", "Yes, 8 to 5.")
    session.commit()
    return SimpleNamespace(ws=workspace, leak=leak, percent=percent, sql=sql, snake=snake)


def found(session: Session, shop: SimpleNamespace, term: str) -> set[int]:
    return {row.conversation_id for row in inbox.list_inbox(session, shop.ws.id, search=term)}


def test_search_takes_wildcards_literally(session, shop) -> None:
    assert found(session, shop, "Leak at the north") == {shop.leak.conversation.id}
    assert found(session, shop, "%") == {shop.percent.conversation.id}
    assert found(session, shop, "Leak_at") == set()


@pytest.mark.parametrize("term", SQL_LIKE)
def test_sql_like_input_finds_only_what_holds_it_literally(session, shop, term) -> None:
    everything = found(session, shop, "")
    holding = {
        c.id
        for c in (shop.leak, shop.percent, shop.sql, shop.snake)
        for c in [c.conversation]
        if term.lower() in c.last_message_preview.lower()
    }

    assert found(session, shop, term) == holding
    assert len(everything) == 4 and found(session, shop, term) != everything
    assert contacts.search(session, shop.ws.id, term) == []  # no name, phone or email has it
    assert knowledge.list_entries(session, shop.ws.id, search=term) == []


def test_a_quote_or_a_backslash_finds_the_message_that_has_it(session, shop) -> None:
    assert found(session, shop, "' OR 1=1 --") == {shop.sql.conversation.id}
    assert found(session, shop, "\\temp\\x_") == {shop.snake.conversation.id}
    assert found(session, shop, "50%") == {shop.percent.conversation.id}


@pytest.mark.parametrize("term", UNSEARCHABLE, ids=repr)
def test_nul_bytes_control_characters_and_broken_unicode_are_no_error(session, shop, term) -> None:
    assert found(session, shop, term) == set()
    assert contacts.search(session, shop.ws.id, term) == []
    assert knowledge.list_entries(session, shop.ws.id, search=term) == []


def test_a_nul_byte_inside_a_word_is_ignored(session, shop) -> None:
    assert found(session, shop, "Le\x00ak at") == {shop.leak.conversation.id}
    assert [c.name for c in contacts.search(session, shop.ws.id, "Ada\x00 By")] == ["Ada Byron"]


def test_unicode_is_searched_as_typed(session, shop) -> None:
    mine = customer_writes(session, "Büro in München, ＳＴＯＰ 🚰 שלום", sender="+15125550127")
    session.commit()

    for term in ("münchen", "ＳＴＯＰ", "🚰", "שלום"):
        assert found(session, shop, term) == {mine.conversation.id}, term


def test_a_100_kb_search_is_cut_to_200_characters_and_answers_fast(session, shop) -> None:
    assert len(clean_term(HUGE)) == MAX_TERM_LENGTH
    start = time.monotonic()

    results = (
        found(session, shop, HUGE),
        contacts.search(session, shop.ws.id, HUGE),
        knowledge.list_entries(session, shop.ws.id, search=HUGE),
    )

    assert results == (set(), [], [])
    assert time.monotonic() - start < 2.0  # was 5 s for the inbox alone on SQLite, uncut


def test_a_long_search_still_finds_what_its_first_200_characters_hold(session, shop) -> None:
    assert found(session, shop, "Leak at the north office" + " " * 300 + "x" * 5000) == {
        shop.leak.conversation.id
    }


def test_fts_queries_quote_what_the_user_typed() -> None:
    assert fts_trigrams(["abcd"]) == '("abc" AND "bcd")'
    assert fts_trigrams(['a"b']) == '("a""b")'
    assert fts_trigrams(["aaaa", "1234"]) == '("aaa") OR ("123" AND "234")'


# --------------------------------------------------------------------------- the console


def search_box(session: Session, shop: SimpleNamespace, term: str):
    user = make_user(session, shop.ws)
    session.commit()
    at = signed_in_app(user)
    at.text_input(key="inbox.search").input(term).run()
    return at


# (A lone surrogate cannot arrive from a browser: the websocket carries UTF-8.)
@pytest.mark.parametrize("term", ["' OR 1=1 --x", "%_%", "\x00"], ids=repr)
def test_the_console_search_box_shows_no_match_for_hostile_input(session, shop, term) -> None:
    at = search_box(session, shop, term)

    assert "No conversations match." in values(at.info)
    assert not at.error
    assert not [b for b in at.button if (b.key or "").startswith("open.")]


def test_the_console_says_a_huge_search_is_cut(session, shop) -> None:
    at = search_box(session, shop, HUGE)

    assert f"Only the first {MAX_TERM_LENGTH} characters of the search are used." in values(
        at.caption
    )
    assert "No conversations match." in values(at.info)
