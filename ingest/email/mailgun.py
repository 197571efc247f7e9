"""Mailgun inbound email: a Route's forward() action posts the message fully parsed
(`recipient`, `sender`, `from`, `subject`, `body-plain`, `stripped-text`, `body-html`,
`message-headers`, files `attachment-1..N`, urlencoded or multipart), or raw in `body-mime`
when the URL ends in "mime". Every post is signed: `timestamp`, `token`, `signature`.

Mailgun retries every answer but 200 and 406 for hours. So a stored or duplicate message is a
200; what can never succeed (a malformed post, no recipient of ours) is a 406 with the reason;
a forged, stale or replayed signature is a 403 (the request is not Mailgun's, so its retries
do not matter); and a database outage is a 503, retried, as it should be.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from data.inbound import InboundResult
from data.settings import get_settings
from ingest import verify
from ingest.email.forms import EmailForm, attachment_of, openapi_form, read_email_form, uploads
from ingest.email.headers import Headers
from ingest.email.inbound import Prepared, answer, deliver, fingerprint, prepare
from ingest.email.mime import Unparseable, assemble, parse, provider_body
from ingest.store import in_transaction

router = APIRouter()

#: Mailgun's answer for "never retry this".
PERMANENT = 406
#: Header fields Mailgun also posts on their own, for a post whose message-headers is missing.
HEADER_FIELDS = (
    "From", "To", "Cc", "Subject", "Date", "Message-Id", "In-Reply-To", "References",
    "Sender", "Reply-To", "Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe",
    "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "Content-Type",
)  # fmt: skip


def _headers(fields: dict[str, str]) -> Headers:
    """The message's headers from message-headers ([[name, value], …]), or from the fields."""
    try:
        listed = json.loads(fields.get("message-headers") or "[]")
    except ValueError:
        listed = []
    pairs = [
        (pair[0], pair[1])
        for pair in (listed if isinstance(listed, list) else [])
        if isinstance(pair, list | tuple)
        and len(pair) == 2
        and all(isinstance(p, str) for p in pair)
    ]
    return Headers(pairs).plus((name.lower(), fields.get(name)) for name in HEADER_FIELDS)


def _prepare(email_form: EmailForm) -> Prepared:
    fields = email_form.fields
    if "body-mime" in fields:
        raw = email_form.bytes_of("body-mime") or b""
        parsed = parse(raw)
        basis = raw
    else:
        attachments = [
            attachment_of(upload)
            for name, upload in uploads(email_form.form)
            if name.startswith("attachment")
        ]
        body = provider_body(fields.get("body-plain"), fields.get("body-html"), attachments)
        parsed = assemble(
            _headers(fields),
            body,
            from_field=fields.get("from"),
            subject=fields.get("subject"),
            stripped_text=fields.get("stripped-text"),
        )
        basis = fingerprint(fields, attachments)
    return prepare(
        parsed,
        provider="mailgun",
        fingerprint=basis,
        envelope_to=[part.strip() for part in (fields.get("recipient") or "").split(",")],
        envelope_from=fields.get("sender"),
    )


FORM = {
    "recipient": "The envelope recipient(s), comma-separated.",
    "sender": "The envelope sender.",
    "from": "The From header, decoded.",
    "subject": "The subject, decoded.",
    "body-plain": "The text body.",
    "stripped-text": "The text body without quoted parts and signature.",
    "body-html": "The HTML body.",
    "message-headers": "The headers as a JSON list of [name, value] pairs.",
    "Message-Id": "The Message-ID header.",
    "In-Reply-To": "The In-Reply-To header.",
    "References": "The References header.",
    "body-mime": "The whole raw message (forward() URLs ending in mime).",
    "attachment-count": "How many attachment-N files follow.",
    "timestamp": "Signature timestamp (Unix seconds).",
    "token": "Signature token, 50 random characters, used once.",
    "signature": "Hex HMAC-SHA256 of timestamp + token with the signing key.",
}


@router.post(
    "/mailgun", summary="Mailgun Routes forward()", openapi_extra=openapi_form(FORM, "attachment-1")
)
async def mailgun(request: Request) -> dict[str, Any]:
    try:
        email_form = await read_email_form(request)
    except HTTPException as exc:
        if exc.status_code in (400, 415):
            raise HTTPException(PERMANENT, exc.detail) from exc
        raise
    # Parsed before the transaction, so a 30 MB message is never parsed while holding the
    # database (on SQLite the token's insert takes the write lock); but judged only after the
    # signature is verified, so a forged post learns nothing about its content.
    problem: str | None = None
    prepared: Prepared | None = None
    try:
        prepared = await run_in_threadpool(_prepare, email_form)
    except Unparseable as exc:
        problem = str(exc)
    settings = get_settings()

    def store(session: Session) -> InboundResult:
        # Verify first, in the transaction that stores: a replayed token is refused even when
        # the first delivery is still being stored by another worker.
        verify.mailgun(session, email_form.fields, settings)
        if prepared is None:
            raise HTTPException(PERMANENT, problem)
        return deliver(session, prepared, not_ours_status=PERMANENT)

    return answer(await in_transaction(store))
