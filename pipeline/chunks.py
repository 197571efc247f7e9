"""Working claimed inbound messages a chunk per transaction, for triage and the offline
reply: the chunk's conversations are locked, then its messages (each with one statement, in
ascending id order, as every job that changes a conversation's messages locks them), what
the chunk reads is loaded once (`pipeline.batch`), and the chunk commits once.

A conversation another process holds (its own chunk, a reply, ingest's short update) is
skipped rather than waited for: with two processes working one backlog, most chunks share a
conversation or two with the other process's chunk, and waiting made the processes take
turns. Skipped messages stay leased to this process and are tried again with the claim's next
chunk, in claim order ahead of it; those the last chunk skips are worked after it, waiting
for the lock then. (Worked after the whole claim, each claim cost a further transaction of a
few messages.)

If a chunk fails, each of its messages is worked in a transaction of its own, so one bad
message does not hold the others back: it keeps its lease and is tried again when the lease
expires. A SAVEPOINT per message would do the same at two more round trips a message."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import NamedTuple

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from data.db import session_scope
from data.models import Conversation, Message
from pipeline.batch import open_batch
from pipeline.claims import release, worker_id

log = logging.getLogger("inbox.pipeline.chunks")

#: Messages per transaction. A chunk holds its conversations' locks until it commits, and
#: ingest's UPDATE of such a conversation (a new message in it) waits meanwhile: at a few ms
#: a message this keeps the wait around a tenth of a second, while the per-chunk reads and
#: the commit are shared by enough messages to cost little each.
CHUNK = 25

Handler = Callable[[Session, list[Message]], None]


class Claimed(NamedTuple):
    """A message this process leased, and its conversation (locked before it)."""

    id: int
    conversation_id: int


def chunks(claimed: Sequence[Claimed], size: int = CHUNK) -> Iterator[list[Claimed]]:
    for start in range(0, len(claimed), size):
        yield list(claimed[start : start + size])


def run(
    engine: Engine,
    claimed: Sequence[Claimed],
    still_due: Callable[[Message], bool],
    handle: Handler,
    before: Callable[[list[Claimed]], None] | None = None,
) -> None:
    """`handle` the `claimed` messages that are still due, a chunk per transaction (`before`
    sees each chunk first, outside any transaction). Raises the first failure once the rest
    is done."""
    failure: Exception | None = None
    skipped: list[Claimed] = []
    for chunk in chunks(claimed):
        if before is not None:
            before(chunk)
        # Ahead of the chunk, in claim order: by now the other process has mostly committed.
        skipped, error = work(engine, skipped + chunk, still_due, handle, wait=False)
        failure = failure or error
    for chunk in chunks(skipped):
        _, error = work(engine, chunk, still_due, handle, wait=True)
        failure = failure or error
    if failure is not None:
        raise failure


def work(
    engine: Engine,
    chunk: Sequence[Claimed],
    still_due: Callable[[Message], bool],
    handle: Handler,
    *,
    wait: bool,
) -> tuple[list[Claimed], Exception | None]:
    """`handle` the messages of `chunk` that are still due, in one transaction, and if that
    fails one message per transaction. Returns the messages skipped because another process
    held their conversation (never when `wait`), and the first failure."""
    try:
        return _in_one_transaction(engine, chunk, still_due, handle, wait), None
    except Exception as error:
        if len(chunk) == 1:
            return [], error
        log.warning("a chunk of %d messages failed (%s); one at a time now", len(chunk), error)
    skipped: list[Claimed] = []
    first: Exception | None = None
    for item in chunk:
        try:
            skipped += _in_one_transaction(engine, [item], still_due, handle, wait)
        except Exception as error:
            if first is None:
                first = error
            else:
                log.exception("message %s failed; it is tried again later", item.id)
    return skipped, first


def _in_one_transaction(
    engine: Engine,
    chunk: Sequence[Claimed],
    still_due: Callable[[Message], bool],
    handle: Handler,
    wait: bool,
) -> list[Claimed]:
    with session_scope(engine, write=True) as session:
        messages, skipped = begin(session, chunk, still_due, wait)
        if messages:
            handle(session, messages)
    return skipped


def begin(
    session: Session, chunk: Sequence[Claimed], still_due: Callable[[Message], bool], wait: bool
) -> tuple[list[Message], list[Claimed]]:
    """Lock the chunk's conversations and messages and open a batch over them. Returns the
    messages still due and still leased to this process (an expired lease may have passed to
    another one), in claim order, and those whose conversation another process holds (unless
    `wait`). Finished ones still leased to this process are let go."""
    conversations = session.exec(
        select(Conversation)
        .where(col(Conversation.id).in_(sorted({c.conversation_id for c in chunk})))
        # PostgreSQL locks the rows in the ORDER BY's order: two waiting chunks cannot wait
        # on each other in a cycle. NO KEY UPDATE, as an UPDATE takes: it excludes the other
        # pipeline workers but not ingest's INSERT of a new message (its foreign key check
        # takes KEY SHARE on the conversation).
        .order_by(col(Conversation.id))
        .with_for_update(skip_locked=not wait, key_share=True)
    ).all()
    held = {c.id for c in conversations}
    skipped = [c for c in chunk if c.conversation_id not in held]
    locked = session.exec(
        select(Message)
        .where(col(Message.id).in_(sorted(c.id for c in chunk if c.conversation_id in held)))
        .order_by(col(Message.id))
        .with_for_update(key_share=True)
    ).all()
    owner = worker_id()
    ours = []
    for message in locked:
        if message.lease_owner != owner:
            continue
        if still_due(message):
            ours.append(message)
        else:  # finished meanwhile (a newer message of its burst took the reply over)
            release(message)
            session.add(message)
    if ours:
        open_batch(session, list(conversations), ours)
    order = {c.id: n for n, c in enumerate(chunk)}
    return sorted(ours, key=lambda m: order[m.id]), skipped
