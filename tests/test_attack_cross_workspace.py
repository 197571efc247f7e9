"""An operator of one workspace never reaches another's data. In data/: every query helper
that takes a workspace id returns only that workspace's rows, even when handed another
workspace's ids (the table below must name every such helper: a test fails when a new one is
added without it). In the console: another workspace's conversation id in the session opens
nothing, and every action callback, handed another workspace's conversation, customer,
appointment, knowledge entry or user id, refuses with a sentence and writes nothing."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from console import team
from console.auth import SignedIn
from console.inbox import appointments_panel, customer_panel, quick_actions
from console.inbox.conversation_list import OPEN_KEY
from console.knowledge import entries
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
from data.models import Appointment, Call, Contact, Conversation, Event, Message, Note, User
from tests.console_helpers import (
    db_url,  # noqa: F401  (overrides conftest's: a faster PostgreSQL reset)
    fresh_throttle,  # noqa: F401  (autouse: cheap password hashes)
    signed_in_app,
    values,
)
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


# --------------------------------------------------------------------------- the console


def _everything_shown(at: AppTest) -> str:
    parts = [
        *values(at.markdown),
        *values(at.text),
        *values(at.caption),
        *values(at.info),
        *values(at.error),
        *values(at.warning),
        *values(at.title),
        *values(at.subheader),
    ]
    parts += [str(b.label) for b in at.button]
    return "\n".join(parts)


def test_another_workspaces_conversation_id_in_the_session_opens_nothing(session, two) -> None:
    north, south = two
    session.commit()
    at = signed_in_app(north.user, run=False)
    at.session_state[OPEN_KEY] = south.conversation.id

    at.run()

    assert "Choose a conversation on the left." in values(at.info)
    shown = _everything_shown(at)
    assert "south" not in shown.lower()
    assert f"open.{south.conversation.id}" not in {b.key for b in at.button}


def test_the_inbox_offers_only_the_operators_own_conversations(session, two) -> None:
    north, south = two
    session.commit()

    at = signed_in_app(north.user)

    opened = {int(b.key[5:]) for b in at.button if (b.key or "").startswith("open.")}
    theirs = {
        c.id
        for c in session.exec(select(Conversation).where(Conversation.workspace_id == south.ws.id))
    }
    assert {north.conversation.id, north.chat.conversation.id} <= opened
    assert theirs and not opened & theirs


LOADERS = {
    "quick actions: the conversation": (quick_actions._conversation, "conversation"),
    "customer panel: the customer": (customer_panel._contact, "contact"),
    "appointments: the appointment": (appointments_panel._appointment, "visit"),
    "knowledge base: the entry": (entries._entry, "entry"),
    "team: the user": (team._user, "user"),
}


@pytest.mark.parametrize("loader", LOADERS)
def test_every_console_action_looks_its_row_up_in_the_users_workspace(session, two, loader) -> None:
    north, south = two
    load, what = LOADERS[loader]
    me = SignedIn.of(north.user)

    assert load(session, me, getattr(north, what).id).id == getattr(north, what).id
    with pytest.raises(LookupError, match="no longer"):
        load(session, me, getattr(south, what).id)


def _actions_on(user_id: int, conversation_id: int, contact_id: int, other_user_id: int) -> None:
    """Every action callback of the inbox and the team page, as a click would run it."""
    import streamlit as st

    from console.auth import current_user
    from console.inbox import customer_panel, quick_actions, reply_box
    from console.team import _set_role

    st.session_state["console.user_id"] = user_id
    me = current_user()
    st.session_state[f"lead.status.{contact_id}"] = "qualified"
    st.session_state[f"lead.temperature.{contact_id}"] = "hot"
    st.session_state["role"] = "operator"
    quick_actions._send(me, conversation_id, "Hello from elsewhere", "sms")
    quick_actions._send(me, conversation_id, "Hello", "email", subject="Hi")
    quick_actions._call(me, conversation_id, "+15125550111")
    quick_actions._escalate(me, conversation_id, "not yours")
    for name in ("close", "reopen", "take_over", "resume_ai"):
        quick_actions._transition(me, conversation_id, name, "done")
    reply_box._send_reply(me, conversation_id, "A reply", False)
    customer_panel._set_status(me, contact_id, conversation_id)
    customer_panel._set_temperature(me, contact_id, conversation_id)
    _set_role(me, other_user_id, "role")


def _writes(session: Session, workspace_id: int) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: len(
            session.exec(select(model).where(model.workspace_id == workspace_id)).all()
        )
        for model in (Message, Event, Call, Note, Appointment)
    } | {
        "state": hash(
            tuple(
                (c.status, c.managed_by)
                for c in session.exec(
                    select(Conversation).where(Conversation.workspace_id == workspace_id)
                )
            )
        ),
        "lead": hash(
            tuple(
                (c.lead_status, c.lead_temperature)
                for c in session.exec(select(Contact).where(Contact.workspace_id == workspace_id))
            )
        ),
        "roles": hash(
            tuple(
                u.role for u in session.exec(select(User).where(User.workspace_id == workspace_id))
            )
        ),
    }


def test_every_action_callback_refuses_another_workspaces_ids_and_writes_nothing(
    session, two
) -> None:
    north, south = two
    session.commit()
    before = _writes(session, south.ws.id)
    at = AppTest.from_function(
        _actions_on,
        args=(north.user.id, south.conversation.id, south.contact.id, south.user.id),
        default_timeout=30,
    )

    at.run()

    assert not at.exception, [e.value for e in at.exception]
    refusals = values(at.error)
    assert len(refusals) == 12, "\n".join(refusals)
    assert all("no longer" in refusal for refusal in refusals), refusals
    assert _writes(session, south.ws.id) == before
