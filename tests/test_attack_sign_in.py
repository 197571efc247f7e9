"""Guessing passwords at the console's sign-in: each failure for an email makes the next
attempt wait longer (three free, then 2 s, 4 s, 8 s …), a right password during the wait is
refused too with "try again in N seconds", the wait is per email, and nothing tells which
emails have accounts: an unknown email gets the same words, the same wait and the same argon2
hash check (timed) as a wrong password. Through the real Streamlit app (AppTest) and
`data.users.authenticate`."""

from __future__ import annotations

import statistics
import time

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session

import data.users
from data import users
from data.models import User
from data.sign_in import FIRST_WAIT_SECONDS, FREE_ATTEMPTS, MAX_WAIT_SECONDS, SignInThrottle
from tests.console_helpers import (
    WRONG,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    reread,
    sign_in,
    sign_in_page,
    sqlite_only,
    values,
)
from tests.factories import PASSWORD, make_user


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    """The console's throttle on a clock the test moves."""
    now = _Clock()
    monkeypatch.setattr("console.auth.THROTTLE", SignInThrottle(clock=now))
    return now


def wait_message(seconds: float) -> str:
    return f"Too many failed attempts. Try again in {int(seconds) + 1} seconds."


# --------------------------------------------------------------------------- the console


def test_a_wrong_password_shows_a_clear_error_and_signs_nobody_in(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()

    at = sign_in(sign_in_page(), user.email, "not the password")

    assert values(at.error) == [WRONG]
    assert values(at.title) == ["Sign in"]
    assert "console.user_id" not in at.session_state
    assert reread(session).get(User, user.id).last_login_at is None


@sqlite_only
def test_an_unknown_email_gets_the_same_error_as_a_wrong_password(session: Session) -> None:
    make_shop(session)
    session.commit()

    at = sign_in(sign_in_page(), "nobody@acme.example", PASSWORD)

    assert values(at.error) == [WRONG]
    assert "console.user_id" not in at.session_state


def test_after_repeated_failures_the_throttle_refuses_even_the_right_password_with_a_wait(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    now = [1000.0]
    monkeypatch.setattr("console.auth.THROTTLE", SignInThrottle(clock=lambda: now[0]))
    at = sign_in_page()
    for _ in range(FREE_ATTEMPTS):
        sign_in(at, user.email, "guess")
        assert values(at.error) == [WRONG]

    sign_in(at, user.email, PASSWORD)

    wait = int(FIRST_WAIT_SECONDS) + 1
    assert values(at.error) == [f"Too many failed attempts. Try again in {wait} seconds."]
    assert "console.user_id" not in at.session_state
    assert reread(session).get(User, user.id).last_login_at is None


def test_once_the_wait_is_over_the_right_password_signs_in(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    now = [1000.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    monkeypatch.setattr("console.auth.THROTTLE", throttle)
    for _ in range(FREE_ATTEMPTS):
        throttle.failed(user.email)
    now[0] += FIRST_WAIT_SECONDS + 0.1

    at = sign_in(sign_in_page(), user.email, PASSWORD)

    assert values(at.title) == ["Inbox"]
    assert throttle.wait_seconds(user.email) == 0
    assert reread(session).get(User, user.id).last_login_at is not None


@sqlite_only
def test_each_failure_after_the_free_ones_doubles_the_wait(session: Session, clock) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    at = sign_in_page()
    for _ in range(FREE_ATTEMPTS):
        sign_in(at, user.email, "guess")

    waits = []
    for _ in range(3):
        sign_in(at, user.email, "guess")  # refused by the wait: not counted
        waits.append(values(at.error))
        clock.now += MAX_WAIT_SECONDS + 1  # past the wait (and below the forgetting hour)
        sign_in(at, user.email, "guess")  # a real failure: counted

    assert waits == [
        [wait_message(FIRST_WAIT_SECONDS)],
        [wait_message(FIRST_WAIT_SECONDS * 2)],
        [wait_message(FIRST_WAIT_SECONDS * 4)],
    ]


@sqlite_only
def test_the_wait_is_per_email(session: Session, clock) -> None:
    workspace = make_shop(session)
    attacked, colleague = make_user(session, workspace), make_user(session, workspace)
    session.commit()
    at = sign_in_page()
    for _ in range(FREE_ATTEMPTS + 1):
        sign_in(at, attacked.email, "guess")

    sign_in(at, colleague.email, PASSWORD)

    assert values(at.title) == ["Inbox"]
    assert reread(session).get(User, colleague.id).last_login_at is not None


@sqlite_only
def test_an_unknown_email_is_made_to_wait_exactly_like_a_known_one(session: Session, clock) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    seen = {}
    for email in (user.email, "nobody@acme.example"):
        at = sign_in_page()
        answers = []
        for _ in range(FREE_ATTEMPTS + 1):
            sign_in(at, email, "guess")
            answers.append(values(at.error))
        sign_in(at, email, "guess")
        answers.append(values(at.error))
        seen[email] = answers

    assert seen[user.email] == seen["nobody@acme.example"]
    assert seen[user.email][-1] == [wait_message(FIRST_WAIT_SECONDS)]


@sqlite_only
def test_a_switched_off_user_gets_the_same_words_as_a_wrong_password(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    user.active = False
    session.add(user)
    session.commit()

    assert values(sign_in(sign_in_page(), user.email, PASSWORD).error) == [WRONG]
    assert values(sign_in(sign_in_page(), user.email, "guess").error) == [WRONG]


# --------------------------------------------------------------------------- the hash check


def test_an_unknown_email_costs_the_same_hash_check_as_a_wrong_password(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real argon2id parameters (the console tests' cheap hasher is put back), for both the
    # user's hash and the dummy one an unknown email is checked against.
    monkeypatch.setattr(data.users, "_hasher", PasswordHasher())
    monkeypatch.setattr(data.users, "_DUMMY_HASH", PasswordHasher().hash("not-a-real-password-0"))
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()

    def seconds(email: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert users.authenticate(session, email, "wrong password") is None
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = seconds(user.email), seconds("nobody@acme.example")

    assert known > 0.005  # a real argon2id check, not a shortcut
    assert 0.5 < unknown / known < 2.0, (known, unknown)


# --------------------------------------------------------------------------- the throttle


def test_the_first_failed_sign_ins_cost_nothing_then_each_waits_longer() -> None:
    clock = _Clock()
    throttle = SignInThrottle(clock)
    for _ in range(FREE_ATTEMPTS):
        assert throttle.wait_seconds("a@x.example") == 0
        throttle.failed("a@x.example")
    first_wait = throttle.wait_seconds("A@X.example ")
    throttle.failed("a@x.example")
    second_wait = throttle.wait_seconds("a@x.example")

    assert 0 < first_wait < second_wait


def test_a_successful_sign_in_clears_the_failures() -> None:
    throttle = SignInThrottle(_Clock())
    for _ in range(FREE_ATTEMPTS + 2):
        throttle.failed("a@x.example")
    throttle.succeeded("a@x.example")

    assert throttle.wait_seconds("a@x.example") == 0


def test_the_wait_runs_out() -> None:
    clock = _Clock()
    throttle = SignInThrottle(clock)
    for _ in range(FREE_ATTEMPTS + 1):
        throttle.failed("a@x.example")
    clock.now += 600

    assert throttle.wait_seconds("a@x.example") == 0


def test_the_wait_never_exceeds_five_minutes() -> None:
    throttle = SignInThrottle(_Clock())
    for _ in range(FREE_ATTEMPTS + 30):
        throttle.failed("a@x.example")

    assert throttle.wait_seconds("a@x.example") == MAX_WAIT_SECONDS == 300
