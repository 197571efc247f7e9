"""The `inbox` command line: help everywhere, usage errors without tracebacks, one clear line
for every refusal, and the database, demo, user, knowledge, export, pipeline and simulate
commands doing what they say. Commands run in-process through Typer's CliRunner against real
database files (and PostgreSQL where the `engine` fixture is parametrised); a few run as real
programs to prove the entry point."""

from __future__ import annotations

import json
import re
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner, Result

from data import knowledge, outbox, users, workspaces
from data.db import get_engine, session_scope
from data.demo import content
from data.events import Actor
from data.migrate import head_revision
from data.models import Conversation, KnowledgeEntry, Message, User, Workspace
from data.settings import get_settings
from inbox.cli import app
from tests.factories import PASSWORD, make_user, make_workspace, text_in

NO_TABLES = "Error: The database has no tables yet: run `inbox db upgrade`."
NEW_PASSWORD = "a long enough password"

runner = CliRunner()


# --- helpers -------------------------------------------------------------------------------


def inbox(*args: str, input: str | None = None) -> Result:
    """Run `inbox ARGS` in-process, as a user would type it."""
    return runner.invoke(app, list(args), input=input, prog_name="inbox")


def user_add(email: str, *options: str, typed: list[str] | None = None) -> Result:
    """`inbox user add EMAIL OPTIONS`, typing the password and its confirmation at the prompts."""
    typed = typed or [NEW_PASSWORD, NEW_PASSWORD]
    return inbox("user", "add", email, *options, input="".join(f"{t}\n" for t in typed))


def run_program(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `inbox ARGS` as a real program (`python -m inbox`), with this test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "inbox", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("INBOX_DATABASE_URL", url)
    get_settings.cache_clear()


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"the command raised {result.exception!r}"
    )
    assert "Traceback" not in result.output


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """The command refused with exit 1 and exactly one `Error: ...` line on stderr."""
    assert_no_traceback(result)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def assert_usage_error(result: Result, fragment: str) -> None:
    assert_no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "Error" in result.stderr
    assert fragment in " ".join(result.output.split())


