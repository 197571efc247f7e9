"""A workspace's sending addresses, and the people who get its alerts, are read once per
transaction, and never served stale: a channel or a person added, switched off or deleted in
the same session, or changed by another, is seen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Engine, event
from sqlmodel import Session, select

from data import alerts, users, workspaces
from data.events import Actor
from data.models import Channel
from tests.factories import make_user, make_workspace


@contextmanager
def statements(engine: Engine, verb: str, containing: str = "") -> Iterator[list[str]]:
    """The statements starting with `verb` (and holding `containing`) the engine runs meanwhile."""
    seen: list[str] = []

    def remember(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().upper().startswith(verb) and containing in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def table_reads(engine: Engine, table: str = "channel") -> AbstractContextManager[list[str]]:
    return statements(engine, "SELECT", f"FROM {table}")


def test_many_replies_in_one_transaction_read_the_sending_address_once(engine: Engine) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        session.commit()
        with table_reads(engine) as reads:
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


def test_every_sending_address_of_a_transaction_comes_from_one_read(engine: Engine) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        session.commit()
        with table_reads(engine) as reads:
            kinds = ("sms", "email", "whatsapp", "webchat", "voice")
            found = {kind: workspaces.channel_for(session, workspace.id, kind) for kind in kinds}
            listed = workspaces.channels(session, workspace.id)
        assert found["email"] is not None and found["email"].address == "hello@acme.example"
        assert found["whatsapp"] is not None and found["whatsapp"].address == "+15125550101"
        assert {c.kind for c in listed} == set(kinds)
        assert len(reads) == 1


def test_a_channel_deleted_in_the_same_session_is_no_longer_an_address(engine: Engine) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        channel = workspaces.channel_for(session, workspace.id, "webchat")
        assert channel is not None
        session.delete(channel)
        assert workspaces.channel_for(session, workspace.id, "webchat") is None
        assert channel not in workspaces.channels(session, workspace.id)


def test_a_person_who_stops_getting_alerts_drops_out_of_the_recipients_at_once(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        person = make_user(session, workspace, name="Robin")
        person.phone = "+15125550177"
        person.receives_alerts = True
        session.add(person)
        session.commit()
        with table_reads(engine, "app_user") as reads:
            before = alerts.recipients(session, workspace)
            again = alerts.recipients(session, workspace)
        assert (("sms", "+15125550177", "Robin") in before) and before == again
        assert len(reads) == 1
        users.set_receives_alerts(session, person, False, Actor.system("test"))
        assert ("sms", "+15125550177", "Robin") not in alerts.recipients(session, workspace)


def test_reading_the_addresses_leaves_the_transactions_other_writes_for_its_one_flush(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        session.commit()
        workspace_id = workspace.id
        workspace.name = "Acme Plumbing & Heating"
        session.add(workspace)
        with statements(engine, "UPDATE") as written:
            assert workspaces.channel_for(session, workspace_id, "sms") is not None
            alerts.recipients(session, workspace)  # reads the team
            assert written == []
            session.flush()
            assert len(written) == 1


def test_a_channel_switched_off_and_not_yet_flushed_is_no_longer_the_sending_address(
    engine: Engine,
) -> None:
    with Session(engine) as session:
        workspace = make_workspace(session)
        session.commit()
        channel = session.exec(
            select(Channel).where(Channel.workspace_id == workspace.id, Channel.kind == "email")
        ).one()
        channel.active = False
        session.add(channel)
        assert workspaces.channel_for(session, workspace.id, "email") is None
