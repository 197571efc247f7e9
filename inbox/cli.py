"""The `inbox` command (Typer). Commands stay thin: they parse arguments, open a session and
call `data/`, `ingest/`, `pipeline/` or the console; errors become one clear line, exit 1."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session

from data.db import session_scope
from data.migrate import current_revision
from data.settings import Settings, get_settings
from data.vocab import Role

app = typer.Typer(
    help="Conversations inbox: one inbox for SMS, WhatsApp, web chat, email and calls.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="Console users.", no_args_is_help=True)
kb_app = typer.Typer(help="Knowledge base.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(kb_app, name="kb")

WorkspaceOption = Annotated[
    str | None,
    typer.Option("--workspace", "-w", help="Workspace slug (may be left out if there is one)."),
]
DEMO_LOGINS = Path("var/demo-logins.txt")


def fail(message: str) -> NoReturn:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def settings() -> Settings:
    """This process's settings; a value they refuse is one clear line, not a traceback."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"INBOX_{'_'.join(map(str, e['loc'])).upper()}: "
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        fail(f"Invalid setting: {problems}")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@contextmanager
def database(require_schema: bool = True) -> Iterator[Session]:
    """A session whose database problems come out as one readable line. The schema is
    checked first, so a missing `inbox db upgrade` is named rather than hit midway."""
    url = settings().database_url
    try:
        if require_schema and current_revision(url) is None:
            fail("The database has no tables yet: run `inbox db upgrade`.")
        with session_scope(write=True) as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig or exc).lower()
        if "no such table" in text or ("does not exist" in text and "relation" in text):
            fail("The database has no tables yet: run `inbox db upgrade`.")
        fail(f"Cannot use the database at {_redacted(url)}: {_one_line(exc.orig or exc)}")


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _setup_logging() -> None:
    logging.basicConfig(
        level=settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def up(
    ingest_workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
    pipeline_workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
) -> None:
    """Upgrade the database, then run ingest, the pipeline and the console until Ctrl-C."""
    from data.migrate import upgrade
    from inbox.processes import up as run_up

    config = settings()
    if config.is_sqlite and (ingest_workers > 1 or pipeline_workers > 1):
        fail("Several workers need PostgreSQL (set INBOX_DATABASE_URL); SQLite runs one of each.")
    try:
        upgrade()
    except OperationalError as exc:
        fail(
            f"Cannot reach the database at {_redacted(config.database_url)}: {_one_line(exc.orig)}"
        )
    raise typer.Exit(run_up(ingest_workers, pipeline_workers))


@app.command()
def ingest(
    host: Annotated[str | None, typer.Option(help="Default: INBOX_INGEST_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: INBOX_INGEST_PORT.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
) -> None:
    """Run the ingest web server (provider webhooks, web chat, /healthz)."""
    from inbox.processes import run_ingest

    config = settings()
    run_ingest(host or config.ingest_host, port or config.ingest_port, workers)


@app.command()
def pipeline(
    once: Annotated[
        bool, typer.Option("--once", help="Do all work that is due, then exit (cron/batch).")
    ] = False,
) -> None:
    """Run the pipeline (triage, replies, dispatch, alerts) until stopped."""
    from pipeline.runner import run_forever, run_once

    _setup_logging()
    with database():
        if once:
            totals = run_once()
            typer.echo(", ".join(f"{name}: {count}" for name, count in totals.items()))
            return
    run_forever()


@app.command()
def console(
    host: Annotated[str | None, typer.Option(help="Default: INBOX_CONSOLE_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: INBOX_CONSOLE_PORT.")] = None,
) -> None:
    """Open the Streamlit console."""
    from inbox.processes import run_console

    config = settings()
    run_console(host or config.console_host, port or config.console_port)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the database schema to the newest version."""
    from alembic.util.exc import CommandError

    from data.migrate import upgrade

    url = settings().database_url
    try:
        now_at = upgrade(url, revision)
    except OperationalError as exc:
        fail(f"Cannot reach the database at {_redacted(url)}: {_one_line(exc.orig)}")
    except CommandError as exc:
        fail(str(exc))
    typer.echo(f"Database {_redacted(url)} is at revision {now_at}.")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision the database is at, and the newest one."""
    from data.migrate import head_revision

    with database(require_schema=False):
        typer.echo(f"current: {current_revision() or 'empty'}; newest: {head_revision()}")


@app.command()
def demo(
    reset_passwords: Annotated[
        bool, typer.Option(help="Give the demo users new passwords (if the saved ones are lost).")
    ] = False,
) -> None:
    """Load the demo workspace (a plumbing company) if it is not there yet. Idempotent."""
    from data.demo import seed

    with database() as session:
        if reset_passwords:
            logins = seed.reset_passwords(session)
            if not logins:
                fail("There is no demo workspace yet: run `inbox demo` first.")
        else:
            result = seed.seed(session)
            if not result.created:
                typer.echo("The demo workspace is already loaded; nothing changed.")
                if DEMO_LOGINS.exists():
                    typer.echo(DEMO_LOGINS.read_text(), nl=False)
                return
            logins = result.logins
    _save_logins(logins)
    typer.echo("Demo workspace loaded.")
    typer.echo(DEMO_LOGINS.read_text(), nl=False)


def _save_logins(logins: list) -> None:
    lines = ["Demo sign-in (saved in var/demo-logins.txt):"]
    lines += [f"  {login.role:<9} {login.email}  password: {login.password}" for login in logins]
    DEMO_LOGINS.parent.mkdir(parents=True, exist_ok=True)
    DEMO_LOGINS.unlink(missing_ok=True)
    # Created owner-only from the first byte: these are passwords.
    fd = os.open(DEMO_LOGINS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("\n".join(lines) + "\n")


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="The user's email (their sign-in).")],
    role: Annotated[Role, typer.Option(case_sensitive=False, help="Who the user is.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    workspace: WorkspaceOption = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Asked for when not given (prefer the prompt: options end up in shell history).",
        ),
    ] = ...,
) -> None:
    """Add a console user to a workspace."""
    from data import users, workspaces

    with database() as session:
        try:
            ws = workspaces.resolve(session, workspace)
            user = users.create(session, ws.id, email, password, role.value, display_name=name)
        except (workspaces.WorkspaceNotFound, users.InvalidUser) as exc:
            fail(str(exc))
        typer.echo(f"Added {user.role} {user.email} to {ws.slug}.")


@kb_app.command("import")
def kb_import(
    file: Annotated[Path, typer.Argument(help="CSV (question,answer,tags) or Markdown Q&A.")],
    workspace: WorkspaceOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Remove every existing entry first.")
    ] = False,
) -> None:
    """Import knowledge-base entries; re-importing the same file changes nothing."""
    from data import knowledge, workspaces

    try:
        drafts = knowledge.parse_file(file)
    except knowledge.InvalidKnowledge as exc:
        fail(str(exc))
    with database() as session:
        try:
            ws = workspaces.resolve(session, workspace)
        except workspaces.WorkspaceNotFound as exc:
            fail(str(exc))
        result = knowledge.import_entries(session, ws.id, drafts, replace=replace)
    typer.echo(
        f"{ws.slug}: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged" + (f", {result.removed} removed first" if replace else "")
    )


