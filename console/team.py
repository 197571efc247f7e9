"""The Team page (owners): who can sign in, with which role, and who gets escalation
alerts; add people, change roles, switch people off."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from console import actions
from console.auth import SignedIn, account_menu
from console.display import inert
from console.pages import acting
from data import users
from data.db import session_scope
from data.models import User
from data.vocab import Role, label

ROLES = [str(Role.OPERATOR), str(Role.MANAGER), str(Role.OWNER)]
ROLE_HELP = "Operator: the inbox. Manager: inbox and analytics. Owner: everything."


def _user(session: Session, me: SignedIn, user_id: int) -> User:
    user = users.get(session, me.workspace_id, user_id)
    if user is None:
        raise LookupError("That user no longer exists.")
    return user


def _add(me: SignedIn) -> None:
    with st.form("team.add"):
        st.subheader("Add a person")
        name = st.text_input("Name", key="team.name")
        email = st.text_input("Email", key="team.email")
        phone = st.text_input("Mobile (for alerts and click-to-call)", key="team.phone")
        role = st.selectbox("Role", ROLES, format_func=label, key="team.role", help=ROLE_HELP)
        password = st.text_input(
            f"First password (at least {users.MIN_PASSWORD_LENGTH} characters)",
            type="password",
            key="team.password",
        )
        alerts = st.checkbox("Gets escalation alerts", key="team.alerts")
        added = st.form_submit_button("Add", type="primary")
    if added:
        actions.run(
            lambda s: users.create(
                s,
                me.workspace_id,
                email,
                password,
                role,
                display_name=name or None,
                phone=phone.strip() or None,
                receives_alerts=alerts,
            ),
            done=f"{email.strip()} can sign in now.",
            clear=("team.name", "team.email", "team.phone", "team.password"),
        )


def _set_role(me: SignedIn, user_id: int, key: str) -> None:
    role = st.session_state[key]
    if (now := acting(me, "team")) is None:
        return
    me = now
    done = actions.run(
        lambda s: users.change(s, _user(s, me, user_id), me.actor, role=role),
        done=f"Role changed to {label(role)}.",
        rerun=False,
    )
    if done is None:
        # Refused: show the role the person still has.
        st.session_state.pop(f"{key}.seen", None)


def render(me: SignedIn) -> None:
    actions.clear_sent_inputs()
    title, account = st.columns([4, 0.8])
    title.title("Team")
    with account:
        account_menu(me)
    actions.show_flashes()
    with session_scope() as session:
        people = users.list_users(session, me.workspace_id)
    for person in people:
        with st.container(border=True):
            who, role, switch = st.columns([3, 2, 1])
            status = "" if person.active else " :gray-badge[Switched off]"
            alerts = " :orange-badge[Alerts]" if person.receives_alerts else ""
            who.markdown(f"**{inert_name(person)}**{status}{alerts}")
            who.caption(person.email)
            key = f"team.role.{person.id}"
            actions.sync(key, person.role)
            role.selectbox(
                "Role",
                ROLES,
                format_func=label,
                key=key,
                label_visibility="collapsed",
                on_change=_set_role,
                args=(me, person.id, key),
            )
            verb = "Switch off" if person.active else "Switch on"
            if switch.button(verb, key=f"team.active.{person.id}"):
                actions.run(
                    lambda s, pid=person.id, on=not person.active: users.change(
                        s, _user(s, me, pid), me.actor, active=on
                    ),
                    done=f"{person.display_name}: switched {'off' if person.active else 'on'}.",
                )
    _add(me)


def inert_name(user: User) -> str:
    return inert(user.display_name)
