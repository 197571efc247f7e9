"""The inbox list: one indexed query over conversations and their contacts, newest activity
first, filtered by channel, status, takeover and search, keyset-paged.

Search ("contains", case-insensitive, over the contact's name, phone and email, the
conversation's subject and its messages' bodies) has two plans with the same results:

- **from the matches**, for a term of 3+ characters that few rows contain (a customer's name,
  a phone number, a rare word): the substring indexes of migration 0005 find the matching
  contacts, subjects and messages, and the page is their conversations in inbox order. Its
  cost follows the number of matches, not the size of the inbox.
- **the inbox-order scan**, for shorter terms (no trigram to look up) and common ones (more
  than COMMON_TERM_MATCHES matching rows, found by a probe that stops there): walking the
  inbox newest first finds 50 matching conversations after a few hundred rows, where starting
  from the matches would collect and sort all of them.

The measurements behind both are in bench/README.md (`bench/console.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, column, func, literal_column, table, union_all
from sqlmodel import Session, and_, col, exists, or_, select

from data.models import Contact, Conversation, Message
from data.search import (
    ESCAPE,
    FTS_TABLES,
    MIN_INDEXED_LENGTH,
    clean_term,
    contains_pattern,
    fts_trigrams,
    phone_digits,
)

#: A term with more matching rows than this is "common": the inbox-order scan serves it.
COMMON_TERM_MATCHES = 1000


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox list: the conversation and who it is with."""

    conversation_id: int
    contact_id: int
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    opted_out: bool
    channel: str
    status: str
    managed_by: str
    escalation_reason: str | None
    subject: str | None
    last_message_at: datetime
    last_message_preview: str
    last_message_sender: str | None
    unread_count: int


