"""Owners change roles and switch people off; a workspace always keeps an owner."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from data import events, users
from data.events import Actor
from data.vocab import EventKind
from tests.factories import PASSWORD, make_user, make_workspace


def test_an_owner_changes_a_role_and_it_is_recorded(session: Session) -> None:
    workspace = make_workspace(session)
    owner = make_user(session, workspace, "owner", "Olive")
    operator = make_user(session, workspace, "operator", "Otto")

    assert users.change(session, operator, Actor.operator(owner), role="manager")

    assert operator.role == "manager"
    recorded = events.recent(session, workspace.id, EventKind.SETTINGS_CHANGED)
    assert recorded[0].data["to"] == {"role": "manager", "active": True}


def test_the_last_owner_cannot_be_demoted_or_switched_off(session: Session) -> None:
    workspace = make_workspace(session)
    owner = make_user(session, workspace, "owner", "Olive")
    manager = make_user(session, workspace, "manager", "Mia")

    with pytest.raises(users.InvalidUser, match="at least one active owner"):
        users.change(session, owner, Actor.operator(manager), role="operator")
    with pytest.raises(users.InvalidUser, match="at least one active owner"):
        users.change(session, owner, Actor.operator(manager), active=False)


def test_nobody_removes_themselves(session: Session) -> None:
    workspace = make_workspace(session)
    owner = make_user(session, workspace, "owner", "Olive")
    make_user(session, workspace, "owner", "Oscar")

    with pytest.raises(users.InvalidUser, match="your own"):
        users.change(session, owner, Actor.operator(owner), active=False)


def test_a_switched_off_user_cannot_sign_in(session: Session) -> None:
    workspace = make_workspace(session)
    owner = make_user(session, workspace, "owner", "Olive")
    operator = make_user(session, workspace, "operator", "Otto")
    users.change(session, operator, Actor.operator(owner), active=False)

    assert users.authenticate(session, operator.email, PASSWORD) is None
