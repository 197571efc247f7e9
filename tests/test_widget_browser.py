"""The chat widget in a real browser against a real ingest process: the demo page loads it,
a visitor opens it, types and sends, the message is in the database, an AI reply written to the
outbox shows up in the widget, and the lead form fills the contact. Screenshots go to
test-output/ (git-ignored) for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from data import outbox
from data.db import dispose_engines, make_engine
from data.events import Actor
from data.migrate import upgrade
from data.models import Contact, Conversation, Message
from tests.browser import (
    NEEDS_BROWSER,
    allow_origin,
    chromium,
    free_port,
    ingest_process,
    wait_until,
)

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output"

pytestmark = NEEDS_BROWSER


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated SQLite file with the demo, whose widget also allows the test's origin."""
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield url, engine
    engine.dispose()
    dispose_engines()


@pytest.fixture
def ingest(demo_db, tmp_path: Path) -> Iterator[str]:
    url, engine = demo_db
    port = free_port()
    allow_origin(engine, f"http://127.0.0.1:{port}")
    with ingest_process(url, tmp_path, tmp_path / "ingest.log", port) as base:
        yield base


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    with chromium(tmp_path / "home") as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"widget-{name}.png"))


def test_a_visitor_chats_on_the_demo_page_and_sees_the_ai_reply(ingest, demo_db, page) -> None:
    from playwright.sync_api import expect

    _, engine = demo_db
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{ingest}/chat/demo")
    expect(page.get_by_role("heading", level=1)).to_contain_text("plumbing")
    expect(page.locator(".notice")).to_have_count(0)  # this origin is allowed
    launcher = page.get_by_role("button", name="Open chat")
    expect(launcher).to_be_visible()
    shot(page, "1-demo-page")

    launcher.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Brightwater Plumbing & Heating")
    box = page.get_by_label("Your message")
    expect(box).to_be_focused()
    text = "Hi! My water heater is leaking from the bottom. Can someone come today?"
    box.fill(text)
    box.press("Enter")

    def stored() -> Message | None:
        with Session(engine) as session:
            return session.exec(select(Message).where(Message.body == text)).first()

    message = wait_until(stored, 10, "the message in the database")
    assert (message.channel, message.direction) == ("webchat", "inbound")
    assert message.provider_id.startswith("cm_")
    expect(dialog.locator(".msg.visitor", has_text=text)).not_to_have_class("pending")
    expect(dialog.get_by_text("Leave your name and email so we can follow up")).to_be_visible()
    shot(page, "2-message-sent")

    answer = "Sorry to hear that! A technician can be there between 2 and 4 PM today."
    with Session(engine) as session:
        conversation = session.get(Conversation, message.conversation_id)
        outbox.enqueue(session, conversation, answer, Actor.ai(), answers_message_id=message.id)
        session.commit()
    expect(dialog.locator(".msg.ai", has_text=answer)).to_be_visible(timeout=8_000)
    shot(page, "3-ai-reply")

    dialog.get_by_role("textbox", name="Name").fill("Jordan Reyes")
    dialog.get_by_role("textbox", name="Email").fill(
        "jordan@example"
    )  # the browser accepts it, ingest does not
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("not a valid email")
    dialog.get_by_role("textbox", name="Email").fill("jordan.reyes@example.com")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_text("Thanks! We'll follow up.")).to_be_visible()
    with Session(engine) as session:
        contact = session.get(Contact, message.contact_id)
        assert (contact.name, contact.email) == ("Jordan Reyes", "jordan.reyes@example.com")
    shot(page, "4-lead-saved")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    assert problems == []


def test_the_widget_says_when_the_chat_cannot_be_reached(ingest, page) -> None:
    from playwright.sync_api import expect

    page.goto(f"{ingest}/chat/demo")
    page.route("**/chat/**", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Open chat").click()
    expect(page.get_by_role("status")).to_contain_text("Retrying", timeout=8_000)
    shot(page, "5-offline")


def test_the_pages_own_button_opens_the_widget_on_a_phone(ingest, page) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{ingest}/chat/demo")
    expect(page.get_by_role("button", name="Open chat")).to_be_visible()
    page.get_by_role("link", name="Chat with us").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Brightwater Plumbing & Heating")
    box = dialog.bounding_box()
    assert box is not None and box["width"] == 390  # full screen on a small screen
    shot(page, "6-phone")
