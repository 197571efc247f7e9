"""One workspace never sees another's data: every query helper in data/ that takes a
workspace id returns only that workspace's rows, even when handed another workspace's ids.

The table below must name every such helper: a test fails when a new one is added without it.
"""

import inspect
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import Session

from data import (
    appointments,
    calls,
    contacts,
    conversations,
    delivery,
    events,
    inbound,
    inbox,
    knowledge,
    knowledge_gaps,
    notes,
    outbox,
    suggestions,
    thread,
    users,
    webchat,
    workspaces,
)
from data.clock import utcnow
from data.events import Actor
from data.export import export_workspace
from tests.factories import make_user, make_workspace, text_in

MODULES = [
    appointments,
    calls,
    contacts,
    conversations,
    delivery,
    events,
    inbound,
    inbox,
    knowledge,
    knowledge_gaps,
    notes,
    outbox,
    suggestions,
    thread,
    users,
    webchat,
    workspaces,
]
SAME_CUSTOMER = "+15125550123"
SAME_VISITOR = "v_samevisitor0000000001"
NEWCOMER = "v_newcomer00000000000001"


def populate(session: Session, slug: str, number: str) -> SimpleNamespace:
    """A workspace with one of everything, for the same customer phone number."""
    workspace = make_workspace(session, slug, number)
    user = make_user(session, workspace, "owner", slug.title())
    actor = Actor.operator(user)
    result = text_in(
        session,
        f"Leak at the {slug} job",
        sender=SAME_CUSTOMER,
        to=number,
        provider_id=f"SM-{slug}",
    )
    # The AI could not answer it: a knowledge gap of this workspace.
    result.message.meta = {"reply": {"kind": "cannot_answer"}}
    reply = outbox.enqueue(session, result.conversation, "On our way", actor)
    reply.provider_id = f"SM-reply-{slug}"
    conversations.escalate(session, result.conversation, "manual", actor)
    note = notes.add(session, result.contact, f"{slug} gate code", actor)
    start = utcnow() + timedelta(days=1)
    visit = appointments.book(session, result.contact, start, start + timedelta(hours=1), actor)
    call, _ = calls.record(session, result.contact, f"CA-{slug}", duration_seconds=60)
    entry = knowledge.add(session, workspace.id, f"{slug} hours?", "9 to 5")
    chat = text_in(
        session,
        "Are you open on Saturdays?",
        sender=SAME_VISITOR,
        to=f"wk_{slug}_widget",
        channel="webchat",
        provider_id="cm-same-client-id",
    )
    chat_reply = outbox.enqueue(session, chat.conversation, "Yes, 8 to 2", Actor.ai())
    chat.contact.email = f"{slug}-chat@example.com"
    session.flush()
    return SimpleNamespace(
        ws=workspace,
        user=user,
        contact=result.contact,
        conversation=result.conversation,
        message=result.message,
        reply=reply,
        note=note,
        visit=visit,
        call=call,
        entry=entry,
        start=start,
        chat=chat,
        chat_reply=chat_reply,
    )


