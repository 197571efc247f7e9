"""The Team page (owners): adding people, roles, and switching people off, with the rules
that keep a workspace owned and nobody locking themselves out."""

from __future__ import annotations

from sqlmodel import Session, col, select
from streamlit.testing.v1 import AppTest

from data import users
from data.models import User
from data.vocab import EventKind
from tests.console_helpers import (
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    events,
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    ok,
    open_page,
    reread,
    signed_in_app,
    submit,
    values,
)
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a long enough password"


def team_page(session: Session) -> tuple[AppTest, User, User]:
    """The owner (Olive) on the Team page, with an operator (Sam)."""
    workspace = make_shop(session)
    owner = make_user(session, workspace, "owner", name="Olive")
    sam = make_user(session, workspace, "operator", name="Sam")
    session.commit()
    at = open_page(signed_in_app(owner), "team")
    assert values(at.title) == ["Team"]
    return at, owner, sam


def fill_new_person(at: AppTest, password: str = NEW_PASSWORD) -> None:
    at.text_input(key="team.name").input("Priya")
    at.text_input(key="team.email").input("Priya@Acme.Example")
    at.text_input(key="team.phone").input("+15125550166")
    at.selectbox(key="team.role").select("manager")
    at.text_input(key="team.password").input(password)
    at.checkbox(key="team.alerts").check()


def people(session: Session) -> list[User]:
    return list(reread(session).exec(select(User).order_by(col(User.id))))


def test_an_owner_adds_a_person_who_can_then_sign_in(session: Session) -> None:
    at, owner, _ = team_page(session)

    fill_new_person(at)
    submit(at, "team.add", "Add")

    added = people(session)[-1]
    assert (added.email, added.display_name, added.role) == (
        "priya@acme.example",
        "Priya",
        "manager",
    )
    assert (added.phone, added.receives_alerts, added.active) == ("+15125550166", True, True)
    assert added.workspace_id == owner.workspace_id
    assert users.authenticate(session, "priya@acme.example", NEW_PASSWORD).id == added.id
    assert values(at.success) == ["Priya@Acme.Example can sign in now."]
    assert "**Priya** :orange-badge[Alerts]" in values(at.markdown)
    assert at.text_input(key="team.email").value == ""
    assert at.text_input(key="team.password").value == ""


def test_a_short_password_is_refused_and_nobody_is_added(session: Session) -> None:
    at, _, _ = team_page(session)

    fill_new_person(at, password="short")
    submit(at, "team.add", "Add")

    assert values(at.error) == ["A password needs at least 10 characters."]
    assert [u.display_name for u in people(session)] == ["Olive", "Sam"]
    assert at.text_input(key="team.email").value == "Priya@Acme.Example"


def test_an_email_already_in_use_is_refused(session: Session) -> None:
    at, _, sam = team_page(session)

    fill_new_person(at)
    at.text_input(key="team.email").input(sam.email.upper())
    submit(at, "team.add", "Add")

    assert values(at.error) == [f"A user with email {sam.email} already exists."]
    assert len(people(session)) == 2


def test_changing_a_role_stores_it_and_records_an_event(session: Session) -> None:
    at, owner, sam = team_page(session)

    at.selectbox(key=f"team.role.{sam.id}").select("manager").run()
    ok(at)

    assert reread(session).get(User, sam.id).role == "manager"
    (event,) = events(session, EventKind.SETTINGS_CHANGED)
    assert event.actor_user_id == owner.id
    assert (event.data["from"]["role"], event.data["to"]["role"]) == ("operator", "manager")
    assert values(at.success) == ["Role changed to Manager."]
    assert at.selectbox(key=f"team.role.{sam.id}").value == "manager"


def test_the_only_owner_cannot_demote_themselves_and_stays_owner(session: Session) -> None:
    at, owner, _ = team_page(session)

    at.selectbox(key=f"team.role.{owner.id}").select("operator").run()
    ok(at)

    assert values(at.error) == ["You can't change your own role or remove yourself."]
    assert reread(session).get(User, owner.id).role == "owner"
    assert events(session, EventKind.SETTINGS_CHANGED) == []
    assert at.selectbox(key=f"team.role.{owner.id}").value == "owner"
    assert values(at.title) == ["Team"]


def test_an_owner_cannot_switch_themselves_off(session: Session) -> None:
    at, owner, _ = team_page(session)

    at.button(key=f"team.active.{owner.id}").click().run()
    ok(at)

    assert values(at.error) == ["You can't change your own role or remove yourself."]
    assert reread(session).get(User, owner.id).active is True


def test_switching_someone_off_keeps_them_listed_and_stops_their_sign_in(
    session: Session,
) -> None:
    at, owner, sam = team_page(session)

    at.button(key=f"team.active.{sam.id}").click().run()
    ok(at)

    assert reread(session).get(User, sam.id).active is False
    (event,) = events(session, EventKind.SETTINGS_CHANGED)
    assert (event.actor_user_id, event.data["to"]["active"]) == (owner.id, False)
    assert users.authenticate(session, sam.email, PASSWORD) is None
    assert values(at.success) == ["Sam: switched off."]
    assert "**Sam** :gray-badge[Switched off]" in values(at.markdown)
    assert at.button(key=f"team.active.{sam.id}").label == "Switch on"


def test_switching_someone_back_on_lets_them_sign_in_again(session: Session) -> None:
    workspace = make_shop(session)
    owner = make_user(session, workspace, "owner", name="Olive")
    sam = make_user(session, workspace, "operator", name="Sam")
    sam.active = False
    session.add(sam)
    session.commit()
    at = open_page(signed_in_app(owner), "team")

    at.button(key=f"team.active.{sam.id}").click().run()
    ok(at)

    assert reread(session).get(User, sam.id).active is True
    assert users.authenticate(session, sam.email, PASSWORD) is not None
    assert values(at.success) == ["Sam: switched on."]


def test_an_owner_switched_off_meanwhile_cannot_change_roles_from_a_page_left_open(
    session: Session,
) -> None:
    at, owner, sam = team_page(session)
    stored = session.get(User, owner.id)
    stored.active = False
    session.add(stored)
    session.commit()

    at.selectbox(key=f"team.role.{sam.id}").select("owner").run()
    ok(at)

    assert reread(session).get(User, sam.id).role == "operator"
    assert events(session, EventKind.SETTINGS_CHANGED) == []
    assert values(at.title) == ["Sign in"]
