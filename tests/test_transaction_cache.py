"""A workspace's sending address is read once per transaction, and never served stale: a
channel added or switched off in the same session, or changed by another, is seen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session

from data import workspaces
from tests.factories import make_workspace


@contextmanager
def channel_reads(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def remember(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM channel" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def test_many_replies_in_one_transaction_read_the_sending_address_once(engine: Engine) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        session.commit()
        with channel_reads(engine) as reads:
            found = [workspaces.channel_for(session, workspace.id, "sms") for _ in range(25)]
        assert {c.address for c in found if c is not None} == {"+15125550100"}
        assert len(reads) == 1


def test_a_channel_added_in_the_same_session_is_the_sending_address_at_once(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        workspace = workspaces.create(session, "acme", "Acme Plumbing")
        session.flush()
        assert workspaces.channel_for(session, workspace.id, "sms") is None
        workspaces.add_channel(session, workspace, "sms", "+15125550100", "twilio")
        found = workspaces.channel_for(session, workspace.id, "sms")
        assert found is not None and found.address == "+15125550100"


def test_a_channel_switched_off_and_saved_is_no_longer_the_sending_address(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        channel = workspaces.channel_for(session, workspace.id, "email")
        assert channel is not None
        channel.active = False
        session.add(channel)
        session.flush()
        assert workspaces.channel_for(session, workspace.id, "email") is None


def test_a_new_transaction_sees_a_change_made_by_another_session(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as reader:
        with Session(engine) as setup:
            workspace = make_workspace(setup)
            setup.commit()
            workspace_id = workspace.id
        assert workspaces.channel_for(reader, workspace_id, "webchat") is not None
        reader.commit()
        with Session(engine) as writer:
            channel = workspaces.channel_for(writer, workspace_id, "webchat")
            assert channel is not None
            channel.active = False
            writer.add(channel)
            writer.commit()
        assert workspaces.channel_for(reader, workspace_id, "webchat") is None
