"""Raw RFC 5322 messages from any MTA or script (a Postfix pipe, procmail, a forwarding
rule): the message is the request body, with HTTP Basic auth. `?to=` names the workspace
address when the message's own recipients do not (a catch-all or an alias)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool

from ingest.email.inbound import Prepared, answer, deliver, prepare, require_secret
from ingest.email.mime import Unparseable, parse
from ingest.store import in_transaction

router = APIRouter()

RAW_TYPES = ("message/rfc822", "application/octet-stream", "text/plain")
_BODY_SCHEMA = {"schema": {"type": "string", "format": "binary"}}


def _prepare(raw: bytes, to: str | None) -> Prepared:
    prepared = prepare(parse(raw), provider="raw", fingerprint=raw)
    if to:
        prepared.recipients = [to]
    return prepared


@router.post(
    "/raw",
    summary="A raw RFC 5322 message",
    dependencies=[Depends(require_secret)],
    openapi_extra={
        "requestBody": {"required": True, "content": {kind: _BODY_SCHEMA for kind in RAW_TYPES}}
    },
)
async def raw_message(
    request: Request,
    to: str | None = Query(
        default=None, description="The workspace address to deliver to, overriding To/Cc."
    ),
) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in RAW_TYPES:
        raise HTTPException(
            415, f"Send the message as {', '.join(RAW_TYPES)} (got {content_type or 'none'})."
        )
    raw = await request.body()
    try:
        prepared = await run_in_threadpool(_prepare, raw, to)
    except Unparseable as exc:
        raise HTTPException(400, str(exc)) from exc
    return answer(await in_transaction(lambda session: deliver(session, prepared)))
