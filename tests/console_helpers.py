"""Shared pieces for the console's AppTest tests: the app signed in (or not), opening a
conversation or a page, reading what the page shows, and re-reading the database.

The app runs in this process against the test database (the `engine` fixture points
INBOX_DATABASE_URL at it), so a test commits what it built before running the app, and
re-reads rows after the app's own transactions (`reread`)."""

from __future__ import annotations

import functools
import itertools
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlmodel import Session, SQLModel, col, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

import console.auth
import data.users
from data import workspaces
from data.db import get_engine
from data.inbound import InboundMessage, InboundResult, receive
from data.models import Event, Message, User, Workspace
from data.sign_in import SignInThrottle
from data.vocab import Direction
from tests.factories import ALWAYS_OPEN, make_workspace

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")

#: For tests of what a page shows, with no database behaviour worth checking twice.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """conftest's `db_url` (SQLite and PostgreSQL in turn), but PostgreSQL is emptied with
    DELETE instead of TRUNCATE: these tests leave a few rows in a dozen tables, which DELETE
    removes in ~15 ms where TRUNCATE (new files for every table and index) takes 0.4-1 s, most
    of a PostgreSQL test's time here. Ids are not restarted; no test relies on them."""
    if request.param == "sqlite":
        path = tmp_path / "inbox.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    with get_engine(url).begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))
    return url


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch: pytest.MonkeyPatch) -> Iterator[SignInThrottle]:
    """Each test starts with no failed sign-ins counted (the throttle lives in the process),
    and passwords are hashed with argon2id at its cheapest (the default costs ~0.2 s per
    user made or signed in, most of these tests' time)."""
    throttle = SignInThrottle()
    monkeypatch.setattr(console.auth, "THROTTLE", throttle)
    monkeypatch.setattr(
        data.users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    yield throttle


@functools.cache
def _components() -> Any:
    """Streamlit's registry of installed custom components, discovered once: each AppTest
    otherwise scans every installed package's metadata (~0.3 s) on its first run."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    registry = BidiComponentManager()
    registry.discover_and_register_components(start_file_watching=False)
    return registry


_provider_ids = itertools.count(1)

#: Where a customer writes to the workspace `make_shop(session, "acme")`, by channel.
ACME = {
    "sms": "+15125550100",
    "whatsapp": "+15125550101",
    "email": "hello@acme.example",
    "webchat": "wk_acme_widget",
}


def customer_writes(
    session: Session,
    body: str,
    *,
    channel: str = "sms",
    sender: str = "+15125550123",
    name: str | None = None,
    subject: str | None = None,
    media: list[dict[str, Any]] | None = None,
    at: datetime | None = None,
) -> InboundResult:
    """A customer's message to the acme workspace, stored the way ingest stores it."""
    return receive(
        session,
        InboundMessage(
            channel=channel,
            to_address=ACME[channel],
            from_address=sender,
            body=body,
            provider_id=f"in-{next(_provider_ids)}",
            name=name,
            subject=subject,
            media=media or [],
            received_at=at,
        ),
    )


class ConsoleApp(AppTest):
    """The console under AppTest, failing any run that ends with a traceback on the page
    (`at.exception`), whichever widget started it."""

    def _run(self, *args: Any, **kwargs: Any) -> AppTest:
        return ok(super()._run(*args, **kwargs))


def app() -> AppTest:
    at = ConsoleApp(APP, default_timeout=30)
    at._bidi_component_manager = _components()
    return at


def make_shop(session: Session, slug: str = "acme", **settings: Any) -> Workspace:
    """`factories.make_business` without the demo knowledge base (loading it costs ~0.5 s):
    every channel, open around the clock in Chicago, with an alert phone and email."""
    workspace = make_workspace(session, slug)
    workspace.business_hours = ALWAYS_OPEN
    workspace.timezone = "America/Chicago"
    workspace.alert_phone = "+15125550190"
    workspace.alert_email = f"owner@{slug}.example"
    for name, value in settings.items():
        setattr(workspace, name, value)
    session.add(workspace)
    session.flush()
    return workspaces.get(session, workspace.id)


def signed_in_app(user: User, *, run: bool = True) -> AppTest:
    """The console as `user` sees it right after signing in (the Inbox)."""
    at = app()
    at.session_state["console.user_id"] = user.id
    if run:
        at.run()
        ok(at)
    return at


def ok(at: AppTest) -> AppTest:
    """No traceback on the page (checked after every run of `app()`)."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_conversation(at: AppTest, conversation_id: int) -> AppTest:
    """Click the conversation in the inbox list."""
    at.button(key=f"open.{conversation_id}").click().run()
    return ok(at)


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Go to the console page at /`url_path`, as typing its URL would.

    `AppTest.switch_page` only knows file pages; the console's pages are functions, whose
    page id is the hash of their url_path (`st.Page._script_hash`)."""
    at._page_hash = calc_hash(url_path)
    at.run()
    return ok(at)


def submit(at: AppTest, form: str, label: str) -> AppTest:
    """Press the submit button labelled `label` of the form keyed `form`."""
    at.button(key=f"FormSubmitter:{form}-{label}").click().run()
    return ok(at)


def values(elements: Any) -> list[str]:
    """The text of each element (markdown source, caption, text, message box)."""
    return [str(element.value) for element in elements]


def shown(elements: Any, fragment: str) -> bool:
    """Whether any of the elements contains `fragment`."""
    return any(fragment in value for value in values(elements))


def reread(session: Session) -> Session:
    """End the test's transaction and forget loaded rows, so the next reads see what the
    app committed."""
    session.commit()
    session.expire_all()
    return session


def events(session: Session, kind: str) -> list[Event]:
    reread(session)
    return list(session.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id))))


def outbound(session: Session) -> list[Message]:
    """Every outgoing message (the outbox and what was sent), oldest first."""
    reread(session)
    return list(
        session.exec(
            select(Message).where(Message.direction == Direction.OUTBOUND).order_by(col(Message.id))
        )
    )


#: What the sign-in form says to a wrong password and to an unknown email alike.
WRONG = "That email and password don't match an active account."


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="sign_in.email").input(email)
    at.text_input(key="sign_in.password").input(password)
    return submit(at, "sign_in", "Sign in")


def sign_in_page() -> AppTest:
    at = ok(app().run())
    assert values(at.title) == ["Sign in"]
    return at
