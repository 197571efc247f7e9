"""Small builders for tests: a workspace with channels and users, and inbound messages."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from data import users, workspaces
from data.inbound import InboundMessage, InboundResult, receive
from data.models import User, Workspace

_ids = itertools.count(1)

PASSWORD = "correct horse battery"


def make_workspace(session: Session, slug: str = "acme", number: str = "+15125550100") -> Workspace:
    """A workspace with SMS/voice on `number`, WhatsApp, email and web chat addresses."""
    workspace = workspaces.create(session, slug, f"{slug.title()} Plumbing")
    digits = number[-4:]
    workspaces.add_channel(session, workspace, "sms", number, "twilio", "AI number")
    workspaces.add_channel(session, workspace, "voice", number, "twilio", "AI number")
    workspaces.add_channel(
        session, workspace, "whatsapp", f"+1512555{int(digits) + 1:04d}", "twilio"
    )
    workspaces.add_channel(session, workspace, "email", f"hello@{slug}.example", "mailgun")
    workspaces.add_channel(session, workspace, "webchat", f"wk_{slug}_widget", "widget")
    session.flush()
    return workspace


def make_user(
    session: Session, workspace: Workspace, role: str = "operator", name: str = "Jamie"
) -> User:
    return users.create(
        session,
        workspace.id,
        f"{name.lower()}{next(_ids)}@{workspace.slug}.example",
        PASSWORD,
        role,
        display_name=name,
    )


def text_in(
    session: Session,
    body: str,
    *,
    sender: str = "+15125550123",
    to: str = "+15125550100",
    channel: str = "sms",
    provider_id: str | None = None,
    name: str | None = None,
) -> InboundResult:
    """A customer message arriving the way ingest stores it."""
    return receive(
        session,
        InboundMessage(
            channel=channel,
            to_address=to,
            from_address=sender,
            body=body,
            provider_id=provider_id or f"SM{next(_ids):032d}",
            name=name,
        ),
    )


ALWAYS_OPEN = {
    day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def make_business(session: Session, slug: str = "acme", **settings: object) -> Workspace:
    """A workspace answering from the demo knowledge base, open around the clock (so replies do
    not depend on when the test runs), with an alert phone and email."""
    from data import knowledge
    from data.demo import content

    workspace = make_workspace(session, slug)
    workspace.business_hours = settings.pop("business_hours", ALWAYS_OPEN)
    workspace.timezone = "America/Chicago"
    workspace.alert_phone = "+15125550190"
    workspace.alert_email = f"owner@{slug}.example"
    for name, value in settings.items():
        setattr(workspace, name, value)
    session.add(workspace)
    drafts = [
        knowledge.EntryDraft(k["question"], k["answer"], ",".join(k["tags"]))
        for k in content.KNOWLEDGE
    ]
    knowledge.import_entries(session, workspace.id, drafts)
    session.flush()
    return workspace