@app.command()
def export(workspace: WorkspaceOption = None) -> None:
    """Write the workspace as JSON Lines on stdout (backup and migration format)."""
    from data import workspaces
    from data.export import export_workspace

    with database() as session:
        try:
            ws = workspaces.resolve(session, workspace)
        except workspaces.WorkspaceNotFound as exc:
            fail(str(exc))
        out = sys.stdout
        for record in export_workspace(session, ws):
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()


@app.command()
def simulate(
    channel: Annotated[
        str, typer.Option(help="sms, whatsapp, email, webchat, voice or mixed.")
    ] = "sms",
    count: Annotated[int, typer.Option(min=1, max=1_000_000)] = 20,
    rate: Annotated[float, typer.Option(min=0.1, max=5000, help="Requests per second.")] = 5.0,
    url: Annotated[
        str | None, typer.Option(help="Ingest base URL (default: INBOX_INGEST_HOST/PORT).")
    ] = None,
    workspace: WorkspaceOption = None,
    seed: Annotated[int | None, typer.Option(help="Random seed, for repeatable runs.")] = None,
) -> None:
    """Send realistic, correctly signed provider webhooks to a running ingest."""
    from data import workspaces
    from inbox.simulate import CHANNELS, SimulationSecrets, SimulationTargets, run_simulation

    if channel not in (*CHANNELS, "mixed"):
        fail(f"--channel must be one of {', '.join(CHANNELS)} or mixed (got {channel!r}).")
    config = settings()
    with database() as session:
        try:
            ws = workspaces.resolve(session, workspace)
        except workspaces.WorkspaceNotFound as exc:
            fail(str(exc))
        targets = SimulationTargets.from_channels(workspaces.channels(session, ws.id))

    def secret(value: object) -> str | None:
        return value.get_secret_value() if value is not None else None

    secrets = SimulationSecrets(
        twilio_account_sid=config.twilio_account_sid or "AC" + "0" * 32,
        twilio_auth_token=secret(config.twilio_auth_token),
        mailgun_signing_key=secret(config.mailgun_signing_key),
        webhook_secret=secret(config.webhook_secret),
    )
    base = url or f"http://{config.ingest_host}:{config.ingest_port}"
    try:
        report = run_simulation(
            base, channel, count, rate, targets, secrets, public_url=config.public_url, seed=seed
        )
    except ValueError as exc:
        fail(str(exc))
    typer.echo(report.summary())
    if report.accepted == 0:
        raise typer.Exit(1)


def main() -> None:
    app()
