"""Markdown, HTML and script in what customers (and staff) write are only ever text: contact
names, message bodies, email subjects, attachment names, notes and their authors, escalation
notes, appointment titles, call summaries and recording links, and knowledge entries, shown in
the console (Streamlit AppTest; every Markdown source on the page is rendered with a CommonMark
renderer and must hold no link, image, emphasis, HTML element or Streamlit directive from the
text), and messages shown by the chat widget in a real browser (no element injected, no script
run, no request to the attacker's host)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from console.display import inert, safe_link
from data import appointments, calls, conversations, knowledge, notes, outbox
from data.clock import utcnow
from data.events import Actor
from tests.console_helpers import (
    customer_writes,
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    fresh_throttle,  # noqa: F401  (autouse)
    make_shop,
    open_conversation,
    open_page,
    signed_in_app,
    sqlite_only,
    values,
)
from tests.factories import make_user

EVIL = "evil.example"
#: Every kind of markup at once, each part recognisable in what a renderer makes of it.
HOSTILE = (
    f"**bold** _em_ [link](http://{EVIL}/) ![img](http://{EVIL}/x.png) "
    f"<script>alert(1)</script> <img src=x onerror=alert(2)> <a href='http://{EVIL}'>a</a> "
    "&lt;b&gt; &amp; :red[pwned] :material/warning: $x^2$ `code` # heading ~~gone~~"
)
_COMMONMARK = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")


def rendered(source: str) -> str:
    return _COMMONMARK.render(source)


def markup_left(source: str) -> list[str]:
    """What of HOSTILE a Markdown source would still make into markup (empty: none)."""
    out = rendered(source)
    found = [
        tag
        for tag in ("<script", "<img", "<em>em", "<del>gone", "<s>gone", "<code>code", "heading</h")
        if tag in out
    ]
    # The console's own links (attachments, recordings) are fine; one to the evil host is not.
    if re.search(r"<a [^>]*href=[\"']?(http://evil|javascript)", out):
        found.append("<a ")
    if "<strong>bold</strong>" in out:
        found.append("bold")
    for directive in (":red[pwned]", ":material/warning:"):
        if directive in source:
            found.append(directive)
    if re.search(r"(?<!\\)\$", source):
        found.append("LaTeX $")
    return found


def every_markdown(at: AppTest) -> list[str]:
    """Every Markdown source on the page: markdown, captions, alerts, titles, button labels."""
    sources = [
        *values(at.markdown),
        *values(at.caption),
        *values(at.error),
        *values(at.warning),
        *values(at.info),
        *values(at.success),
        *values(at.subheader),
        *values(at.title),
    ]
    return sources + [str(button.label) for button in at.button]


def shown_as_text(at: AppTest) -> str:
    """What a reader sees: Markdown rendered and its tags dropped, plus st.text as is."""
    seen = [html.unescape(re.sub(r"<[^>]+>", "", rendered(s))) for s in every_markdown(at)]
    return "\n".join([*seen, *values(at.text)])


def assert_inert(at: AppTest) -> None:
    leaks = {s: left for s in every_markdown(at) if (left := markup_left(s))}
    assert leaks == {}


def test_the_check_itself_finds_markup_left_in_raw_text() -> None:
    # Guards every test below: unescaped, each part of HOSTILE is found.
    assert set(markup_left(HOSTILE)) >= {
        "<script",
        "<img",
        "<a ",
        "<em>em",
        "bold",
        ":red[pwned]",
        "LaTeX $",
        "<code>code",
    }
    assert markup_left(inert(HOSTILE)) == []


def test_inert_text_renders_back_to_exactly_what_was_typed() -> None:
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered(inert(HOSTILE)))).strip()
    assert text == HOSTILE


@pytest.mark.parametrize(
    "url",
    [
        f"https://rec.example/a)![x](http://{EVIL}/x.png",
        f"https://rec.example/a><img src=http://{EVIL}/x.png>",
        "https://rec.example/a'\"\\`*_",
    ],
)
def test_a_link_the_console_offers_stays_one_link(url: str) -> None:
    out = rendered(f"[Recording]({safe_link(url)})")
    assert out.count("<a ") == 1 and "<img" not in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd"])
def test_only_http_links_are_offered(url: str) -> None:
    assert safe_link(url) is None


# --------------------------------------------------------------------------- the console


@pytest.fixture
def hostile(session: Session):
    """A customer whose name, messages, subject, attachment, call and every note and
    appointment are HOSTILE, written to an operator who is HOSTILE too."""
    workspace = make_shop(session)
    operator = make_user(session, workspace, "owner", name="Op")
    operator.display_name = "Op " + HOSTILE
    session.add(operator)
    texted = customer_writes(session, HOSTILE, name=HOSTILE)
    contact = texted.contact
    contact.email = "mal@customer.example"
    session.add(contact)
    customer_writes(
        session,
        HOSTILE,
        channel="email",
        sender="mal@customer.example",
        subject=HOSTILE,
        media=[
            {
                "filename": HOSTILE,
                "content_type": "text/plain",
                "size": 2048,
                "url": f"https://files.example/a)![x](http://{EVIL}/x.png",
            }
        ],
    )
    actor = Actor.operator(operator)
    conversations.escalate(session, texted.conversation, "manual", actor, note=HOSTILE)
    outbox.enqueue(session, texted.conversation, HOSTILE, actor)
    notes.add(session, contact, HOSTILE, actor, texted.conversation.id)
    start = utcnow() + timedelta(days=1)
    appointments.book(session, contact, start, start + timedelta(hours=1), actor, title=HOSTILE)
    calls.record(
        session,
        contact,
        "CA-hostile",
        duration_seconds=30,
        summary=HOSTILE,
        recording_url=f"https://rec.example/r)![x](http://{EVIL}/x.png",
        transcript=[{"speaker": "customer", "text": HOSTILE}],
    )
    knowledge.add(session, workspace.id, HOSTILE, HOSTILE, [HOSTILE[:40], "tag"])
    session.commit()
    return operator, texted.conversation


@sqlite_only
def test_customer_messages_are_shown_as_plain_text_exactly_as_written(session: Session) -> None:
    workspace = make_shop(session)
    user = make_user(session, workspace)
    body = "Is it **urgent**?\n<b>now</b> [x](javascript:alert(1)) $5 :red[hi] # title"
    asked = customer_writes(session, body)
    session.commit()

    at = open_conversation(signed_in_app(user), asked.conversation.id)

    assert body in values(at.text)
    assert not any("**urgent**" in s for s in values(at.markdown))
    assert not any("<b>" in s for s in values(at.markdown))


@sqlite_only
def test_the_inbox_list_shows_a_hostile_name_and_preview_as_text(session, hostile) -> None:
    operator, _ = hostile

    at = signed_in_app(operator)

    assert_inert(at)
    assert HOSTILE in shown_as_text(at)


@sqlite_only
def test_an_open_conversation_shows_every_hostile_field_as_text(session, hostile) -> None:
    operator, conversation = hostile

    at = open_conversation(signed_in_app(operator), conversation.id)

    assert_inert(at)
    seen = shown_as_text(at)
    # Name, subject, escalation note, note author, appointment title, call summary: as typed.
    assert seen.count(HOSTILE) >= 6, seen
    assert values(at.text).count(HOSTILE) >= 3  # the bodies and the note, verbatim


@sqlite_only
def test_knowledge_entries_show_hostile_questions_answers_and_tags_as_text(
    session, hostile
) -> None:
    operator, _ = hostile

    at = open_page(signed_in_app(operator), "knowledge")

    assert_inert(at)
    assert HOSTILE in shown_as_text(at)
    assert HOSTILE in values(at.text)  # the answer, verbatim


@sqlite_only
def test_the_team_and_settings_pages_show_a_hostile_staff_name_as_text(session, hostile) -> None:
    operator, _ = hostile

    for page in ("team", "settings"):
        at = open_page(signed_in_app(operator), page)
        assert_inert(at)


# --------------------------------------------------------------------------- the widget


@pytest.mark.browser
@pytest.mark.slow
def test_the_widget_shows_hostile_messages_as_text_and_loads_nothing(tmp_path: Path) -> None:
    from playwright.sync_api import expect
    from sqlmodel import select

    from data.db import dispose_engines, make_engine, session_scope
    from data.migrate import upgrade
    from data.models import Conversation, Message
    from tests.browser import (
        CHROMIUM,
        allow_origin,
        chromium,
        free_port,
        ingest_process,
        wait_until,
    )

    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    url = f"sqlite:///{tmp_path / 'inbox.db'}"
    upgrade(url)
    engine = make_engine(url)
    port = free_port()
    allow_origin(engine, f"http://127.0.0.1:{port}")
    requests: list[str] = []
    alerts: list[str] = []
    with (
        ingest_process(url, tmp_path, tmp_path / "ingest.log", port) as base,
        chromium(tmp_path / "home") as browser,
    ):
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
        page.goto(f"{base}/chat/demo")
        page.get_by_role("button", name="Open chat").click()
        dialog = page.get_by_role("dialog")
        box = page.get_by_label("Your message")
        box.fill(HOSTILE)
        box.press("Enter")

        def stored() -> Message | None:
            with Session(engine) as session:
                return session.exec(select(Message).where(Message.body == HOSTILE)).first()

        message = wait_until(stored, 10, "the hostile message in the database")
        # A write transaction as the product opens one (BEGIN IMMEDIATE): ingest writes to the
        # same SQLite file meanwhile, and a read that turns into a write can find it changed.
        with session_scope(engine, write=True) as session:
            conversation = session.get(Conversation, message.conversation_id)
            outbox.enqueue(session, conversation, "AI: " + HOSTILE, Actor.ai())
        expect(dialog.locator(".msg.visitor")).to_contain_text(HOSTILE)
        expect(dialog.locator(".msg.ai")).to_contain_text("AI: " + HOSTILE, timeout=8_000)
        page.wait_for_timeout(500)  # time for anything injected to load or run

        assert dialog.locator("script, img, a[href*='evil'], strong, em, code").count() == 0
        inside = 'd => [...d.querySelectorAll(".msg *")].map(e => e.tagName.toLowerCase())'
        assert set(dialog.evaluate(inside)) <= {"div", "span", "p", "time"}
        assert alerts == []
        assert not [u for u in requests if EVIL in u or u.endswith("/x")]
        page.close()
    engine.dispose()
    dispose_engines()
