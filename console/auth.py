"""Sign-in and sign-out, and who is signed in.

The signed-in user is re-read from the database on every run, so a user an owner
deactivates (or whose role changes) is signed out (or re-scoped) at their next click.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data import users
from data.db import session_scope
from data.events import Actor
from data.models import User
from data.sign_in import THROTTLE
from data.vocab import ActorKind, label

_USER_KEY = "console.user_id"


@dataclass(frozen=True)
class SignedIn:
    """The person using the console, as the pages need them."""

    user_id: int
    workspace_id: int
    name: str
    email: str
    role: str
    phone: str | None

    @property
    def actor(self) -> Actor:
        return Actor(ActorKind.OPERATOR, self.name, self.user_id)

    @classmethod
    def of(cls, user: User) -> SignedIn:
        return cls(user.id, user.workspace_id, user.display_name, user.email, user.role, user.phone)


def current_user() -> SignedIn | None:
    user_id = st.session_state.get(_USER_KEY)
    if user_id is None:
        return None
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            st.session_state.pop(_USER_KEY, None)
            return None
        return SignedIn.of(user)


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def sign_in_form() -> None:
    """The sign-in page; on success the app reruns signed in."""
    st.title("Sign in")
    st.caption("The conversations inbox")
    with st.form("sign_in"):
        email = st.text_input("Email", key="sign_in.email")
        password = st.text_input("Password", type="password", key="sign_in.password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    if not email.strip() or not password:
        st.error("Enter your email and password.")
        return
    wait = THROTTLE.wait_seconds(email)
    if wait > 0:
        st.error(f"Too many failed attempts. Try again in {int(wait) + 1} seconds.")
        return
    with session_scope(write=True) as session:
        user = users.authenticate(session, email, password)
        signed = SignedIn.of(user) if user is not None else None
    if signed is None:
        THROTTLE.failed(email)
        st.error("That email and password don't match an active account.")
        return
    THROTTLE.succeeded(email)
    st.session_state[_USER_KEY] = signed.user_id
    st.rerun()


def account_menu(user: SignedIn) -> None:
    """Who is signed in, and Sign out: top right of every page."""
    with st.popover(user.name, icon=":material/account_circle:"):
        st.caption(f"{user.email} · {label(user.role)}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
