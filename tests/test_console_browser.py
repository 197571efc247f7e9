"""The console in a real browser: headless Chromium (the system one) against a real Streamlit
server on the demo workspace. An operator signs in, filters to SMS, opens an escalated
conversation, replies (the conversation becomes human-managed and the outbox row is queued),
resumes the AI, changes the lead temperature and adds a note; and the open conversation stays
live: a new customer message and a status change written to the database appear within 3 s
without a click, while a half-typed reply stays in the box and keeps the focus.

Screenshots of every step go under this run's pytest temporary directory (the path is printed
at the end), and are copied to INBOX_SCREENSHOT_DIR when it is set."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from data import conversations, escalations
from data.db import dispose_engines, make_engine
from data.demo.seed import seed
from data.events import Actor
from data.migrate import upgrade
from data.models import Contact, Conversation, Message, Note, User
from data.vocab import (
    ConversationStatus,
    DeliveryStatus,
    Direction,
    EscalationReason,
    ManagedBy,
    SenderKind,
)
from inbox.processes import console_command
from tests.browser import NEEDS_BROWSER, chromium, free_port, product_env, serving
from tests.factories import text_in

AI_NUMBER = "+15125550100"  # the demo's SMS number
LIVE = 3_000  # ms: the "within 2-3 seconds"
# Read at import: the suite's autouse fixture removes INBOX_* variables while a test runs.
COPY_TO = os.environ.get("INBOX_SCREENSHOT_DIR")

pytestmark = NEEDS_BROWSER


@dataclass
class Console:
    url: str
    engine: Engine
    email: str
    password: str
    shots: Path
    log: Path
    live: list[tuple[str, float]] = field(default_factory=list)  # what showed, after seconds


@pytest.fixture(scope="module")
def console(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Console]:
    """The demo in a migrated SQLite file and the console serving it on a free port."""
    base = tmp_path_factory.mktemp("console-browser")
    shots = base / "screenshots"
    shots.mkdir()
    url = f"sqlite:///{base / 'inbox.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        logins = seed(session).logins
        session.commit()
    operator = next(login for login in logins if login.role == "operator")
    port = free_port()
    state = Console(
        f"http://127.0.0.1:{port}",
        engine,
        operator.email,
        operator.password,
        shots,
        base / "console.log",
    )
    try:
        with serving(
            console_command("127.0.0.1", port),
            product_env(url, base / "home"),
            f"{state.url}/_stcore/health",
            state.log,
            "the console",
        ):
            yield state
    finally:
        engine.dispose()
        dispose_engines()
        if COPY_TO:
            Path(COPY_TO).mkdir(parents=True, exist_ok=True)
            for png in shots.glob("*.png"):
                shutil.copy(png, COPY_TO)
        plugins = request.config.pluginmanager
        reporter, capture = (
            plugins.get_plugin("terminalreporter"),
            plugins.get_plugin("capturemanager"),
        )
        if reporter is not None and capture is not None:
            where = f"{shots}" + (f" (copied to {COPY_TO})" if COPY_TO else "")
            live = ", ".join(f"{what} {seconds:.1f} s" for what, seconds in state.live)
            with capture.global_and_fixture_disabled():
                reporter.write_line(f"\nconsole browser screenshots: {where}")
                if live:
                    reporter.write_line(f"console live updates shown after: {live}")


@pytest.fixture(scope="module")
def browser(console: Console) -> Iterator:
    with chromium(console.shots.parent / "home") as browser:
        yield browser


@pytest.fixture
def page(browser, console: Console) -> Iterator:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    # Generous for steps on a busy machine (signing in hashes a password); the live checks
    # give their own 3 s.
    page.set_default_timeout(15_000)
    expect.set_options(timeout=15_000)
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    expect.set_options(timeout=5_000)  # Playwright's default, for other tests
    context.close()
    assert problems == [], problems
    assert "Traceback" not in console.log.read_text(errors="replace")


def settled(page) -> None:
    """Wait until Streamlit has finished the current run of the script."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def shot(console: Console, page, name: str, *, full_page: bool = False) -> None:
    settled(page)
    page.screenshot(path=str(console.shots / f"{name}.png"), full_page=full_page)


def sign_in(console: Console, page) -> None:
    from playwright.sync_api import expect

    page.goto(console.url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="Email").fill(console.email)
    page.get_by_role("textbox", name="Password").fill(console.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.get_by_text("Choose a conversation on the left.")).to_be_visible()