# helper name -> call it for workspace `me` with the other workspace's objects `other`
Probe = Callable[[Session, SimpleNamespace, SimpleNamespace], Any]
PROBES: dict[str, Probe] = {
    "appointments.get": lambda s, me, o: appointments.get(s, me.ws.id, o.visit.id),
    "appointments.for_contact": lambda s, me, o: appointments.for_contact(
        s, me.ws.id, o.contact.id
    ),
    "appointments.between": lambda s, me, o: [
        a
        for a in appointments.between(
            s, me.ws.id, o.start - timedelta(hours=1), o.start + timedelta(hours=1)
        )
        if a.id == o.visit.id
    ],
    "calls.get_by_provider_id": lambda s, me, o: calls.get_by_provider_id(
        s, me.ws.id, o.call.provider_id
    ),
    "calls.for_contact": lambda s, me, o: calls.for_contact(s, me.ws.id, o.contact.id),
    "contacts.get": lambda s, me, o: contacts.get(s, me.ws.id, o.contact.id),
    "contacts.by_address": lambda s, me, o: (
        found
        if (found := contacts.by_address(s, me.ws.id, "phone", SAME_CUSTOMER)) is not None
        and found.workspace_id == o.ws.id
        else None
    ),
    "contacts.search": lambda s, me, o: [
        c for c in contacts.search(s, me.ws.id, SAME_CUSTOMER[-4:]) if c.id == o.contact.id
    ],
    "conversations.get": lambda s, me, o: conversations.get(s, me.ws.id, o.conversation.id),
    "conversations.for_contact": lambda s, me, o: conversations.for_contact(
        s, me.ws.id, o.contact.id
    ),
    "inbox.list_inbox": lambda s, me, o: [
        r
        for r in inbox.list_inbox(s, me.ws.id, search="Leak")
        if r.conversation_id == o.conversation.id
    ],
    "conversations.messages": lambda s, me, o: conversations.messages(
        s, me.ws.id, o.conversation.id
    ),
    "conversations.contact_thread": lambda s, me, o: conversations.contact_thread(
        s, me.ws.id, o.contact.id
    ),
    "delivery.find_outbound": lambda s, me, o: delivery.find_outbound(
        s, me.ws.id, "sms", o.reply.provider_id
    ),
    "delivery.record_status": lambda s, me, o: (
        delivery.record_status(s, me.ws.id, "sms", o.reply.provider_id, "delivered").message
    ),
    "events.for_conversation": lambda s, me, o: events.for_conversation(
        s, me.ws.id, o.conversation.id
    ),
    "events.for_contact": lambda s, me, o: events.for_contact(s, me.ws.id, o.contact.id),
    "events.recent": lambda s, me, o: [
        e for e in events.recent(s, me.ws.id) if e.workspace_id == o.ws.id
    ],
    "events.record": None,  # writes, does not read
    "inbound.find_duplicate": lambda s, me, o: inbound.find_duplicate(
        s, me.ws.id, "sms", o.message.provider_id
    ),
    "knowledge.get": lambda s, me, o: knowledge.get(s, me.ws.id, o.entry.id),
    "knowledge.list_entries": lambda s, me, o: [
        e for e in knowledge.list_entries(s, me.ws.id) if e.id == o.entry.id
    ],
    "knowledge.index_for": lambda s, me, o: [
        e for e in knowledge.index_for(s, me.ws.id).entries if e.id == o.entry.id
    ],
    "knowledge.count": None,  # a number: checked below
    "knowledge.add": None,  # writes
    "knowledge.import_entries": None,  # writes; checked below
    "contacts.find_or_create": None,  # checked below
    "notes.for_contact": lambda s, me, o: notes.for_contact(s, me.ws.id, o.contact.id),
    "notes.with_authors": lambda s, me, o: notes.with_authors(s, me.ws.id, o.contact.id),
    "thread.thread_page": lambda s, me, o: thread.thread_page(s, me.ws.id, o.contact.id).items,
    "knowledge_gaps.unanswered": lambda s, me, o: [
        q
        for q in knowledge_gaps.unanswered(s, me.ws.id, utcnow() - timedelta(days=30))
        if q.message_id == o.message.id
    ],
    "knowledge_gaps.gaps": lambda s, me, o: [
        g for g in knowledge_gaps.gaps(s, me.ws.id, open_only=False) if o.ws.slug in g.question
    ],
    "users.get": lambda s, me, o: users.get(s, me.ws.id, o.user.id),
    "users.list_users": lambda s, me, o: [
        u for u in users.list_users(s, me.ws.id) if u.id == o.user.id
    ],
    "users.create": None,  # writes
    "webchat.visitor_contact": lambda s, me, o: [
        c for c in [webchat.visitor_contact(s, me.ws.id, SAME_VISITOR)] if c.workspace_id == o.ws.id
    ],
    "webchat.visitor_messages": lambda s, me, o: [
        m for m in webchat.visitor_messages(s, me.ws.id, SAME_VISITOR) if m.workspace_id == o.ws.id
    ],
    # Another workspace's customer owning an email must not make it unusable here.
    "webchat.lead_email_usable": lambda s, me, o: (
        not webchat.lead_email_usable(s, me.ws.id, NEWCOMER, o.chat.contact.email)
    ),
    "webchat.capture_lead": None,  # writes, through visitor_contact and lead_email_usable
    "workspaces.get": lambda s, me, o: None if workspaces.get(s, me.ws.id).id == me.ws.id else "x",
    "workspaces.channels": lambda s, me, o: [
        c for c in workspaces.channels(s, me.ws.id) if c.workspace_id == o.ws.id
    ],
    "workspaces.channel_for": lambda s, me, o: (
        None if workspaces.channel_for(s, me.ws.id, "sms").workspace_id == me.ws.id else "x"
    ),
}