def list_inbox(
    session: Session,
    workspace_id: int,
    *,
    channel: str | None = None,
    status: str | None = None,
    managed_by: str | None = None,
    search: str | None = None,
    before: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> list[InboxRow]:
    """A page of the inbox, newest activity first. Page on with `before` = the last row's
    (last_message_at, conversation_id): keyset paging stays fast however deep it goes."""
    cleaned = clean_term(search or "")
    if search and search.strip() and not cleaned:
        return []  # only unsearchable characters were typed: nothing matches them
    term = _Term(cleaned, session) if cleaned else None
    matches = None
    if term is not None and term.indexable:
        matches = _matching_conversations(session, workspace_id, term)
        if matches is not None and not matches:
            return []
    query = select(Conversation, Contact).join(
        Contact, col(Contact.id) == col(Conversation.contact_id)
    )
    if matches is not None:
        assert term is not None
        query = query.where(
            _in_workspace(col(Conversation.workspace_id), workspace_id, term.sqlite),
            col(Conversation.id).in_(sorted(matches)),
        )
    else:
        query = query.where(Conversation.workspace_id == workspace_id)
        if term is not None:
            query = query.where(_scan_condition(term))
    if channel:
        query = query.where(Conversation.channel == channel)
    if status:
        query = query.where(Conversation.status == status)
    if managed_by:
        query = query.where(Conversation.managed_by == managed_by)
    if before is not None:
        at, conversation_id = before
        query = query.where(
            # Redundant with the OR below, but it is what lets the index seek to the cursor
            # instead of reading and discarding every newer row (measured: deep pages went
            # from 10-22 ms to the first page's 1.5-2 ms at 100k conversations).
            col(Conversation.last_message_at) <= at,
            or_(
                col(Conversation.last_message_at) < at,
                and_(
                    col(Conversation.last_message_at) == at,
                    col(Conversation.id) < conversation_id,
                ),
            ),
        )
    query = query.order_by(
        col(Conversation.last_message_at).desc(), col(Conversation.id).desc()
    ).limit(max(1, min(limit, 500)))
    return [
        InboxRow(
            conversation_id=conv.id,
            contact_id=contact.id,
            contact_name=contact.name,
            contact_phone=contact.phone,
            contact_email=contact.email,
            opted_out=contact.opted_out,
            channel=conv.channel,
            status=conv.status,
            managed_by=conv.managed_by,
            escalation_reason=conv.escalation_reason,
            subject=conv.subject,
            last_message_at=conv.last_message_at,
            last_message_preview=conv.last_message_preview,
            last_message_sender=conv.last_message_sender,
            unread_count=conv.unread_count,
        )
        for conv, contact in session.exec(query)
    ]


class _Term:
    """A search term and what each plan needs of it."""

    def __init__(self, search: str, session: Session) -> None:
        text = search.strip()
        self.pattern = contains_pattern(text)
        self.digits = phone_digits(text)
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        # Under 3 characters there is no trigram to look up. pg_trgm takes its trigrams from
        # letters and digits only: for "%%%" it would read its whole index (seconds at 1M
        # messages). On SQLite the FTS tables may be missing (an SQLite without the trigram
        # tokenizer when migrating). The inbox-order scan serves all of these, as before.
        self.indexable = len(text) >= MIN_INDEXED_LENGTH and (
            _has_fts_tables(session) if self.sqlite else any(ch.isalnum() for ch in text)
        )
        # The FTS5 queries (SQLite): the contact's also finds the phone by its digits.
        self.fts_text = fts_trigrams([text])
        self.fts_contact = fts_trigrams([text, self.digits] if self.digits else [text])

    def contact_condition(self) -> ColumnElement[bool]:
        conditions = [
            col(Contact.name).ilike(self.pattern, escape=ESCAPE),
            col(Contact.phone).ilike(self.pattern, escape=ESCAPE),
            col(Contact.email).ilike(self.pattern, escape=ESCAPE),
        ]
        if self.digits:
            # Phones are stored E.164 ("+15125550123"); the user typed "512-555-0123".
            conditions.append(col(Contact.phone).like(f"%{self.digits}%"))
        return or_(*conditions)

    def subject_condition(self) -> ColumnElement[bool]:
        return col(Conversation.subject).ilike(self.pattern, escape=ESCAPE)

    def body_condition(self) -> ColumnElement[bool]:
        return col(Message.body).ilike(self.pattern, escape=ESCAPE)


def _scan_condition(term: _Term) -> ColumnElement[bool]:
    """The inbox-order plan: each conversation (newest first) is checked until the page is
    full; its messages through ix_message_conversation."""
    in_messages = exists().where(
        col(Message.conversation_id) == col(Conversation.id), term.body_condition()
    )
    return or_(term.contact_condition(), term.subject_condition(), in_messages)


def _in_workspace(column: Any, workspace_id: int, sqlite: bool) -> ColumnElement[bool]:
    """`column = workspace_id`; on SQLite written so that it cannot serve as an index key.

    SQLite here has no statistics (nothing runs ANALYZE), so it takes `workspace_id = ?` for
    a few rows and would walk the workspace's whole inbox (or message) index, testing each row
    against the matches: 10-60 ms at 100k conversations instead of looking the few matches up
    by id. `workspace_id + 0` is the same test that no index can answer."""
    return (column + 0 == workspace_id) if sqlite else (column == workspace_id)


def _from_index(
    query: sa.Select[Any], model: Any, fts: str, fts_query: str, sqlite: bool
) -> sa.Select[Any]:
    """`query` over `model`, started from the rows its FTS table matches (SQLite). On
    PostgreSQL the ILIKE the caller adds is what the trigram index answers."""
    if not sqlite:
        return query
    index = table(fts, column("rowid"))
    return (
        query.select_from(index)
        .join(model, col(model.id) == index.c.rowid)
        .where(literal_column(fts).op("MATCH")(fts_query))
    )


def _contact_hits(workspace_id: int, term: _Term) -> sa.Select[Any]:
    """The conversations of matching contacts."""
    query = sa.select(col(Conversation.id))
    if not term.sqlite:
        query = query.select_from(Contact)
    query = _from_index(query, Contact, "contact_fts", term.fts_contact, term.sqlite)
    return query.join(Conversation, col(Conversation.contact_id) == col(Contact.id)).where(
        _in_workspace(col(Contact.workspace_id), workspace_id, term.sqlite),
        term.contact_condition(),
    )


def _subject_hits(workspace_id: int, term: _Term) -> sa.Select[Any]:
    query = sa.select(col(Conversation.id))
    query = _from_index(query, Conversation, "conversation_fts", term.fts_text, term.sqlite)
    return query.where(
        _in_workspace(col(Conversation.workspace_id), workspace_id, term.sqlite),
        term.subject_condition(),
    )


def _message_hits(workspace_id: int, term: _Term) -> sa.Select[Any]:
    query = sa.select(col(Message.conversation_id))
    query = _from_index(query, Message, "message_fts", term.fts_text, term.sqlite)
    return query.where(
        _in_workspace(col(Message.workspace_id), workspace_id, term.sqlite),
        term.body_condition(),
    )


def _matching_conversations(session: Session, workspace_id: int, term: _Term) -> set[int] | None:
    """The ids of the workspace's conversations that match (those of matching contacts,
    matching subjects, and those holding a matching message), or None for a common term:
    more than COMMON_TERM_MATCHES hits. The hits are read only up to one past that, so a
    common term costs no more to recognise than a rare one, and a rare one is searched once:
    the page is then a lookup of these ids."""
    hits = union_all(
        _contact_hits(workspace_id, term),
        _subject_hits(workspace_id, term),
        _message_hits(workspace_id, term),
    ).limit(COMMON_TERM_MATCHES + 1)
    ids = session.exec(hits).all()  # type: ignore[call-overload]
    if len(ids) > COMMON_TERM_MATCHES:
        return None
    return {row[0] for row in ids}


def _has_fts_tables(session: Session) -> bool:
    master = table("sqlite_master", column("type"), column("name"))
    names = list(FTS_TABLES)
    found = session.exec(
        select(func.count())
        .select_from(master)
        .where(master.c.type == "table", master.c.name.in_(names))
    ).one()
    return found == len(names)
