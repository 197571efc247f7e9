"""Running a webhook's database work: one transaction, committed before the 2xx, in a worker
thread so the event loop keeps answering. Domain refusals become the right HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from data.db import session_scope
from data.inbound import InboundMessage, InboundResult, UnknownAddress, receive

T = TypeVar("T")


async def in_transaction(work: Callable[[Session], T]) -> T:
    """Run `work(session)` in one committed transaction. An unknown address is a 404 (the
    provider logs it; nothing is stored)."""

    def run() -> T:
        with session_scope(write=True) as session:
            return work(session)

    try:
        return await run_in_threadpool(run)
    except UnknownAddress as exc:
        raise HTTPException(404, str(exc)) from exc


async def store_message(inbound: InboundMessage) -> InboundResult:
    return await in_transaction(lambda session: receive(session, inbound))
