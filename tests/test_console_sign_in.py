"""The console's sign-in, sign-out and role-scoped pages, through the real Streamlit app.
Wrong passwords, unknown emails and the throttle: test_attack_sign_in.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from data.models import User
from tests.console_helpers import (
    WRONG,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    ok,
    open_page,
    reread,
    sign_in,
    sign_in_page,
    signed_in_app,
    sqlite_only,
    submit,
    values,
)
from tests.factories import PASSWORD, make_user


@pytest.fixture
def navigation_spy(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The titles of the pages each run shows in st.navigation's menu (AppTest does not
    expose the menu; pages a role may not open are registered hidden)."""
    seen: list[list[str]] = []
    real: Callable = streamlit.navigation

    def spy(pages, **kwargs):
        seen.append([page.title for page in pages if page.visibility == "visible"])
        return real(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", spy)
    return seen


def test_the_right_password_signs_in_and_shows_the_inbox(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace, "operator", name="Jamie")
    session.commit()

    at = sign_in(sign_in_page(), f"  {user.email.upper()} ", PASSWORD)

    assert values(at.title) == ["Inbox"]
    assert at.session_state["console.user_id"] == user.id
    assert not at.error
    assert reread(session).get(User, user.id).last_login_at is not None


@sqlite_only
def test_an_empty_form_asks_for_email_and_password(session: Session) -> None:
    at = submit(sign_in_page(), "sign_in", "Sign in")

    assert values(at.error) == ["Enter your email and password."]
    assert "console.user_id" not in at.session_state


def test_a_switched_off_user_cannot_sign_in(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    user.active = False
    session.add(user)
    session.commit()

    at = sign_in(sign_in_page(), user.email, PASSWORD)

    assert values(at.error) == [WRONG]
    assert "console.user_id" not in at.session_state
    assert reread(session).get(User, user.id).last_login_at is None


def test_a_signed_in_user_who_is_switched_off_is_signed_out_at_the_next_run(
    session: Session,
) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    at = signed_in_app(user)
    assert values(at.title) == ["Inbox"]

    user.active = False
    session.add(user)
    session.commit()
    ok(at.run())

    assert values(at.title) == ["Sign in"]
    assert "console.user_id" not in at.session_state


def test_sign_out_returns_to_the_sign_in_form_and_forgets_the_session(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    session.commit()
    at = signed_in_app(user)
    at.session_state["inbox.search"] = "boiler"

    at.button(key="sign_out").click().run()
    ok(at)

    assert values(at.title) == ["Sign in"]
    assert "console.user_id" not in at.session_state
    assert "inbox.search" not in at.session_state
    assert reread(session).get(User, user.id).active


@sqlite_only
def test_an_operator_is_offered_only_the_inbox(
    session: Session, navigation_spy: list[list[str]]
) -> None:
    workspace = make_shop(session)
    operator = make_user(session, workspace, "operator")
    session.commit()

    at = signed_in_app(operator)

    assert navigation_spy[-1] == ["Inbox"]
    assert values(at.title) == ["Inbox"]


@sqlite_only
def test_an_owner_is_offered_the_inbox_and_the_team_page(
    session: Session, navigation_spy: list[list[str]]
) -> None:
    workspace = make_shop(session)
    owner = make_user(session, workspace, "owner")
    session.commit()

    at = open_page(signed_in_app(owner), "team")

    assert navigation_spy[-1][0] == "Inbox"
    assert "Team" in navigation_spy[-1]
    assert values(at.title) == ["Team"]


@sqlite_only
def test_an_operator_opening_the_team_url_is_refused(session: Session) -> None:
    workspace = make_shop(session)
    operator = make_user(session, workspace, "operator")
    make_user(session, workspace, "owner", name="Olive")
    session.commit()

    at = open_page(signed_in_app(operator), "team")

    assert values(at.error) == ["Your role doesn't give access to this page."]
    assert values(at.title) != ["Team"]
    assert not any(key.startswith("team.") for key in at.session_state)


def _team_page_script() -> None:
    # Runs as the app script: the Team page as st.navigation would run it.
    from console.pages import all_pages, guarded

    guarded(next(page for page in all_pages() if page.key == "team"))()


@sqlite_only
def test_the_team_page_itself_refuses_a_role_without_access(session: Session) -> None:
    workspace = make_shop(session)
    operator = make_user(session, workspace, "operator")
    owner = make_user(session, workspace, "owner", name="Olive")
    session.commit()
    at = AppTest.from_function(_team_page_script, default_timeout=30)
    at.session_state["console.user_id"] = operator.id

    ok(at.run())

    assert values(at.error) == ["Your role doesn't give access to this page."]
    assert not at.title
    assert not at.selectbox
    assert reread(session).get(User, owner.id).role == "owner"


@sqlite_only
def test_an_owner_demoted_while_signed_in_loses_the_team_page_at_the_next_run(
    session: Session, navigation_spy: list[list[str]]
) -> None:
    workspace = make_shop(session)
    owner = make_user(session, workspace, "owner")
    make_user(session, workspace, "owner", name="Olive")
    session.commit()
    at = open_page(signed_in_app(owner), "team")

    owner.role = "operator"
    session.add(owner)
    session.commit()
    ok(at.run())

    assert navigation_spy[-1] == ["Inbox"]
    assert values(at.error) == ["Your role doesn't give access to this page."]
    assert values(at.title) != ["Team"]