@pytest.fixture
def two(session: Session) -> tuple[SimpleNamespace, SimpleNamespace]:
    return populate(session, "north", "+15125550100"), populate(session, "south", "+15125550200")


def test_every_workspace_scoped_helper_is_probed() -> None:
    scoped = {
        f"{module.__name__.split('.')[-1]}.{name}"
        for module in MODULES
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__
        and not name.startswith("_")
        and "workspace_id" in inspect.signature(fn).parameters
    }
    assert scoped == set(PROBES), "add new workspace-scoped helpers to PROBES"


def test_a_workspace_never_sees_another_workspaces_rows(session, two) -> None:
    north, south = two
    leaks = [
        f"{name} leaked {other.ws.slug}'s data to {me.ws.slug}"
        for name, probe in sorted(PROBES.items())
        if probe is not None
        for me, other in ((north, south), (south, north))
        if probe(session, me, other)
    ]
    assert leaks == []


def test_the_probes_do_find_a_workspaces_own_rows(session, two) -> None:
    # Guards the test above against probes that could never find anything.
    north, _ = two
    own = {
        "contacts.get": contacts.get(session, north.ws.id, north.contact.id),
        "inbox.list_inbox": inbox.list_inbox(session, north.ws.id, search="Leak"),
        "conversations.contact_thread": conversations.contact_thread(
            session, north.ws.id, north.contact.id
        ),
        "delivery.find_outbound": delivery.find_outbound(
            session, north.ws.id, "sms", north.reply.provider_id
        ),
        "delivery.record_status": delivery.record_status(
            session, north.ws.id, "sms", north.reply.provider_id, "delivered"
        ).message,
        "events.for_conversation": events.for_conversation(
            session, north.ws.id, north.conversation.id
        ),
        "notes.for_contact": notes.for_contact(session, north.ws.id, north.contact.id),
        "notes.with_authors": notes.with_authors(session, north.ws.id, north.contact.id),
        "thread.thread_page": thread.thread_page(session, north.ws.id, north.contact.id).items,
        "knowledge_gaps.unanswered": [
            q
            for q in knowledge_gaps.unanswered(session, north.ws.id, utcnow() - timedelta(days=1))
            if q.message_id == north.message.id
        ],
        "knowledge_gaps.gaps": [
            g
            for g in knowledge_gaps.gaps(session, north.ws.id, open_only=False)
            if "north" in g.question
        ],
        "inbound.find_duplicate": inbound.find_duplicate(session, north.ws.id, "sms", "SM-north"),
        "webchat.visitor_contact": webchat.visitor_contact(session, north.ws.id, SAME_VISITOR),
        "webchat.visitor_messages": len(
            webchat.visitor_messages(session, north.ws.id, SAME_VISITOR)
        )
        == 2,
        "webchat.lead_email_usable": not webchat.lead_email_usable(
            session, north.ws.id, NEWCOMER, north.chat.contact.email
        ),
    }
    assert all(own.values()), [name for name, found in own.items() if not found]


def test_the_same_customer_texting_two_businesses_is_two_contacts(session, two) -> None:
    north, south = two
    assert north.contact.phone == south.contact.phone == SAME_CUSTOMER
    assert north.contact.id != south.contact.id
    assert north.conversation.id != south.conversation.id
    found, created = contacts.find_or_create(session, north.ws.id, phone=SAME_CUSTOMER)
    assert (found.id, created) == (north.contact.id, False)


def test_knowledge_counts_and_imports_stay_in_their_workspace(session, two) -> None:
    north, south = two
    knowledge.import_entries(session, north.ws.id, [], replace=True)
    assert knowledge.count(session, north.ws.id) == 0
    assert knowledge.count(session, south.ws.id) == 1


def test_an_export_holds_only_its_own_workspace(session, two) -> None:
    north, _ = two
    lines = list(export_workspace(session, north.ws))
    assert "south" not in repr(lines).lower()
    conversation_lines = [line for line in lines if line["type"] == "conversation"]
    assert {c["workspace_id"] for c in conversation_lines} == {north.ws.id}
    assert north.conversation.id in {c["id"] for c in conversation_lines}


def test_search_takes_wildcards_literally(session, two) -> None:
    north, _ = two
    assert inbox.list_inbox(session, north.ws.id, search="Leak at the north") != []
    assert inbox.list_inbox(session, north.ws.id, search="%") == []
    assert inbox.list_inbox(session, north.ws.id, search="Leak_at") == []
