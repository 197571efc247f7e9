"""The demo workspace: a believable business, loaded once; seeding again changes nothing."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, SQLModel

from data import users, workspaces
from data.db import get_engine
from data.demo import content, seed
from data.export import export_workspace
from data.models import Contact, Conversation, KnowledgeEntry, Message
from tests.conftest import truncate_all


def table_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def demo_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> tuple[Engine, seed.SeedResult]:
    """One seeded database per backend for the whole module (these tests only read)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_url")
        truncate_all(get_engine(url))
    engine = get_engine(url)
    with Session(engine) as session:
        result = seed.seed(session)
        session.commit()
    return engine, result


@pytest.fixture
def session(demo_database: tuple[Engine, seed.SeedResult]) -> Iterator[Session]:
    with Session(demo_database[0]) as session:
        yield session


@pytest.fixture
def seeded(demo_database: tuple[Engine, seed.SeedResult]) -> seed.SeedResult:
    return demo_database[1]


def demo_workspace(session: Session):
    return workspaces.by_slug(session, content.BUSINESS["slug"])


def test_seeding_twice_changes_nothing(session, seeded) -> None:
    before = table_counts(session)
    export_before = list(export_workspace(session, demo_workspace(session)))
    again = seed.seed(session)
    session.commit()
    assert not again.created and again.logins == []
    assert table_counts(session) == before
    assert list(export_workspace(session, demo_workspace(session))) == export_before


def test_the_demo_has_what_a_believable_inbox_needs(session, seeded) -> None:
    counts = table_counts(session)
    assert counts["knowledge_entry"] >= 25 and counts["app_user"] == 3
    assert counts["conversation"] >= 40 and counts["call"] >= 6
    assert counts["appointment"] >= 8 and counts["note"] >= 8
    channels = dict(
        session.execute(
            select(Conversation.channel, func.count()).group_by(Conversation.channel)
        ).all()
    )
    assert set(channels) == {"sms", "whatsapp", "webchat", "email", "voice"}
    statuses = set(session.execute(select(Conversation.status).distinct()).scalars())
    assert statuses == {"active", "escalated", "closed"}
    assert (
        session.execute(select(func.count()).where(Conversation.managed_by == "human")).scalar_one()
        >= 5
    )
    opted_out = session.execute(select(Contact).where(Contact.opted_out_at.is_not(None))).scalars()
    assert len(list(opted_out)) == 1


def test_demo_history_gives_the_pipeline_nothing_to_answer_or_send(session, seeded) -> None:
    untriaged = session.execute(
        select(func.count()).where(Message.direction == "inbound", Message.triaged_at.is_(None))
    ).scalar_one()
    queued = session.execute(select(func.count()).where(Message.status == "queued")).scalar_one()
    assert (untriaged, queued) == (0, 0)


def test_escalated_demo_conversations_carry_reasons_and_events(session, seeded) -> None:
    rows = session.execute(
        text(
            "SELECT c.escalation_reason, count(e.id) FROM conversation c "
            "LEFT JOIN event e ON e.conversation_id = c.id AND e.kind = 'escalated' "
            "WHERE c.status = 'escalated' GROUP BY c.id, c.escalation_reason"
        )
    ).all()
    assert rows and all(reason and n == 1 for reason, n in rows)
    assert {reason for reason, _ in rows} >= {"cant_answer", "asked_for_person", "manual"}


def test_the_demo_logins_work_and_cover_every_role(session, seeded) -> None:
    assert {login.role for login in seeded.logins} == {"owner", "manager", "operator"}
    for login in seeded.logins:
        assert users.authenticate(session, login.email, login.password) is not None
        assert users.authenticate(session, login.email, login.password + "x") is None


def test_the_knowledge_base_is_enabled_and_tagged(session, seeded) -> None:
    entries = session.execute(select(KnowledgeEntry)).scalars().all()
    assert all(e.enabled and e.tags for e in entries)