@contextmanager
def fresh_session(engine: Engine) -> Iterator[Session]:
    """A new session, so what a command wrote is read back from the database itself."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def table_counts(engine: Engine) -> dict[str, int]:
    with fresh_session(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


_LOGIN = re.compile(r"^\s+(owner|manager|operator)\s+(\S+@\S+)\s+password: (\S+)$", re.MULTILINE)


def printed_logins(output: str) -> dict[str, tuple[str, str]]:
    """{role: (email, password)} from what `inbox demo` printed."""
    return {role: (email, password) for role, email, password in _LOGIN.findall(output)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def acme(session: Session) -> Workspace:
    """One workspace with every channel, committed so commands see it."""
    workspace = make_workspace(session)
    session.commit()
    return workspace


def knowledge_questions(engine: Engine) -> list[str]:
    with fresh_session(engine) as session:
        return list(
            session.execute(select(KnowledgeEntry.question).order_by(KnowledgeEntry.id)).scalars()
        )


# --- help and usage errors -----------------------------------------------------------------

COMMANDS = [
    ["up"],
    ["ingest"],
    ["pipeline"],
    ["console"],
    ["db", "upgrade"],
    ["db", "current"],
    ["demo"],
    ["user", "add"],
    ["kb", "import"],
    ["export"],
    ["simulate"],
]


@pytest.mark.parametrize("command", [[], ["db"], ["user"], ["kb"], *COMMANDS], ids=" ".join)
def test_every_command_and_group_has_help_that_exits_0(command: list[str]) -> None:
    result = inbox(*command, "--help")
    assert_no_traceback(result)
    assert result.exit_code == 0, result.output
    assert f"Usage: inbox {' '.join(command)}".rstrip() in result.output
    assert "--help" in result.output


def test_the_top_level_help_lists_every_command() -> None:
    first_words = {line.strip("│ ").split(" ")[0] for line in inbox("--help").output.splitlines()}
    assert {"up", "ingest", "pipeline", "console", "db", "demo", "user", "kb"} <= first_words
    assert {"export", "simulate"} <= first_words


def test_an_unknown_command_is_a_usage_error_without_a_traceback() -> None:
    result = inbox("bogus")
    assert_usage_error(result, "No such command 'bogus'")
    assert "Usage: inbox [OPTIONS] COMMAND [ARGS]..." in result.stderr
    assert "Try 'inbox --help' for help." in result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_a_usage_error_on_every_command(command: list[str]) -> None:
    assert_usage_error(inbox(*command, "--no-such-option"), "No such option: --no-such-option")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--count", "zero"], "Invalid value for '--count'"),
        (["simulate", "--count", "0"], "Invalid value for '--count'"),
        (["up", "--ingest-workers", "0"], "Invalid value for '--ingest-workers'"),
        (["ingest", "--port", "http"], "Invalid value for '--port'"),
        (["user", "add", "sam@acme.example"], "Missing option '--role'"),
        (["kb", "import"], "Missing argument"),
        (["export", "--workspace"], "Option '--workspace' requires an argument"),
        (["db", "current", "extra"], "unexpected extra argument"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_a_wrong_argument_is_a_usage_error_that_names_it(args: list[str], message: str) -> None:
    assert_usage_error(inbox(*args), message)


def test_the_real_program_answers_help_and_usage_errors_without_a_traceback() -> None:
    help_run = run_program("--help")
    assert help_run.returncode == 0, help_run.stderr
    assert "Usage: " in help_run.stdout and "simulate" in help_run.stdout
    wrong = run_program("export", "--bogus")
    assert wrong.returncode == 2
    assert "No such option: --bogus" in wrong.stderr
    assert "Traceback" not in wrong.stdout + wrong.stderr


# --- a database without tables -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "input"),
    [
        (["demo"], None),
        (["demo", "--reset-passwords"], None),
        (["user", "add", "sam@acme.example", "--role", "operator"], f"{PASSWORD}\n{PASSWORD}\n"),
        (["kb", "import", "faq.csv"], None),
        (["export"], None),
        (["simulate", "--count", "1"], None),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_commands_on_a_database_without_tables_say_to_run_db_upgrade(
    tmp_path: Path, args: list[str], input: str | None
) -> None:
    (tmp_path / "faq.csv").write_text("question,answer\nOpen Sundays?,No.\n")
    assert_one_line_error(inbox(*args, input=input), NO_TABLES)


def test_pipeline_once_on_a_database_without_tables_says_to_run_db_upgrade() -> None:
    assert_one_line_error(inbox("pipeline", "--once"), NO_TABLES)


def test_db_current_on_an_empty_database_says_it_is_empty_and_names_the_newest() -> None:
    result = inbox("db", "current")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"current: empty; newest: {head_revision()}"


def test_an_unreachable_database_is_named_in_a_clear_error_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_database(monkeypatch, f"postgresql://inbox@127.0.0.1:{free_port()}/inbox")
    for args in (["db", "upgrade"], ["export"], ["demo"]):
        result = inbox(*args)
        assert_no_traceback(result)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: Cannot ")
        assert "postgresql+psycopg://inbox@127.0.0.1:" in result.stderr


def test_an_unsupported_database_url_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_database(monkeypatch, "mysql://inbox@localhost/inbox")
    assert_one_line_error(inbox("export"), "INBOX_DATABASE_URL must be")


# --- db upgrade ----------------------------------------------------------------------------


def test_db_upgrade_on_an_empty_sqlite_file_creates_the_schema_and_says_the_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "fresh.db"
    path.touch()
    url = f"sqlite:///{path}"
    use_database(monkeypatch, url)
    result = inbox("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Database {url} is at revision {head_revision()}."
    assert set(SQLModel.metadata.tables) <= set(inspect(get_engine(url)).get_table_names())
    assert inbox("db", "current").stdout.strip() == (
        f"current: {head_revision()}; newest: {head_revision()}"
    )


def test_db_upgrade_again_changes_nothing_and_keeps_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_database(monkeypatch, f"sqlite:///{tmp_path / 'twice.db'}")
    first = inbox("db", "upgrade")
    assert first.exit_code == 0, first.output
    with session_scope() as session:
        workspaces.create(session, "acme", "Acme Plumbing")
    again = inbox("db", "upgrade")
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout
    with session_scope() as session:
        assert [w.slug for w in workspaces.all_workspaces(session)] == ["acme"]


def test_db_upgrade_to_an_unknown_revision_is_a_one_line_error() -> None:
    assert_one_line_error(inbox("db", "upgrade", "no-such-revision"), "no-such-revision")


# --- demo ----------------------------------------------------------------------------------


def test_demo_loads_the_workspace_prints_three_logins_and_saves_them_privately(
    engine: Engine, tmp_path: Path
) -> None:
    result = inbox("demo")
    assert result.exit_code == 0, result.output
    assert "Demo workspace loaded." in result.stdout
    logins = printed_logins(result.stdout)
    assert set(logins) == {"owner", "manager", "operator"}
    assert {email for email, _ in logins.values()} == {u["email"] for u in content.USERS}
    saved = tmp_path / "var" / "demo-logins.txt"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert printed_logins(saved.read_text()) == logins
    with fresh_session(engine) as session:
        assert workspaces.by_slug(session, content.BUSINESS["slug"]) is not None


def test_a_second_demo_says_nothing_changed_and_changes_no_row(engine: Engine) -> None:
    first = inbox("demo")
    assert first.exit_code == 0, first.output
    before = table_counts(engine)
    again = inbox("demo")
    assert again.exit_code == 0, again.output
    assert "already loaded; nothing changed" in again.stdout
    assert table_counts(engine) == before
    assert printed_logins(again.stdout) == printed_logins(first.stdout)


def test_the_printed_demo_owner_password_signs_in(engine: Engine) -> None:
    email, password = printed_logins(inbox("demo").stdout)["owner"]
    with fresh_session(engine) as session:
        owner = users.authenticate(session, email, password)
        assert owner is not None and owner.role == "owner"
        assert users.authenticate(session, email, password + "!") is None


def test_demo_reset_passwords_gives_new_passwords_that_work(engine: Engine, tmp_path: Path) -> None:
    old = printed_logins(inbox("demo").stdout)
    result = inbox("demo", "--reset-passwords")
    assert result.exit_code == 0, result.output
    new = printed_logins(result.stdout)
    assert set(new) == {"owner", "manager", "operator"}
    assert printed_logins((tmp_path / "var" / "demo-logins.txt").read_text()) == new
    with fresh_session(engine) as session:
        for role, (email, password) in new.items():
            assert password != old[role][1]
            assert users.authenticate(session, email, password) is not None
            assert users.authenticate(session, email, old[role][1]) is None


def test_demo_reset_passwords_before_any_demo_says_to_run_demo_first(engine: Engine) -> None:
    assert_one_line_error(inbox("demo", "--reset-passwords"), "run `inbox demo` first")


# --- user add ------------------------------------------------------------------------------


def test_user_add_asks_for_the_password_twice_and_creates_a_user_who_can_sign_in(
    engine: Engine, acme
) -> None:
    result = user_add("Sam@Acme.example", "--role", "operator", "--name", "Sam")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.stdout and "Repeat for confirmation:" in result.stdout
    assert NEW_PASSWORD not in result.output
    assert "Added operator sam@acme.example to acme." in result.stdout
    with fresh_session(engine) as session:
        user = users.authenticate(session, "sam@acme.example", NEW_PASSWORD)
        assert user is not None
        assert (user.role, user.display_name, user.workspace_id) == ("operator", "Sam", acme.id)


def test_user_add_asks_again_when_the_two_passwords_differ(engine: Engine, acme) -> None:
    typed = [NEW_PASSWORD, "something else", NEW_PASSWORD, NEW_PASSWORD]
    result = user_add("sam@acme.example", "--role", "manager", typed=typed)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    with fresh_session(engine) as session:
        assert users.authenticate(session, "sam@acme.example", NEW_PASSWORD) is not None


def test_user_add_refuses_an_unknown_role_before_asking_for_a_password(engine: Engine) -> None:
    result = inbox("user", "add", "sam@acme.example", "--role", "boss")
    assert result.exit_code == 2
    assert all(word in result.output for word in ("--role", "'boss'", "'owner'", "'operator'"))
    assert "Password" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("email", "options", "password", "message"),
    [
        ("taken@acme.example", ["--role", "operator"], NEW_PASSWORD, "already exists"),
        ("sam@acme.example", ["--role", "operator"], "short", "at least 10 characters"),
        (
            "sam@acme.example",
            ["--role", "owner", "--workspace", "nope"],
            NEW_PASSWORD,
            "No workspace 'nope' (workspaces: acme)",
        ),
        ("not-an-email", ["--role", "operator"], NEW_PASSWORD, "not a valid email"),
    ],
    ids=["duplicate-email", "short-password", "unknown-workspace", "bad-email"],
)
def test_user_add_refuses_with_one_line_and_creates_nobody(
    engine: Engine, session: Session, acme, email, options, password, message
) -> None:
    users.create(session, acme.id, "taken@acme.example", PASSWORD, "owner")
    session.commit()
    result = user_add(email, *options, typed=[password, password])
    assert_one_line_error(result, message)
    with fresh_session(engine) as check:
        assert check.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_user_add_with_two_workspaces_and_no_workspace_says_to_pass_workspace(
    engine: Engine, session: Session, acme
) -> None:
    make_workspace(session, "zenith", "+15125550200")
    session.commit()
    result = user_add("sam@acme.example", "--role", "operator")
    assert_one_line_error(result, "Several workspaces exist (acme, zenith): pass --workspace.")
    chosen = user_add("sam@acme.example", "--role", "operator", "-w", "zenith")
    assert chosen.exit_code == 0, chosen.output
    assert "to zenith." in chosen.stdout


# --- kb import -----------------------------------------------------------------------------

CSV = """question,answer,tags
Do you charge for estimates?,"Estimates for big jobs are free.","Pricing, estimates"
What are your hours?,Mon-Fri 7:30-6; Sat 9-1.,hours
"""

MARKDOWN = """# Acme FAQ