def row(page, name: str):
    """A conversation's row button (its name may be followed by an unread count)."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(name)}( ●.*)?$"))


def open_conversation(page, name: str) -> None:
    from playwright.sync_api import expect

    row(page, name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    settled(page)


def shows_live(console: Console, what: str, *checks) -> None:
    """Each check (a Playwright expectation taking a timeout) passes within the issue's 3 s of
    a change just committed to the database, with no click."""
    start = time.monotonic()
    for check in checks:
        check(timeout=max(LIVE - (time.monotonic() - start) * 1000, 1))
    console.live.append((what, time.monotonic() - start))


def conversation_of(engine: Engine, name: str) -> tuple[Conversation, Contact]:
    with Session(engine) as session:
        contact = session.exec(select(Contact).where(Contact.name == name)).one()
        conversation = session.exec(
            select(Conversation).where(Conversation.contact_id == contact.id)
        ).one()
        return conversation, contact


def test_an_operator_works_an_escalated_sms_conversation(console: Console, page) -> None:
    from playwright.sync_api import expect

    engine, name = console.engine, "Nathan Cole"  # SMS, escalated (can't answer), AI-managed
    before, contact = conversation_of(engine, name)
    assert (before.status, before.managed_by) == (ConversationStatus.ESCALATED, ManagedBy.AI)
    assert contact.lead_temperature == "warm"

    sign_in(console, page)
    shot(console, page, "01-signed-in")

    sms = page.get_by_role("radio", name="SMS", exact=True)
    sms.click()
    expect(sms).to_have_attribute("aria-checked", "true")
    expect(row(page, "Rosa Delgado")).to_have_count(0)  # WhatsApp
    expect(row(page, name)).to_be_visible()
    settled(page)
    rows = page.locator('[class*="st-key-row-"]').all()
    assert len(rows) > 5
    assert {r.locator(".stMarkdownBadge").first.inner_text() for r in rows} == {"SMS"}
    shot(console, page, "02-sms-filter")

    open_conversation(page, name)
    expect(page.get_by_text("Escalated — AI couldn't answer")).to_be_visible()
    expect(page.get_by_role("button", name="Resume AI")).to_be_visible()
    shot(console, page, "03-escalated-conversation")

    reply = "Hi Nathan, this is Jamie at Brightwater. I'll call you in ten minutes about it."
    box = page.get_by_role("textbox", name="Reply by SMS")
    box.fill(reply)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Reply queued.")).to_be_visible()
    expect(box).to_have_value("")
    expect(page.locator(".st-key-thread").get_by_text(reply)).to_be_visible()
    expect(page.get_by_text("Handled by a person")).to_be_visible()
    with Session(engine) as session:
        conversation = session.get(Conversation, before.id)
        assert conversation.managed_by == ManagedBy.HUMAN
        sent = session.exec(
            select(Message)
            .where(Message.conversation_id == before.id, Message.direction == Direction.OUTBOUND)
            .order_by(Message.id.desc())  # type: ignore[union-attr]
        ).first()
        jamie = session.exec(select(User).where(User.email == console.email)).one()
        assert (sent.body, sent.status) == (reply, DeliveryStatus.QUEUED)
        assert (sent.sender_kind, sent.sender_user_id) == (SenderKind.OPERATOR, jamie.id)
        assert sent.to_address == contact.phone
    shot(console, page, "04-reply-queued")

    page.get_by_role("button", name="Resume AI").click()
    expect(page.get_by_text("The AI is answering this conversation again.")).to_be_visible()
    expect(page.get_by_role("button", name="Take over")).to_be_visible()
    expect(page.get_by_text("Escalated — AI couldn't answer")).to_have_count(0)
    with Session(engine) as session:
        conversation = session.get(Conversation, before.id)
        assert (conversation.managed_by, conversation.status) == (
            ManagedBy.AI,
            ConversationStatus.ACTIVE,
        )
    shot(console, page, "05-ai-resumed")

    page.get_by_role("combobox", name="Lead temperature").click()
    page.get_by_role("option", name="HOT", exact=True).click()
    expect(page.get_by_text("Lead temperature: HOT.")).to_be_visible()
    expect(page.get_by_text("set by hand: automatic scoring leaves it alone")).to_be_visible()
    with Session(engine) as session:
        stored = session.get(Contact, contact.id)
        assert (stored.lead_temperature, stored.lead_temperature_manual) == ("hot", True)
    shot(console, page, "06-lead-temperature")

    note = "Prefers a call after 5 pm; side gate code 4417."
    page.get_by_role("textbox", name="New note").fill(note)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page.get_by_role("textbox", name="New note")).to_have_value("")
    expect(page.get_by_test_id("stText").filter(has_text=note)).to_be_visible()
    with Session(engine) as session:
        stored = session.exec(select(Note).where(Note.contact_id == contact.id, Note.body == note))
        assert stored.one().author_user_id == jamie.id
    shot(console, page, "07-note-added", full_page=True)


def test_the_open_conversation_is_live_and_keeps_a_half_typed_reply(console: Console, page) -> None:
    from playwright.sync_api import expect

    engine, name = console.engine, "Greg Patterson"  # SMS, escalated, handled by a person
    before, contact = conversation_of(engine, name)
    sign_in(console, page)
    open_conversation(page, name)
    # Opening it marks it read, and the live list drops its unread count.
    expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    page.evaluate(  # back to the top of the page (the click scrolled the row into view)
        """() => document.querySelectorAll('*').forEach(e => {
            if (e.scrollTop > 0 && !e.classList.contains('st-key-thread')) e.scrollTop = 0;
        })"""
    )
    page.mouse.move(1, 1)  # no hover highlight
    shot(console, page, "08-inbox")  # docs/console-inbox.png
    # An action first: its flash goes away with the next full redraw, which must not disturb
    # the reply being typed either.
    page.get_by_role("textbox", name="New note").fill("Asked for Dana by name.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    settled(page)
    box = page.get_by_role("textbox", name="Reply by SMS")
    half = "Hi Greg, the technician is on his way and should"
    box.click()
    box.press_sequentially(half)
    settled(page)

    customer = "Also the kitchen sink is dripping now, can he look at that too?"
    with Session(engine) as session:
        text_in(session, customer, sender=contact.phone, to=AI_NUMBER)  # as ingest stores it
        session.commit()
    listed = page.locator(f".st-key-row-{before.id}")
    thread = page.locator(".st-key-thread")
    shows_live(
        console,
        "new message",
        expect(thread.get_by_text(customer)).to_be_visible,
        partial(expect(listed).to_contain_text, customer),
    )
    expect(box).to_have_value(half)
    expect(box).to_be_focused()
    shot(console, page, "09-live-new-message")

    # Status changes made elsewhere (another operator, the pipeline): Resume AI there, then an
    # escalation; each shows here without a click, and the reply is still being typed.
    with Session(engine) as session:
        conversation = session.get(Conversation, before.id)
        owner = session.exec(select(User).where(User.role == "owner")).one()
        assert conversations.resume_ai(session, conversation, Actor.operator(owner))
        session.commit()
    shows_live(
        console,
        "AI resumed",
        expect(page.get_by_role("button", name="Take over")).to_be_visible,
        partial(expect(listed).not_to_contain_text, "Escalated"),
    )
    expect(page.get_by_text("Escalated — Asked for a person")).to_have_count(0)
    expect(page.get_by_text("Note added.")).to_have_count(0)  # a full redraw
    expect(box).to_have_value(half)
    expect(box).to_be_focused()  # the redraw did not remount the form: typing goes on
    page.keyboard.type(" be there by 3.")
    with Session(engine) as session:
        conversation = session.get(Conversation, before.id)
        assert escalations.escalate(
            session,
            conversation,
            EscalationReason.NEGATIVE_SENTIMENT,
            Actor.ai(),
            note="Customer is upset",
        )
        session.commit()
    shows_live(
        console,
        "escalation",
        expect(page.get_by_text("Escalated — Negative sentiment: Customer is upset")).to_be_visible,
        expect(page.get_by_role("button", name="Resume AI")).to_be_visible,
        partial(expect(listed).to_contain_text, "Escalated"),
    )
    expect(box).to_have_value(half + " be there by 3.")
    expect(box).to_be_focused()
    shot(console, page, "10-live-status-change")

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Reply queued.")).to_be_visible()
    with Session(engine) as session:
        sent = session.exec(
            select(Message)
            .where(Message.conversation_id == before.id, Message.sender_kind == SenderKind.OPERATOR)
            .order_by(Message.id.desc())  # type: ignore[union-attr]
        ).first()
        assert (sent.body, sent.status) == (half + " be there by 3.", DeliveryStatus.QUEUED)