## Do you install tankless water heaters?
Yes: Rinnai and Navien, usually in one day.
Tags: water heaters, tankless

Q: Do you offer financing?
A: Yes, 12 months same-as-cash on approved credit.
"""


@pytest.fixture
def faq_files(tmp_path: Path) -> tuple[Path, Path]:
    csv_file, md_file = tmp_path / "faq.csv", tmp_path / "faq.md"
    csv_file.write_text(CSV)
    md_file.write_text(MARKDOWN)
    return csv_file, md_file


def test_kb_import_of_a_csv_adds_its_entries_with_tags(engine: Engine, acme, faq_files) -> None:
    result = inbox("kb", "import", str(faq_files[0]))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "acme: 2 added, 0 updated, 0 unchanged"
    with fresh_session(engine) as session:
        entries = knowledge.list_entries(session, acme.id)
    assert [(e.question, e.tags) for e in entries] == [
        ("Do you charge for estimates?", "pricing,estimates"),
        ("What are your hours?", "hours"),
    ]


def test_kb_import_of_a_markdown_q_and_a_file_adds_its_entries(
    engine: Engine, acme, faq_files
) -> None:
    result = inbox("kb", "import", str(faq_files[1]))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "acme: 2 added, 0 updated, 0 unchanged"
    assert knowledge_questions(engine) == [
        "Do you install tankless water heaters?",
        "Do you offer financing?",
    ]


@pytest.mark.parametrize("which", ["csv", "markdown"])
def test_kb_import_of_the_same_file_twice_adds_nothing(
    engine: Engine, acme, faq_files, which: str
) -> None:
    path = faq_files[0 if which == "csv" else 1]
    assert inbox("kb", "import", str(path)).exit_code == 0
    before = table_counts(engine)
    again = inbox("kb", "import", str(path))
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "acme: 0 added, 0 updated, 2 unchanged"
    assert table_counts(engine) == before


def test_kb_import_of_a_changed_answer_updates_the_entry_in_place(
    engine: Engine, acme, faq_files, tmp_path: Path
) -> None:
    inbox("kb", "import", str(faq_files[0]))
    edited = tmp_path / "edited.csv"
    edited.write_text(CSV.replace("Mon-Fri 7:30-6", "Mon-Sat 7-7"))
    result = inbox("kb", "import", str(edited))
    assert result.stdout.strip() == "acme: 0 added, 1 updated, 1 unchanged"
    with fresh_session(engine) as session:
        hours = [e for e in knowledge.list_entries(session, acme.id) if "hours" in e.question]
    assert len(hours) == 1 and hours[0].answer.startswith("Mon-Sat 7-7")


def test_kb_import_replace_removes_the_old_entries_first(engine: Engine, acme, faq_files) -> None:
    inbox("kb", "import", str(faq_files[0]))
    result = inbox("kb", "import", "--replace", str(faq_files[1]))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "acme: 2 added, 0 updated, 0 unchanged, 2 removed first"
    assert knowledge_questions(engine) == [
        "Do you install tankless water heaters?",
        "Do you offer financing?",
    ]


def test_kb_import_of_a_csv_without_an_answer_column_is_refused(
    engine: Engine, acme, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("question,tags\nDo you fix boilers?,heating\n")
    assert_one_line_error(inbox("kb", "import", str(bad)), "bad.csv", "missing: answer")
    assert knowledge_questions(engine) == []


def test_kb_import_of_a_missing_file_says_so(tmp_path: Path) -> None:
    assert_one_line_error(inbox("kb", "import", str(tmp_path / "nowhere.csv")), "No such file")


def test_kb_import_of_a_file_that_is_neither_csv_nor_markdown_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "faq.json"
    other.write_text("{}")
    assert_one_line_error(inbox("kb", "import", str(other)), "use a .csv or .md file")


def test_kb_import_of_a_directory_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "exports.csv").mkdir()
    assert_one_line_error(inbox("kb", "import", str(tmp_path / "exports.csv")), "exports.csv")


def test_kb_import_into_an_unknown_workspace_is_refused(engine: Engine, acme, faq_files) -> None:
    result = inbox("kb", "import", "-w", "nope", str(faq_files[0]))
    assert_one_line_error(result, "No workspace 'nope'")
    assert knowledge_questions(engine) == []


# --- export --------------------------------------------------------------------------------


def export_lines(*args: str) -> list[dict]:
    result = inbox("export", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("\n")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_export_writes_json_lines_workspace_users_knowledge_then_conversations(
    engine: Engine, session: Session, acme
) -> None:
    jamie = make_user(session, acme, "operator", "Jamie")
    knowledge.add(session, acme.id, "Are you licensed?", "Yes, Texas M-40123.", "licence")
    first = text_in(session, "How much is a water heater?")
    outbox.enqueue(
        session, first.conversation, "I'll call you in 5 minutes.", Actor.operator(jamie)
    )
    text_in(session, "Do you do drains?", sender="+15125550177")
    session.commit()

    lines = export_lines()
    kinds = [line["type"] for line in lines]
    assert kinds == ["workspace", "user", "knowledge_entry", "conversation", "conversation"]
    assert lines[0]["slug"] == "acme" and {c["kind"] for c in lines[0]["channels"]} >= {"sms"}
    assert lines[1]["email"] == jamie.email
    assert lines[2]["question"] == "Are you licensed?"
    conversation = lines[3]
    assert conversation["contact"]["phone"] == "+15125550123"
    assert [(m["direction"], m["sender_kind"], m["status"]) for m in conversation["messages"]] == [
        ("inbound", "customer", "received"),
        ("outbound", "operator", "queued"),
    ]
    assert conversation["messages"][1]["sender"] == jamie.email
    assert "taken_over" in [event["kind"] for event in conversation["events"]]


def test_export_never_contains_a_password_hash(engine: Engine, session: Session, acme) -> None:
    make_user(session, acme, "owner", "Dana")
    session.commit()
    result = inbox("export")
    assert result.exit_code == 0, result.output
    assert "password_hash" not in result.stdout
    assert "$argon2" not in result.stdout


def test_export_of_the_demo_has_a_line_per_conversation_with_escalation_reasons(
    engine: Engine,
) -> None:
    assert inbox("demo").exit_code == 0
    lines = export_lines()
    conversation_lines = [line for line in lines if line["type"] == "conversation"]
    with fresh_session(engine) as session:
        in_db = {c.id: c for c in session.execute(select(Conversation)).scalars()}
    assert sorted(line["id"] for line in conversation_lines) == sorted(in_db)
    assert [line["type"] for line in lines].count("user") == 3
    escalated = [line for line in conversation_lines if line["status"] == "escalated"]
    assert escalated
    for line in escalated:
        assert line["escalation_reason"] == in_db[line["id"]].escalation_reason
        assert line["escalation_reason"]
    for line in conversation_lines:
        assert line["contact"]["id"] == line["contact_id"]
        assert all(m["sender_kind"] and m["status"] for m in line["messages"])
        assert all("lease_owner" not in m for m in line["messages"])


def test_export_with_two_workspaces_needs_and_honours_workspace(
    engine: Engine, session: Session, acme
) -> None:
    make_workspace(session, "zenith", "+15125550200")
    text_in(session, "Hello Zenith", to="+15125550200")
    session.commit()
    assert_one_line_error(inbox("export"), "pass --workspace")
    lines = export_lines("--workspace", "zenith")
    assert lines[0]["slug"] == "zenith"
    conversations = [line for line in lines if line["type"] == "conversation"]
    assert [c["messages"][0]["body"] for c in conversations] == ["Hello Zenith"]


# --- pipeline --once -----------------------------------------------------------------------


def test_pipeline_once_sends_a_queued_message_through_the_log_sender(
    engine: Engine, session: Session, acme
) -> None:
    inbound = text_in(session, "Can someone come today?")
    inbound.conversation.managed_by = "human"  # so that only the queued message goes out
    queued = outbox.enqueue(session, inbound.conversation, "Yes, at 3 pm.", Actor.ai())
    session.commit()

    run = run_program("pipeline", "--once")
    assert run.returncode == 0, run.stderr
    assert "dispatch: 1" in run.stdout
    assert "Traceback" not in run.stderr
    with fresh_session(engine) as check:
        sent = check.get(Message, queued.id)
        assert sent.status == "sent"
        assert sent.provider_id and sent.provider_id.startswith("log-")
        assert sent.sent_at is not None and sent.attempts == 1
        assert sent.lease_owner is None


def test_pipeline_once_with_nothing_queued_reports_zero(engine: Engine, acme) -> None:
    result = inbox("pipeline", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "answer: 0, dispatch: 0, calls: 0, automations: 0, stuck_sends: 0, lead_cooling: 0, "
        "webhook_tokens: 0, planner_statistics: 0"
    )


# --- simulate ------------------------------------------------------------------------------


def test_simulate_with_an_unknown_channel_names_the_channels_it_knows() -> None:
    line = assert_one_line_error(inbox("simulate", "--channel", "nope"), "'nope'")
    for channel in ("sms", "whatsapp", "email", "webchat", "voice", "mixed"):
        assert channel in line


def test_simulate_against_a_port_where_nothing_listens_reports_errors_and_exits_1(
    engine: Engine, acme
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = inbox("simulate", "--url", url, "--count", "3", "--rate", "100", "--seed", "1")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert "0 accepted (2xx), 0 rejected, 3 errors" in result.stdout
    assert "ConnectError" in result.stdout


def test_simulate_without_a_workspace_says_to_load_the_demo(engine: Engine) -> None:
    assert_one_line_error(inbox("simulate"), "run `inbox demo`")


# --- up ------------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["--ingest-workers", "--pipeline-workers"])
def test_up_with_several_workers_on_sqlite_asks_for_postgresql(tmp_path: Path, option: str) -> None:
    result = inbox("up", option, "2")
    assert_one_line_error(result, "PostgreSQL")
    assert not (tmp_path / "unused.db").exists(), "it refused before touching the database"
